/** The requests feature's public face. */
export { NewRequestPage } from './NewRequestPage';
export { RequestPage } from './RequestPage';
export { RequestsPage } from './RequestsPage';
