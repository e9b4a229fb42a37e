/** The catalogue feature's public face. */
export { AggregationPage } from './AggregationPage';
export { DatasetEditPage } from './DatasetEditPage';
export { DatasetPage } from './DatasetPage';
export { DatasetsPage } from './DatasetsPage';
export { ImportPage } from './ImportPage';
