/** Objections (异议核实) in the console: the lists, an objection's page, the report, raising one from a grant, the marks on a grant's data. */
export { DataMarks } from './DataMarks';
export { ObjectionPage } from './ObjectionPage';
export { ObjectionFigures } from './ObjectionFigures';
export { ObjectionReportPage } from './ObjectionReportPage';
export { ObjectionsPage } from './ObjectionsPage';
export { RaiseObjection } from './RaiseObjection';
