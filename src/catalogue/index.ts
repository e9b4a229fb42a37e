/** The public face of the data catalogue (数据资源目录): datasets and the key-work scenario list. Other capabilities import this, never the files behind it. */
export { confirmAggregated, getDataset, isAggregated, routedDatasetVersion } from './service.js';
export { keyList, type Coverage } from './scenarios.js';
export { catalogueHandlers } from './routes.js';
export { scenarioHandlers } from './scenario-routes.js';
export { catalogueSeedStep } from './seed.js';
