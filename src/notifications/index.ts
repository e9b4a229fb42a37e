/** The public face of notices (站内通知与回调), written to the outbox in the caller's transaction. Other capabilities import this, never the files behind it. */
export { enqueueNotification, enqueueNotifications, type NotificationInput } from './outbox.js';
export { pokeNotificationRelay } from './relay.js';
export { createNotificationActivities } from './activities.js';
export { ensureNotificationRelay } from './relay.js';
export { notificationHandlers } from './routes.js';
