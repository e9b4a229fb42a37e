import { catalogueSeedStep } from '../catalogue/seed.js';
import { identitySeedStep } from '../identity/seed.js';
import { requestsSeedStep } from '../requests/seed.js';
import type { SeedStep } from './seed.js';

/** The demo data, capability by capability, in dependency order. */
export const demoSeedSteps: SeedStep[] = [identitySeedStep, catalogueSeedStep, requestsSeedStep];
