/** The identity capability's HTTP operations: each one service call, typed from the contract. */
import { operation } from '../platform/http/contract.js';
import { contextOf } from './authentication.js';
import { createServiceClient, listServiceClients, revokeServiceClient } from './service-clients.js';
import { IdentityService, type IdentityServiceDeps } from './identity-service.js';

export function identityHandlers(deps: IdentityServiceDeps) {
  const service = new IdentityService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    listServiceClients: operation<'listServiceClients'>(async (request) => listServiceClients(await contextOf(request, deps))),
    createServiceClient: operation<'createServiceClient'>(async (request, reply) => {
      reply.status(201);
      return createServiceClient(await contextOf(request, deps), request.body.name);
    }),
    revokeServiceClient: operation<'revokeServiceClient'>(async (request) =>
      revokeServiceClient(await contextOf(request, deps), request.params.clientId),
    ),
    // Demo sign-in takes no token: it is how a demo caller gets one.
    listDemoUsers: operation<'listDemoUsers'>(async () => service.demoUsers()),
    demoSignIn: operation<'demoSignIn'>(async (request) => service.demoSignIn(request.body.username)),
    getMe: operation<'getMe'>(async (request) => service.me(await context(request))),
    listDepartments: operation<'listDepartments'>(async (request) => {
      await context(request);
      return service.departments(request.query);
    }),
    getDepartment: operation<'getDepartment'>(async (request) => service.department(await context(request), request.params.departmentId)),
    createDepartment: operation<'createDepartment'>(async (request, reply) => {
      reply.status(201);
      return service.createDepartment(await context(request), request.body);
    }),
    updateDepartment: operation<'updateDepartment'>(async (request) =>
      service.updateDepartment(await context(request), request.params.departmentId, request.body),
    ),
    listUsers: operation<'listUsers'>(async (request) => service.users(await context(request), request.query)),
    getUser: operation<'getUser'>(async (request) => service.user(await context(request), request.params.userId)),
    createUser: operation<'createUser'>(async (request, reply) => {
      reply.status(201);
      return service.createUser(await context(request), request.body);
    }),
    updateUser: operation<'updateUser'>(async (request) => service.updateUser(await context(request), request.params.userId, request.body)),
  };
}
