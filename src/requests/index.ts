/** The public face of data-sharing requests (共享申请) and their 1515 workflow. Other capabilities import this, never the files behind it. */
export { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from './attachments.js';
export { currentPolicy, policyAt } from './policy.js';
export { supervisedRequests } from './steps.js';
export { createRequestActivities, PERSON_STEPS } from './activities.js';
export { requestHandlers } from './routes.js';
export { requestsSeedStep } from './seed.js';
export { reconciledRequests } from './reconciled.js';
