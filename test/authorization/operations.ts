/**
 * How the matrix sends each operation: a request that would succeed for an authorized caller
 * (a valid body, an existing subject in the right state), so that the status reflects
 * authorization and nothing else. Keyed by operationId; a row's variant is in the context.
 */
import { publishedSchedulesFromPackage } from '../../src/calendar/chinese-days-source.js';
import { COLUMNS } from '../../src/catalogue/rules/spreadsheet.js';
import type { UserRow } from '../../src/identity/service.js';
import { PDF, pdfFile } from '../helpers/files.js';
import { draftFor } from '../helpers/requests.js';
import type { CallerKind, MatrixDepartment, MatrixRow } from './matrix.js';
import { datasetContent, MARKET_FIELDS, rand, type Callers, type Fixtures, type HttpCall, type SubjectPair } from './world.js';

export interface CaseContext {
  row: MatrixRow;
  caller: CallerKind;
  /** null for the anonymous caller. */
  user: UserRow | null;
  /** The callers of the application that answers this row. */
  callers: Callers;
  fx: Fixtures;
  /** Whether the row expects this caller to succeed: a subject the success consumes is then fresh. */
  succeeds: boolean;
}

export type Operation = (c: CaseContext) => HttpCall | Promise<HttpCall>;

const API = '/api/v1';
const get = (url: string): HttpCall => ({ method: 'GET', url });
const post = (url: string, payload?: object): HttpCall => ({ method: 'POST', url, ...(payload ? { payload } : {}) });
/** The caller's department (anonymous callers send what the market would). */
const departmentOf = (c: CaseContext): MatrixDepartment => (c.user ? c.callers.departmentKey(c.user.departmentId) : undefined) ?? 'market';

/** A one-dataset catalogue sheet of the caller's department, as a department would fill it in. */
function catalogueCsv(departmentCode: string): Buffer {
  const code = `MX-IMP-${rand()}`;
  const cells: Partial<Record<(typeof COLUMNS)[number]['key'], string>> = {
    code,
    name: `矩阵导入${code}`,
    libraryKind: '主题库',
    updateFrequency: '每日',
    sourceSystem: '业务系统',
    sharingType: '无条件共享',
    fieldName: '姓名',
    sensitivity: '内部',
    ownerDepartment: departmentCode,
  };
  const lines = [COLUMNS.map((c) => c.header), COLUMNS.map((c) => cells[c.key] ?? '')];
  return Buffer.from(lines.map((l) => l.join(',')).join('\r\n'), 'utf8');
}

/** A request the caller's department may file: for another department's dataset. */
const requestDraftFor = (c: CaseContext) =>
  departmentOf(c) === 'police' ? draftFor(c.fx.datasets.market.id, { fields: ['企业名称'] }) : draftFor(c.fx.world.conditional.id);

/** The subject of an action: the shared one for cases expected to fail, the fresh one for a success. */
const subject = (c: CaseContext, pair: SubjectPair) => (c.succeeds ? pair.fresh : pair.shared);
const act = (c: CaseContext, pair: SubjectPair, action: string, payload: object): HttpCall =>
  post(`${API}/requests/${subject(c, pair)}/${action}`, payload);

export const OPERATIONS: Record<string, Operation> = {
  // system
  getLiveness: () => get('/healthz'),
  getReadiness: () => get('/readyz'),
  getSystemInfo: () => get(`${API}/system/info`),

  // identity
  listDemoUsers: () => get(`${API}/auth/demo-users`),
  demoSignIn: (c) => post(`${API}/auth/demo-sign-in`, { username: c.callers.users['market.requester'].username }),
  getMe: () => get(`${API}/me`),
  listDepartments: () => get(`${API}/departments`),
  createDepartment: () => post(`${API}/departments`, { code: `MX-${rand()}`, name: `矩阵测试部门${rand()}`, level: 'city' }),
  getDepartment: (c) => get(`${API}/departments/${c.callers.departments.police.id}`),
  updateDepartment: (c) => ({
    method: 'PATCH',
    url: `${API}/departments/${c.fx.spareDepartment.id}`,
    payload: { name: `矩阵备用部门${rand()}` },
  }),
  listUsers: () => get(`${API}/users?limit=200`),
  createUser: (c) =>
    post(`${API}/users`, {
      username: `mx.${rand().toLowerCase()}`,
      displayName: '矩阵新用户',
      departmentId: c.callers.departments.police.id,
      roles: ['requester'],
    }),
  getUser: (c) => get(`${API}/users/${c.fx.policeUser.id}`),
  updateUser: (c) => ({
    method: 'PATCH',
    url: `${API}/users/${c.fx.policeUser.id}`,
    payload: { displayName: `矩阵用户${rand()}`, reason: '更正姓名' },
  }),

  // audit
  listAuditEntries: () => get(`${API}/audit-entries?limit=200`),
  verifyAuditLedger: () => get(`${API}/audit-entries/verification`),
  verifyAuditLedgerAgainstHead: () => post(`${API}/audit-entries/verification`, { head: { chains: [] } }),

  // reconciliation
  listReconciliationRuns: () => get(`${API}/reconciliation-runs?limit=200`),
  runReconciliation: () => post(`${API}/reconciliation-runs`),

  // notifications
  listNotifications: () => get(`${API}/notifications?limit=200`),
  countUnreadNotifications: () => get(`${API}/notifications/unread-count`),
  markNotificationRead: (c) => post(`${API}/notifications/${c.fx.policeMessageId}/read`),
  listWebhooks: () => get(`${API}/webhooks`),
  createWebhook: () => post(`${API}/webhooks`, { url: `https://hooks.example.gov.cn/gx/${rand()}` }),
  deactivateWebhook: (c) => ({ method: 'DELETE', url: `${API}/webhooks/${c.fx.policeWebhookId}` }),
  listWebhookDeliveries: () => get(`${API}/webhook-deliveries?limit=200`),

  // calendar and clocks
  listCalendarDays: () => get(`${API}/calendar/days?from=2026-12-01&to=2026-12-31`),
  listCalendarYears: () => get(`${API}/calendar/years`),
  publishCalendarYear: () => ({
    method: 'PUT',
    url: `${API}/calendar/years/2026`,
    payload: { notice: '国务院办公厅关于2026年部分节假日安排的通知', days: publishedSchedulesFromPackage().get(2026)! },
  }),
  computeDeadline: () => post(`${API}/calendar/deadlines`, { from: '2026-10-03T02:00:00Z', workingDays: 5 }),
  getSlaClock: (c) => get(`${API}/sla-clocks/${c.fx.clockId}`),

  // catalogue
  listDatasets: () => get(`${API}/datasets?sort=updated&limit=200`),
  createDataset: () => post(`${API}/datasets`, { code: `MX-${rand()}`, content: datasetContent(`矩阵新建${rand()}`) }),
  importDatasets: (c) => ({
    method: 'POST',
    url: `${API}/datasets/import?mode=dry_run`,
    payload: catalogueCsv(c.callers.departments[departmentOf(c)].code),
    headers: { 'content-type': 'text/csv' },
  }),
  exportDatasets: () => get(`${API}/datasets/export?format=csv&sort=updated`),
  getDataset: (c) => get(`${API}/datasets/${c.fx.datasets.published.id}`),
  reviseDataset: (c) => ({
    method: 'PUT',
    url: `${API}/datasets/${c.fx.datasets.revise.id}`,
    payload: { ...datasetContent(c.fx.datasets.revise.name), description: `修订${rand()}` },
  }),
  getDatasetVersion: (c) => get(`${API}/datasets/${c.fx.datasets.published.id}/versions/1`),
  moveDataset: async (c) =>
    post(`${API}/datasets/${c.succeeds ? (await c.fx.freshPoliceDataset()).id : c.fx.datasets.retire.id}/lifecycle`, {
      to: 'retired',
      reason: '停止提供',
    }),
  setDatasetAggregation: (c) => ({
    method: 'PUT',
    url: `${API}/datasets/${c.fx.datasets.aggregation.id}/aggregation`,
    payload: { aggregated: true, reason: '已归集至市大数据中心' },
  }),
  listScenarios: () => get(`${API}/scenarios`),
  createScenario: (c) => post(`${API}/scenarios`, c.fx.scenarioInput(`矩阵新场景${rand()}`)),
  getScenario: (c) => get(`${API}/scenarios/${c.fx.world.scenario.id}`),
  reviseScenario: (c) => ({
    method: 'PUT',
    url: `${API}/scenarios/${c.fx.scenarios.revise.id}`,
    payload: { ...c.fx.scenarioInput(c.fx.scenarios.revise.name), description: `修订${rand()}` },
  }),
  setKeyListMembership: (c) => ({
    method: 'PUT',
    url: `${API}/scenarios/${c.fx.scenarios.keyList.id}/key-list`,
    payload: { onKeyList: true, reason: '列入重点工作' },
  }),
  getKeyWorkList: () => get(`${API}/key-work-list`),
  listLegalBases: () => get(`${API}/legal-bases?inForce=true`),
  createLegalBasis: () =>
    post(`${API}/legal-bases`, {
      kind: 'administrative_regulation',
      title: '《征信业管理条例》',
      article: '第十四条',
      excerpt: `禁止征信机构采集个人的宗教信仰、基因、指纹、血型、疾病和病史信息（矩阵${rand()}）`,
      prohibitsSharing: false,
      inForce: true,
    }),
  getLegalBasis: (c) => get(`${API}/legal-bases/${c.fx.world.legalBases.permissive}`),
  reviseLegalBasis: (c) => ({
    method: 'PUT',
    url: `${API}/legal-bases/${c.fx.world.legalBases.permissive}`,
    payload: {
      kind: 'law',
      title: '《中华人民共和国数据安全法》',
      article: '第三十八条',
      excerpt: `国家机关为履行法定职责的需要收集、使用数据……不得泄露或者非法向他人提供。（矩阵${rand()}）`,
      prohibitsSharing: false,
      inForce: true,
      reason: '据公布文本校对条文',
    },
  }),
  preCheckConditions: (c) =>
    departmentOf(c) === 'police'
      ? post(`${API}/datasets/${c.fx.datasets.market.id}/pre-check`, { fields: [MARKET_FIELDS[1]!] })
      : post(`${API}/datasets/${c.fx.world.conditional.id}/pre-check`, {
          fields: ['姓名'],
          usageMonths: 6,
          securityCommitmentAccepted: true,
        }),

  // policy
  getCommitment: () => get(`${API}/commitment`),
  publishCommitment: () => post(`${API}/commitment`, { text: '本单位承诺：所获共享数据仅用于申请所述用途，并落实数据安全保护责任。' }),
  listPolicyProfiles: () => get(`${API}/policy-profiles`),
  createPolicyProfileVersion: (c) =>
    post(`${API}/policy-profiles`, { name: 'shanghai-1515', settings: c.fx.policySettings as object, note: '矩阵测试：原样另存一个版本' }),

  // requests
  listRequests: () => get(`${API}/requests?limit=200`),
  createRequestDraft: (c) => post(`${API}/requests`, requestDraftFor(c)),
  getRequest: (c) => get(`${API}/requests/${c.row.variant === 'draft' ? c.fx.requests.draft : c.fx.requests.main}`),
  updateRequestDraft: (c) => ({
    method: 'PUT',
    url: `${API}/requests/${c.fx.requests.draft}`,
    payload: draftFor(c.fx.world.conditional.id),
  }),
  discardRequestDraft: (c) => ({ method: 'DELETE', url: `${API}/requests/${subject(c, c.fx.actions.discard)}` }),
  preCheckRequest: (c) => post(`${API}/requests/${c.fx.requests.draft}/pre-check`),
  addRequestAttachment: (c) => ({
    method: 'POST',
    url: `${API}/requests/${c.fx.requests.draft}/attachments?fileName=${encodeURIComponent('业务依据.pdf')}`,
    payload: pdfFile('业务依据'),
    headers: { 'content-type': PDF },
  }),
  getRequestAttachment: (c) => get(`${API}/requests/${c.fx.requests.main}/attachments/${c.fx.attachmentId}`),
  fileRequest: async (c) =>
    act(c, c.fx.actions.file, 'filing', { commitmentVersion: await c.fx.commitmentVersion(), acceptCommitment: true }),
  approveRequest: (c) => act(c, c.fx.actions.approve, 'approval', { note: '同意共享' }),
  refuseRequest: (c) =>
    act(c, c.fx.actions.refuse, 'refusal', {
      legalBasisId: c.fx.world.legalBases.permissive,
      citedConditions: ['restrictedFields'],
      reasons: '婚姻状况为目录登记的不予共享数据项',
      alternatives: '可申请姓名、公民身份号码等其余数据项',
    }),
  askRequestSupplement: (c) => act(c, c.fx.actions.ask, 'supplement-request', { question: '请说明用途对应的业务事项' }),
  answerRequestSupplement: (c) => act(c, c.fx.actions.answer, 'supplement-answer', { answer: '用于企业开办中法定代表人身份核验' }),
  withdrawRequest: (c) => act(c, c.fx.actions.withdraw, 'withdrawal', { reason: '业务调整，不再需要' }),
  confirmRequestDelivery: (c) =>
    act(c, c.fx.actions.deliver, 'delivery', { method: 'interface', reference: 'https://exchange.example.gov.cn/api/rk' }),
  requestRequestExtension: (c) => act(c, c.fx.actions.extend, 'extension-request', { days: 2, reason: '需要与源系统核对数据口径' }),
  decideRequestExtension: (c) => act(c, c.fx.actions.decideExtension, 'extension-decision', { approved: true, reason: '同意延期' }),
  // track 15: coordination (三方协调), explanation, disputes (争议), printable records
  recordCoordinationPosition: (c) =>
    post(`${API}/requests/${c.fx.track15.coordination}/coordination/positions`, { position: '本方意见：按最小必要原则共享' }),
  scheduleCoordinationMeeting: (c) =>
    post(`${API}/requests/${c.fx.track15.coordination}/coordination/meetings`, {
      startsAt: '2026-12-10T02:00:00Z',
      link: 'https://meeting.example.gov.cn/room/15',
      participants: ['市市场监管局', '市公安局', '市大数据中心'],
    }),
  recordCoordinationMinutes: (c) => {
    const id = subject(c, c.fx.track15.minutes);
    return post(`${API}/requests/${id}/coordination/minutes`, { meetingId: c.fx.track15.meetingOf[id]!, minutes: '三方一致同意共享。' });
  },
  agreeToShareRequest: (c) => act(c, c.fx.track15.agree, 'coordination/agreement', { conditions: '仅用于核验，不得留存' }),
  decideNotToShareRequest: (c) => act(c, c.fx.track15.notToShare, 'coordination/refusal', { reasons: '涉及侦查秘密' }),
  confirmRequestAggregation: (c) => act(c, c.fx.track15.aggregation, 'aggregation-confirmation', { reference: 'GJ-2026-0042' }),
  fileRequestExplanation: (c) =>
    act(c, c.fx.track15.explanation, 'explanation', { reasons: '属于侦查秘密', alternatives: '可申请核验服务' }),
  disputeRequestRefusal: (c) => act(c, c.fx.track15.dispute, 'dispute', { reasons: '企业开办核验确有必要' }),
  upholdRequestRefusal: (c) => act(c, c.fx.track15.uphold, 'dispute/upholding', { reasons: '依法属于不予共享范围' }),
  orderRequestSharing: (c) => act(c, c.fx.track15.order, 'dispute/sharing-order', { reasons: '符合共享原则，应予共享' }),
  getExplanationDocument: (c) => get(`${API}/requests/${c.fx.track15.documents.requestId}/documents/explanation`),
  getMinutesDocument: (c) =>
    get(`${API}/requests/${c.fx.track15.documents.requestId}/documents/minutes/${c.fx.track15.documents.meetingId}`),
  getDisputeDecisionDocument: (c) => get(`${API}/requests/${c.fx.track15.documents.requestId}/documents/dispute-decision`),
  replyToSupervision: (c) =>
    post(`${API}/supervisions/${subject(c, c.fx.actions.supervision)}/reply`, { reply: '已安排专人审核，今日办结' }),
  getDashboardOverview: (c) => get(`${API}/dashboard/overview?departmentId=${c.callers.departments.police.id}`),
  listDashboardOpenItems: () => get(`${API}/dashboard/open-items`),
  getDashboardDepartments: (c) => get(`${API}/dashboard/departments?departmentId=${c.callers.departments.police.id}`),
  listDashboardItems: (c) => get(`${API}/dashboard/items?departmentId=${c.callers.departments.police.id}`),
  getDashboardParties: () => get(`${API}/dashboard/parties`),
  getDashboardSupervision: (c) => get(`${API}/dashboard/supervision?departmentId=${c.callers.departments.police.id}`),
  getDashboardTrends: (c) => get(`${API}/dashboard/trends?departmentId=${c.callers.departments.police.id}`),
  exportDashboardTable: (c) => get(`${API}/dashboard/export?table=departments&format=csv&departmentId=${c.callers.departments.police.id}`),
  listGrants: () => get(`${API}/grants`),
  exportGrants: () => get(`${API}/grants/export?format=csv`),
  getGrantUsage: (c) => get(`${API}/grants/${c.fx.grants.shown}/usage`),
  getGrantUsageReport: () => get(`${API}/grants/usage-report?month=2026-12`),
  listGrantUseFlags: () => get(`${API}/grants/use-flags`),
  getGrant: (c) => get(`${API}/grants/${c.fx.grants.shown}`),
  suspendGrant: (c) => post(`${API}/grants/${subject(c, c.fx.grants.suspend)}/suspension`, { reason: '核查使用情况' }),
  resumeGrant: (c) => post(`${API}/grants/${subject(c, c.fx.grants.resume)}/resumption`, { reason: '核查完毕' }),
  revokeGrant: (c) => post(`${API}/grants/${subject(c, c.fx.grants.revoke)}/revocation`, { reason: '场景终止' }),
  renewGrant: (c) => post(`${API}/grants/${subject(c, c.fx.grants.renew)}/renewal`),
  checkExchangeUse: (c) =>
    post(`${API}/exchange/checks`, {
      departmentId: c.callers.departments.market.id,
      datasetId: c.fx.datasets.published.id,
      fields: ['姓名'],
    }),
  listServiceClients: () => get(`${API}/service-clients`),
  // objections (issue 17)
  listObjections: () => get(`${API}/objections`),
  raiseObjection: (c) =>
    post(`${API}/objections`, {
      grantId: c.fx.grants.shown,
      recordKey: `MX-${c.caller}`,
      field: '姓名',
      valueReceived: '张三',
      valueClaimed: '张叁',
      reason: '与本部门登记不一致',
    }),
  getObjectionReport: () => get(`${API}/objections/report`),
  getObjection: (c) => get(`${API}/objections/${c.fx.objections.shown}`),
  getObjectionDossier: (c) => get(`${API}/objections/${c.fx.objections.shown}/dossier`),
  addObjectionEvidence: (c) => ({
    method: 'POST',
    url: `${API}/objections/${c.fx.objections.submitted.objectionId}/evidence?fileName=${encodeURIComponent('补充证明.pdf')}`,
    payload: pdfFile('补充证明'),
    headers: { 'content-type': PDF },
  }),
  getObjectionEvidence: (c) =>
    get(`${API}/objections/${c.fx.objections.submitted.objectionId}/evidence/${c.fx.objections.submitted.evidenceId}`),
  acceptObjection: (c) => post(`${API}/objections/${subject(c, c.fx.objections.accept)}/acceptance`, {}),
  rejectObjection: (c) => post(`${API}/objections/${subject(c, c.fx.objections.reject)}/rejection`, { reason: '属行政复议事项' }),
  traceObjection: (c) => post(`${API}/objections/${c.fx.objections.shown}/trace`, {}),
  verifyObjectionTask: (c) =>
    post(`${API}/objections/${subject(c, c.fx.objections.verify)}/verification`, {
      outcome: 'confirmed_accurate',
      explanation: '与登记一致',
    }),
  requestObjectionTaskExtension: (c) =>
    post(`${API}/objections/${subject(c, c.fx.objections.extend)}/extension`, { days: 1, reason: '调取档案' }),
  decideObjectionTaskExtension: (c) =>
    post(`${API}/objections/${subject(c, c.fx.objections.decideExtension)}/extension-decision`, { approved: true, reason: '同意' }),
  giveObjectionFeedback: (c) => post(`${API}/objections/${c.fx.objections.shown}/feedback`, { feedback: '已核实' }),
  acceptObjectionResult: (c) => post(`${API}/objections/${c.fx.objections.shown}/result-acceptance`, {}),
  contestObjection: (c) => post(`${API}/objections/${c.fx.objections.shown}/contest`, { reasons: '不服' }),
  decideObjectionContest: (c) => post(`${API}/objections/${c.fx.objections.shown}/contest-decision`, { sustained: false, reasons: '维持' }),
  listDataMarks: (c) => get(`${API}/datasets/${c.fx.datasets.published.id}/marks`),
  createServiceClient: () => post(`${API}/service-clients`, { name: `矩阵网关-${rand()}` }),
  revokeServiceClient: (c) => post(`${API}/service-clients/${subject(c, c.fx.serviceClients)}/revocation`),
  getMonthlyEvaluation: () => get(`${API}/dashboard/evaluation?month=2026-11`),
};
