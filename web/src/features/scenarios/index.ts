/** The scenarios feature's public face (scenarios and the key-work list). */
export { ScenarioPage } from './ScenarioPage';
export { ScenariosPage } from './ScenariosPage';
