/** The catalogue's dataset HTTP operations: each one service call, typed from the contract. */
import { contextOf } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/client.js';
import { operation } from '../platform/http/contract.js';
import { CatalogueService } from './catalogue-service.js';

export function catalogueHandlers(deps: { db: Db; clock: Clock }) {
  const service = new CatalogueService(deps);
  const context = (request: Parameters<typeof contextOf>[0]) => contextOf(request, deps);

  return {
    // Listing, cataloguing and reading datasets and their versions.
    listDatasets: operation<'listDatasets'>(async (request) => service.list(await context(request), request.query)),
    createDataset: operation<'createDataset'>(async (request, reply) => {
      reply.status(201);
      return service.create(await context(request), request.body);
    }),
    getDataset: operation<'getDataset'>(async (request) => service.detail(await context(request), request.params.datasetId)),
    reviseDataset: operation<'reviseDataset'>(async (request) =>
      service.revise(await context(request), request.params.datasetId, request.body, request.query.expectedVersion),
    ),
    getDatasetVersion: operation<'getDatasetVersion'>(async (request) =>
      service.version(await context(request), request.params.datasetId, request.params.version),
    ),
    preCheckConditions: operation<'preCheckConditions'>(async (request) =>
      service.preCheck(await context(request), request.params.datasetId, request.body),
    ),

    // Moving a dataset through its lifecycle and marking it aggregated (归集).
    moveDataset: operation<'moveDataset'>(async (request) => service.move(await context(request), request.params.datasetId, request.body)),
    setDatasetAggregation: operation<'setDatasetAggregation'>(async (request) =>
      service.setAggregation(await context(request), request.params.datasetId, request.body),
    ),

    // The catalogue as a spreadsheet file, in and out.
    importDatasets: operation<'importDatasets'>(async (request) => {
      // The spreadsheet arrives as raw bytes (the buffer content-type parser); the contract has no JSON body, so types it never.
      const upload = { contentType: request.headers['content-type'], content: request.body as Buffer, mode: request.query.mode };
      return service.importFile(await context(request), upload);
    }),
    exportDatasets: operation<'exportDatasets'>(async (request, reply) => {
      const download = await service.exportFile(await context(request), request.query);
      return reply
        .type(download.mediaType)
        .header('content-disposition', `attachment; filename="${download.fileName}"`)
        .header('x-dataset-count', String(download.datasets))
        .send(download.file);
    }),
  };
}
