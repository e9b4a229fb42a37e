/** The public face of objection verification (异议核实与处理). Other capabilities import this, never the files behind it. */
export { createObjectionActivities, OBJECTION_PERSON_STEPS } from './activities.js';
export { openMarks } from './marks.js';
export { objectionHandlers } from './routes.js';
export { objectionsSeedStep } from './seed.js';
export { supervisedObjections } from './supervision.js';
export { reconciledObjections } from './reconciled.js';
