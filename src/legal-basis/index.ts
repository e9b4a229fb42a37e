/** The public face of the legal-basis register (法律依据库). Other capabilities import this, never the files behind it. */
export { citeLegalBasis } from './service.js';
export { legalBasisHandlers } from './routes.js';
export { legalBasisIdOf, legalBasisSeedStep, REAL_INSTRUMENTS } from './seed.js';
