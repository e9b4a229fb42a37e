import { catalogueSeedStep } from '../catalogue/index.js';
import { grantsSeedStep } from '../grants/index.js';
import { objectionsSeedStep } from '../objections/index.js';
import { identitySeedStep } from '../identity/index.js';
import { legalBasisSeedStep } from '../legal-basis/index.js';
import { requestsSeedStep } from '../requests/index.js';
import type { SeedStep } from '../platform/seeding.js';

/** The demo data, capability by capability, in dependency order. */
export const demoSeedSteps: SeedStep[] = [
  identitySeedStep,
  legalBasisSeedStep,
  catalogueSeedStep,
  requestsSeedStep,
  grantsSeedStep,
  objectionsSeedStep,
];
