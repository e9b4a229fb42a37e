/** The public face of SLA clocks (办理时限) and the clocked-step engine: every timed step's deadline, its events, reminders, breaches and supervision, and following calendar and policy changes. Other capabilities import this, never the files behind it. */
export * from './service.js';
export { calendarFollower, markAnnounced, signalMovedDeadlines, unannouncedClocks, type OwedAnnouncement } from './signals.js';
export { clockEventView, clockView } from './presenters.js';
export { slaHandlers } from './routes.js';
export {
  supervisionsOf,
  supervisionView,
  type SupervisedCase,
  type SupervisedCases,
  type SupervisionReplier,
  type SupervisionView,
} from './supervisions.js';
export { mayReplyToSupervision } from './rules/supervision.js';
export {
  authorityDepartment,
  breachStep,
  centerDepartment,
  clockedStep,
  decideStepExtension,
  escalateStep,
  handOverStep,
  MissingDepartmentError,
  pauseStep,
  remindStep,
  replyToSupervision,
  requestStepExtension,
  stopStep,
  type StepSubject,
  type SupervisionRow,
} from './steps.js';
