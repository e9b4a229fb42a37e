/**
 * Importing catalogue entries from a spreadsheet (批量导入): the file is checked first (dry run) and
 * the report shown row by row — each problem with its column and the server's message, in Chinese
 * where the sentence is known — and only a check without problems can be committed. The commit
 * checks again and imports all or nothing.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { StatusTag } from '../../components/StatusTag';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ApiError, type Schemas } from '../../lib/api';
import { useSession } from '../../lib/session';
import { formatOf, importSpreadsheet } from './files';
import { withReadableProblems, problemInChinese } from './terms';

type Report = Schemas['CatalogueImportReport'];
type Problem = Report['problems'][number];

const OUTCOME_LABELS = { new: '新增（草稿）', revised: '修订（新版本）', unchanged: '无变化' } as const;

const LIMIT_LABELS: Record<string, string> = {
  fileBytes: '文件大小',
  unpackedBytes: '解压后大小',
  rows: '数据行数',
  columns: '列数',
  cellChars: '单元格字数',
};

interface ReportRow {
  row: number;
  dataset?: Report['datasets'][number];
  problems: Problem[];
}

/** The report by spreadsheet row: every row with a problem, and every dataset's first row. */
function byRow(report: Report): ReportRow[] {
  const rows = new Map<number, ReportRow>();
  const at = (row: number) => rows.get(row) ?? rows.set(row, { row, problems: [] }).get(row)!;
  for (const d of report.datasets) at(d.row).dataset = d;
  for (const p of report.problems) at(p.row).problems.push(p);
  return [...rows.values()].sort((a, b) => a.row - b.row);
}

function ProblemText({ problem }: { problem: Problem }) {
  const said = problemInChinese(problem.problem);
  const where = problem.column
    ? `${problem.column} 列${problem.header ? `（${problem.header}）` : ''}`
    : problem.header
      ? `“${problem.header}”列`
      : '整行';
  return (
    <li>
      <Typography.Text strong>{where}</Typography.Text>：{said ?? problem.problem}
      {said && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {problem.problem}
        </Typography.Text>
      )}
    </li>
  );
}

function ReportView({ report }: { report: Report }) {
  const committed = report.mode === 'commit' && report.committed;
  const counts = { new: 0, revised: 0, unchanged: 0 };
  for (const d of report.datasets) counts[d.outcome] += 1;
  return (
    <Card size="small" title={committed ? '导入结果' : '检查结果（逐行）'}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Descriptions size="small" column={{ xs: 1, md: 4 }} bordered>
          <Descriptions.Item label="文件格式">{report.format.toUpperCase()}</Descriptions.Item>
          <Descriptions.Item label="数据行">{report.rows}</Descriptions.Item>
          <Descriptions.Item label="数据资源">
            {report.datasets.length}（新增 {counts.new}，修订 {counts.revised}，无变化 {counts.unchanged}）
          </Descriptions.Item>
          <Descriptions.Item label="问题">{report.problems.length}</Descriptions.Item>
        </Descriptions>
        {committed ? (
          <Alert type="success" showIcon role="status" message={`已导入：新增 ${counts.new} 个草稿，修订 ${counts.revised} 个资源`} />
        ) : report.problems.length ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            message={`发现 ${report.problems.length} 个问题，未导入任何内容`}
            description="请按下表修改表格后重新选择文件检查。"
          />
        ) : (
          <Alert type="success" showIcon role="status" message="检查通过，没有发现问题，可以确认导入" />
        )}
        <Table<ReportRow>
          rowKey="row"
          size="small"
          pagination={false}
          scroll={{ x: 640 }}
          dataSource={byRow(report)}
          columns={[
            { title: '行号', dataIndex: 'row', width: 70, render: (row: number) => `第 ${row} 行` },
            {
              title: '状态',
              width: 130,
              render: (_, r) =>
                r.problems.length ? (
                  <StatusTag tone="red">有 {r.problems.length} 个问题</StatusTag>
                ) : r.dataset ? (
                  <StatusTag tone="green">{OUTCOME_LABELS[r.dataset.outcome]}</StatusTag>
                ) : (
                  <Tag>通过</Tag>
                ),
            },
            {
              title: '资源代码',
              width: 150,
              render: (_, r) =>
                r.dataset ? (
                  r.dataset.datasetId && committed ? (
                    <Link to={`/catalogue/${r.dataset.datasetId}`}>{r.dataset.code}</Link>
                  ) : (
                    r.dataset.code
                  )
                ) : (
                  '—'
                ),
            },
            {
              title: '问题（列：说明）',
              render: (_, r) =>
                r.problems.length ? (
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {r.problems.map((p, i) => (
                      <ProblemText key={i} problem={p} />
                    ))}
                  </ul>
                ) : r.dataset?.version ? (
                  `当前第 ${r.dataset.version} 版`
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Space>
    </Card>
  );
}

/** A refusal of the file as a whole (too large, unreadable), with the limit it passed. */
function limitText(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'spreadsheet_too_large') return null;
  const d = error.details as { limit?: string; max?: number; row?: number; column?: string } | undefined;
  if (!d?.limit) return null;
  return `超出的上限：${LIMIT_LABELS[d.limit] ?? d.limit}，最多 ${d.max ?? '—'}${d.row ? `（第 ${d.row} 行${d.column ? ` ${d.column} 列` : ''}）` : ''}`;
}

export function ImportPage() {
  const inputId = useId();
  const { has } = useSession();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const check = useMutation({ mutationFn: (f: File) => importSpreadsheet(f, 'dry_run') });
  const commit = useMutation({
    mutationFn: (f: File) => importSpreadsheet(f, 'commit', key),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['datasets'] }),
  });
  // A commit refused for problems carries the report in its details.
  const refusedReport =
    commit.error instanceof ApiError && commit.error.code === 'import_invalid' ? (commit.error.details as Report) : undefined;
  const report = commit.data ?? refusedReport ?? check.data;
  const canCommit = file && check.data && check.data.problems.length === 0 && !commit.data;
  const choose = (next: File | null) => {
    setFile(next);
    setKey(crypto.randomUUID());
    check.reset();
    commit.reset();
    if (next && formatOf(next)) check.mutate(next);
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        批量导入
      </Typography.Title>
      {!(has('reviewer') || has('dept_admin')) && (
        <Alert type="warning" showIcon message="只有数据责任部门的审核人或部门管理员可以导入本部门的目录。" />
      )}
      <Card size="small" title="1. 选择表格文件">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph style={{ margin: 0 }}>
            支持 XLSX 或 CSV（UTF-8）文件，最大 10 MiB、20 000
            行。每行一个数据项，列与导出的表格相同（资源代码、资源名称、资源分类、共享类型、数据项名称、敏感级别为必填列）；
            同一资源的其他列在首行填写，后续行照抄或留空；多个值用“;”分隔。先导出本部门目录作为模板最方便。
          </Typography.Paragraph>
          <Space wrap>
            <label htmlFor={inputId}>
              <Typography.Text strong>目录表格文件：</Typography.Text>
            </label>
            <input
              id={inputId}
              type="file"
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
            />
            {file && (
              <Button onClick={() => check.mutate(file)} loading={check.isPending}>
                重新检查
              </Button>
            )}
          </Space>
          {file && !formatOf(file) && <Alert type="error" showIcon role="alert" message="只能导入 .xlsx 或 .csv 文件" />}
        </Space>
      </Card>
      <div aria-live="polite">
        {check.isPending && <Card size="small" loading title="正在检查…" />}
        <ErrorAlert error={withReadableProblems(check.error)} />
        {limitText(check.error) && <Alert type="error" message={limitText(check.error)} />}
      </div>
      {report && <ReportView report={report} />}
      {check.data && !commit.data && (
        <Card size="small" title="2. 确认导入">
          <Space direction="vertical">
            <Typography.Text>确认后将再次检查并整体导入：新的资源代码成为本部门的草稿，已有资源内容有变化的生成新版本。</Typography.Text>
            <Button type="primary" disabled={!canCommit} loading={commit.isPending} onClick={() => file && commit.mutate(file)}>
              确认导入
            </Button>
            {!canCommit && <Typography.Text strong>表格有问题，修改后重新选择文件检查。</Typography.Text>}
            <ErrorAlert error={refusedReport ? null : withReadableProblems(commit.error)} />
            {refusedReport && (
              <Alert type="error" showIcon role="alert" message="导入时发现问题（表格或目录在检查后有变化），未导入任何内容。" />
            )}
          </Space>
        </Card>
      )}
      {commit.data && (
        <Space>
          <Link to="/catalogue?lifecycle=draft">
            <Button type="primary">查看本部门草稿</Button>
          </Link>
          <Button onClick={() => choose(null)}>再导入一个文件</Button>
        </Space>
      )}
    </Space>
  );
}
