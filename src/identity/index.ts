/** The public face of who is calling and what they may do. Other capabilities import this, never the files behind it. */
export { auditActor, toActor, type AuthenticatedActor } from './actor.js';
export { contextOf } from './authentication.js';
export { allows, authorize, authorizeCreate } from './authorize.js';
export { findUserByUsername, loadActiveUser, specialDepartment, type RequestContext } from './service.js';
export { accessibleWhere } from './sql-filter.js';
export { authenticationPlugin } from './authentication.js';
export { createTokenService } from './tokens.js';
export { identityHandlers } from './routes.js';
export { actingAs, identitySeedStep } from './seed.js';
export { type ServiceClient, createServiceClient } from './service-clients.js';
