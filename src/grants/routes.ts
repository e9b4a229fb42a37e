/** The grants capability's HTTP operations: each one service call, typed from the contract. */
import type { Client } from '@temporalio/client';
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { UnauthorizedError } from '../platform/errors.js';
import { checkUseForExchange } from './exchange.js';
import type { UsageRecorder } from './usage-records.js';
import { exportGrants } from './exports.js';
import { grantUsageOf, grantUsageReport, usageReportFile } from './usage.js';
import { listGrants } from './queries.js';
import { listGrantUseFlags } from './flags.js';
import type { GrantPersonAction } from './rules/actions.js';
import { actOnGrant, grantDetail } from './service.js';

export function grantHandlers(deps: {
  db: Db;
  clock: Clock;
  temporal: { client: Client };
  settings: Config['temporal'];
  usage: UsageRecorder;
}) {
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);
  const temporal = { client: deps.temporal.client, settings: deps.settings };
  const action = (name: GrantPersonAction) =>
    operation<'suspendGrant'>(async (request) =>
      actOnGrant(await context(request), temporal, request.params.grantId, name, request.body.reason),
    );
  return {
    listGrants: operation<'listGrants'>(async (request) => listGrants(await context(request), request.query)),
    exportGrants: operation<'exportGrants'>(async (request, reply) => {
      const download = await exportGrants(await context(request), request.query);
      return reply
        .type(download.mediaType)
        .header('content-disposition', `attachment; filename="${download.fileName}"`)
        .header('x-row-count', String(download.rows))
        .send(download.file);
    }),
    checkExchangeUse: operation<'checkExchangeUse'>(async (request) => {
      if (!request.serviceClient) throw new UnauthorizedError('service_credential_required');
      return checkUseForExchange(deps.db, deps.usage, request.serviceClient, request.body, await deps.clock.now(), String(request.id));
    }),
    getGrantUsage: operation<'getGrantUsage'>(async (request) =>
      grantUsageOf(await context(request), request.params.grantId, request.query),
    ),
    getGrantUsageReport: operation<'getGrantUsageReport'>(async (request, reply) => {
      const report = await grantUsageReport(await context(request), request.query);
      if ((request.query.format ?? 'json') === 'json') return report;
      const download = await usageReportFile(report);
      return reply
        .type(download.mediaType)
        .header('content-disposition', `attachment; filename="${download.fileName}"`)
        .send(download.file);
    }),
    listGrantUseFlags: operation<'listGrantUseFlags'>(async (request) => listGrantUseFlags(await context(request), request.query)),
    getGrant: operation<'getGrant'>(async (request) => grantDetail(await context(request), request.params.grantId)),
    suspendGrant: action('suspend'),
    resumeGrant: action('resume'),
    revokeGrant: action('revoke'),
  };
}
