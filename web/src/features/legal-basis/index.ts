/** The legal-basis register feature's public face. */
export { LegalBasesPage } from './LegalBasesPage';
export { LegalBasisPage } from './LegalBasisPage';
