/** The public face of the working-day calendar (工作日历) as loaded from PostgreSQL. Other capabilities import this, never the files behind it. */
export { currentCalendarVersion, loadCalendar } from './service.js';
export { importPublishedSchedules } from './service.js';
export { calendarHandlers } from './routes.js';
