/** The calendar feature's public face. */
export { CalendarPage } from './CalendarPage';
