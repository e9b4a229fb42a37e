/** The catalogue feature's public face. */
export { DatasetPage } from './DatasetPage';
export { DatasetsPage } from './DatasetsPage';
