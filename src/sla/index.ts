/** The public face of SLA clocks (办理时限): every timed step's deadline, its events, and following calendar and policy changes. Other capabilities import this, never the files behind it. */
export * from './service.js';
export { calendarFollower, signalMovedDeadlines } from './signals.js';
export { clockEventView, clockView } from './routes.js';
export { createSlaActivities } from './activities.js';
export { slaHandlers } from './routes.js';
