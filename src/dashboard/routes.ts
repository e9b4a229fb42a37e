/** The dashboard's HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import { operation } from '../platform/http/contract.js';
import { evaluationFile, exportTable, monthlyEvaluation } from './reports.js';
import { DashboardService, type DashboardDeps } from './service.js';

export function dashboardHandlers(deps: DashboardDeps & { clock: Clock }) {
  const service = new DashboardService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    getDashboardOverview: operation<'getDashboardOverview'>(async (request) => service.overview(await context(request), request.query)),
    listDashboardOpenItems: operation<'listDashboardOpenItems'>(async (request) =>
      service.openItems(await context(request), request.query),
    ),
    getDashboardDepartments: operation<'getDashboardDepartments'>(async (request) =>
      service.departments(await context(request), request.query),
    ),
    listDashboardItems: operation<'listDashboardItems'>(async (request) => service.items(await context(request), request.query)),
    getDashboardParties: operation<'getDashboardParties'>(async (request) => service.parties(await context(request), request.query)),
    getDashboardSupervision: operation<'getDashboardSupervision'>(async (request) =>
      service.supervision(await context(request), request.query),
    ),
    getDashboardTrends: operation<'getDashboardTrends'>(async (request) => service.trends(await context(request), request.query)),
    exportDashboardTable: operation<'exportDashboardTable'>(async (request, reply) => {
      const download = await exportTable(service, await context(request), request.query);
      return reply
        .type(download.mediaType)
        .header('content-disposition', `attachment; filename="${download.fileName}"`)
        .header('x-row-count', String(download.rows))
        .send(download.file);
    }),
    getMonthlyEvaluation: operation<'getMonthlyEvaluation'>(async (request, reply) => {
      const ctx = await context(request);
      const evaluation = await monthlyEvaluation(service, ctx, request.query);
      const format = request.query.format ?? 'json';
      if (format === 'json') return evaluation;
      const file = await evaluationFile(evaluation, format, deps.documents.fontDir, ctx.now);
      return reply.type(file.mediaType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.content);
    }),
  };
}
