/** The grants list as a file (XLSX or CSV), with the list's filters and visibility. */
import type { RequestContext } from '../identity/index.js';
import { TABLE_MEDIA_TYPES, writeTables, type Table } from '../platform/documents/spreadsheet.js';
import type { QueryParams } from '../platform/http/contract.js';
import { allGrants } from './queries.js';
import { GRANT_STATE_LABELS } from './rules/lifecycle.js';

/** At most this many rows in one file: a larger export is narrowed with the filters. */
export const GRANT_EXPORT_MAX_ROWS = 10_000;

const METHOD = { interface: '接口', batch: '批量交换' } as const;

export async function exportGrants(ctx: RequestContext, query: QueryParams<'exportGrants'>) {
  const { format = 'xlsx', ...filters } = query;
  const rows = await allGrants(ctx, filters, GRANT_EXPORT_MAX_ROWS);
  const table: Table = {
    name: '授权清单',
    header: [
      '授权编号',
      '状态',
      '申请编号',
      '需求部门',
      '数据责任部门',
      '数据资源',
      '字段',
      '应用场景',
      '用途',
      '交付方式',
      '生效时间',
      '截止日期',
      '续期授权',
      '受目录变更影响',
    ],
    rows: rows.map((g) => [
      g.number,
      GRANT_STATE_LABELS[g.state],
      g.requestNumber,
      g.requesterDepartment.name,
      g.ownerDepartment.name,
      `${g.dataset.name}（${g.dataset.code} v${g.dataset.version}）`,
      g.fields.join('、'),
      g.scenario?.name ?? '',
      g.purpose,
      METHOD[g.deliveryMethod],
      g.validFrom,
      g.lastDay,
      g.renewal?.grant?.number ?? '',
      g.affected ? '是' : '否',
    ]),
  };
  return {
    file: await writeTables([table], format),
    mediaType: TABLE_MEDIA_TYPES[format],
    fileName: `grants-${ctx.now.toISOString().slice(0, 10)}.${format}`,
    rows: table.rows.length,
  };
}
