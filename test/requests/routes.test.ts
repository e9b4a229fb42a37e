/**
 * The request API per role: drafts, pre-check, attachments, filing rules, actions through the
 * workflow, lists and the detail's timeline. Real HTTP (inject), real PostgreSQL, the request
 * workflow on a time-skipping Temporal test server whose clock the API reads.
 */
import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { requestAttachments, scenarios } from '../../src/platform/db/schema.js';
import { docxFile, DOCX, htmlPage, JPEG, jpegFile, OFD, ofdFile, PDF, pdfFile, PNG, pngFile, XLSX, xlsxFile } from '../helpers/files.js';
import { bearer } from '../helpers/identity.js';
import { createRequestWorld, draftFor, fileAs, skipToPlainMonday } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { env, db, harness } = await startTimeSkipping(t, { app: true });
const { app, config } = harness;
const world = await createRequestWorld(harness.database.db);
type User = typeof world.marketRequester;

const call = async (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  user: User,
  payload?: object,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(await bearer(config, user, new Date(await env.currentTimeMs()))), ...headers },
    ...(payload ? { payload } : {}),
  });
const commitment = async () => (await call('GET', '/commitment', world.marketRequester)).json().version as number;
async function draft(overrides: Parameters<typeof draftFor>[1] & { datasetId?: string } = {}, user = world.marketRequester) {
  const res = await call('POST', '/requests', user, draftFor(overrides.datasetId ?? world.conditional.id, overrides));
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().request.id as string;
}
async function file(overrides: Parameters<typeof draftFor>[1] & { datasetId?: string } = {}) {
  const id = await draft(overrides);
  const res = await call('POST', `/requests/${id}/filing`, world.marketRequester, {
    commitmentVersion: await commitment(),
    acceptCommitment: true,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}
/** Waits until the workflow has opened the request's first step. */
async function opened(id: string, user: User = world.marketRequester) {
  for (let i = 0; i < 200; i++) {
    const detail = (await call('GET', `/requests/${id}`, user)).json();
    if (detail.request.state !== 'routed') return detail;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow did not open the request');
}

t.test('drafts: save, edit, pre-check, attach, discard — seen only by the requester department', async (t) => {
  const id = await draft({ fields: ['姓名'] });
  const saved = (await call('GET', `/requests/${id}`, world.marketRequester)).json();
  t.match(saved, { request: { state: 'draft', number: null, track: null }, availableActions: ['edit', 'pre_check', 'file', 'discard'] });
  t.equal((await call('GET', `/requests/${id}`, world.policeReviewer)).statusCode, 404, 'the owner does not see drafts');
  t.equal((await call('GET', `/requests/${id}`, world.centerOperator)).statusCode, 404, 'nor does the center');

  const edited = await call(
    'PUT',
    `/requests/${id}`,
    world.marketRequester,
    draftFor(world.conditional.id, { fields: ['姓名', '婚姻状况'], usageMonths: 24 }),
  );
  t.equal(edited.statusCode, 200);
  t.same(edited.json().request.fields, ['姓名', '婚姻状况']);
  t.equal((await call('PUT', `/requests/${id}`, world.policeReviewer, draftFor(world.conditional.id))).statusCode, 404);

  const check = (await call('POST', `/requests/${id}/pre-check`, world.marketRequester)).json();
  t.match(check, {
    fileable: false,
    problems: [{ code: 'usage_period_too_long' }],
    routing: { track: 5, rule: 'conditional' },
    preCheck: { result: 'fail' },
  });
  t.match(check.preCheck.checks, [
    { condition: 'requesterLevels', result: 'pass' },
    { condition: 'restrictedFields', result: 'fail', reason: /婚姻状况/ },
    { condition: 'maxUsageMonths', result: 'fail' },
    { condition: 'securityCommitmentRequired', result: 'pass' },
  ]);

  const pdf = pdfFile('授权书');
  const attached = await app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/attachments?fileName=${encodeURIComponent('授权书.pdf')}`,
    headers: { ...(await bearer(config, world.marketRequester)), 'content-type': PDF },
    payload: pdf,
  });
  t.equal(attached.statusCode, 201, attached.body);
  t.match(attached.json(), {
    fileName: '授权书.pdf',
    mediaType: 'application/pdf',
    sizeBytes: pdf.length,
    sha256: createHash('sha256').update(pdf).digest('hex'),
  });
  const exe = await app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/attachments?fileName=x.exe`,
    headers: { ...(await bearer(config, world.marketRequester)), 'content-type': 'application/octet-stream' },
    payload: Buffer.from('MZ'),
  });
  t.equal(exe.statusCode, 415, 'an unlisted type is refused');
  const csv = await app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/attachments?fileName=a.csv`,
    headers: { ...(await bearer(config, world.marketRequester)), 'content-type': 'text/csv' },
    payload: Buffer.from('a,b'),
  });
  t.match(
    csv.json(),
    { code: 'unsupported_media_type', message: /application\/pdf or image\/jpeg or image\/png/ },
    'the platform reads CSV elsewhere, but it is no attachment',
  );
  const disguised = await app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/attachments?fileName=photo.png`,
    headers: { ...(await bearer(config, world.marketRequester)), 'content-type': PNG },
    payload: htmlPage(),
  });
  t.equal(disguised.statusCode, 415, 'a web page declared as a PNG');
  t.match(disguised.json(), { code: 'content_mismatch', message: /image\/png/, details: { declared: PNG, detected: 'text/plain' } });
  const stored = await harness.database.db
    .select({ fileName: requestAttachments.fileName })
    .from(requestAttachments)
    .where(eq(requestAttachments.requestId, id));
  t.same(
    stored.map((a) => a.fileName),
    ['授权书.pdf'],
    'only the real file is stored',
  );
  for (const [type, content, name] of [
    [JPEG, jpegFile(), '照片.jpg'],
    [PNG, pngFile(), '截图.png'],
    [DOCX, docxFile('说明'), '说明.docx'],
    [XLSX, await xlsxFile('清单'), '清单.xlsx'],
    [OFD, ofdFile('公函'), '公函.ofd'],
  ] as const) {
    const real = await app.inject({
      method: 'POST',
      url: `/api/v1/requests/${id}/attachments?fileName=${encodeURIComponent(name)}`,
      headers: { ...(await bearer(config, world.marketRequester)), 'content-type': type },
      payload: content,
    });
    t.equal(real.statusCode, 201, `a real ${type} file is stored`);
  }
  const empty = await app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/attachments?fileName=a.png`,
    headers: { ...(await bearer(config, world.marketRequester)), 'content-type': 'image/png' },
    payload: Buffer.alloc(0),
  });
  t.equal(empty.statusCode, 422);
  const download = await call('GET', `/requests/${id}/attachments/${attached.json().id}`, world.marketRequester);
  t.equal(download.statusCode, 200);
  t.ok(download.rawPayload.equals(pdf));
  t.equal(download.headers['x-content-type-options'], 'nosniff');
  t.equal(download.headers['x-content-sha256'], attached.json().sha256);
  t.equal(
    (await call('GET', `/requests/${id}/attachments/${attached.json().id}`, world.policeReviewer)).statusCode,
    404,
    'a draft’s files are the requester’s alone',
  );
  t.equal((await call('GET', `/requests/${id}/attachments/${randomUUID()}`, world.marketRequester)).json().code, 'attachment_not_found');

  t.equal((await call('DELETE', `/requests/${id}`, world.marketRequester)).statusCode, 204);
  t.equal((await call('GET', `/requests/${id}`, world.marketRequester)).statusCode, 404);
  t.equal((await call('POST', '/requests', world.policeReviewer, draftFor(world.conditional.id))).statusCode, 403, 'reviewers do not file');
});

t.test('filing rules: each problem is a 4xx naming it; a not-shareable dataset is routed, never dropped', async (t) => {
  const version = await commitment();
  const fileDraft = async (id: string, body: object = { commitmentVersion: version, acceptCommitment: true }) =>
    call('POST', `/requests/${id}/filing`, world.marketRequester, body);

  t.match((await fileDraft(await draft(), { commitmentVersion: version, acceptCommitment: false })).json(), {
    code: 'commitment_required',
  });
  t.match((await fileDraft(await draft(), { commitmentVersion: version + 7, acceptCommitment: true })).json(), {
    code: 'commitment_outdated',
  });
  const unknown = await fileDraft(await draft({ fields: ['姓名', '学历'] }));
  t.equal(unknown.statusCode, 422);
  t.match(unknown.json(), { code: 'unknown_fields', message: /学历/ });
  t.match((await fileDraft(await draft({ usageMonths: 36 }))).json(), { code: 'usage_period_too_long', message: /at most 12 months/ });
  const noPeriod = await draft({ usageMonths: null });
  t.match(
    (await call('POST', `/requests/${noPeriod}/pre-check`, world.marketRequester)).json(),
    { fileable: false, problems: [{ code: 'usage_period_required' }] },
    'a draft may leave the period open',
  );
  t.match((await fileDraft(noPeriod)).json(), { code: 'usage_period_required' }, 'a filing may not: its grant would never expire');
  t.match((await fileDraft(await draft({ scenarioId: null, purpose: ' ' }))).json(), { code: 'purpose_required' });

  const retiredScenario = await draft({ scenarioId: world.scenario.id });
  await db.update(scenarios).set({ retired: true }).where(eq(scenarios.id, world.scenario.id));
  t.match((await fileDraft(retiredScenario)).json(), { code: 'scenario_retired' });
  await db.update(scenarios).set({ retired: false }).where(eq(scenarios.id, world.scenario.id));

  // The owner department's own data is used directly, not requested.
  const own = await draft({}, world.policeRequester);
  t.match(
    (await call('POST', `/requests/${own}/pre-check`, world.policeRequester)).json(),
    { fileable: false, problems: [{ code: 'own_dataset' }] },
    'the dry run says so',
  );
  const ownFiling = await call('POST', `/requests/${own}/filing`, world.policeRequester, {
    commitmentVersion: version,
    acceptCommitment: true,
  });
  t.equal(ownFiling.statusCode, 422);
  t.match(ownFiling.json(), { code: 'own_dataset' });
  t.equal((await call('DELETE', `/requests/${own}`, world.policeRequester)).statusCode, 204);

  const toBeRetired = await draft({ datasetId: world.notAggregated.id, fields: ['号牌号码'] });
  const lifecycle = await call('POST', `/datasets/${world.notAggregated.id}/lifecycle`, world.policeReviewer, { to: 'retired' });
  t.equal(lifecycle.statusCode, 200);
  t.match((await fileDraft(toBeRetired)).json(), { code: 'dataset_not_requestable', message: /retired/ });

  const secret = await draft({ datasetId: world.notShareable.id, fields: ['案件编号'] });
  const routed = await fileDraft(secret);
  t.equal(routed.statusCode, 201, routed.body);
  t.match(routed.json(), { request: { number: /^GX-/, track: 15 }, routing: { rule: 'not_shareable', ownerMayRefuse: true } });
  const coordination = await opened(secret);
  t.equal(coordination.request.state, 'coordination');
  t.equal((await fileDraft(secret)).statusCode, 409, 'a filed request is not filed twice');
});

t.test('filing is idempotent under an Idempotency-Key: one number, one workflow', async (t) => {
  const id = await draft();
  const body = { commitmentVersion: await commitment(), acceptCommitment: true };
  const key = { 'idempotency-key': `file-${id}` };
  const first = await call('POST', `/requests/${id}/filing`, world.marketRequester, body, key);
  const again = await call('POST', `/requests/${id}/filing`, world.marketRequester, body, key);
  t.equal(first.statusCode, 201);
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.json().request.number, first.json().request.number);
});

t.test('track 5 through the API per role: pre-check shown to the owner, decisions by the owner only, timeline and clocks', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const filed = await file({ scenarioId: null });
  const id = filed.request.id;
  const review = await opened(id, world.policeReviewer);
  t.match(review, { request: { state: 'owner_review', deadlineDate: day(7), policy: 'shanghai-1515@1' }, preCheck: { result: 'pass' } });
  t.same(review.availableActions, ['approve', 'refuse', 'ask_supplement', 'request_extension']);
  t.same((await call('GET', `/requests/${id}`, world.marketRequester)).json().availableActions, ['withdraw']);
  t.same((await call('GET', `/requests/${id}`, world.centerOperator)).json().availableActions, []);
  const seenByOwnerDepartment = await call('GET', `/requests/${id}`, world.policeRequester);
  t.equal(seenByOwnerDepartment.statusCode, 200, 'every user of the owner department sees the request');
  t.same(seenByOwnerDepartment.json().availableActions, [], 'but one without review rights has nothing to do on it');
  t.equal((await call('POST', `/requests/${id}/approval`, world.policeRequester, {})).statusCode, 403, 'and may not decide');

  t.equal(
    (await call('POST', `/requests/${id}/approval`, world.marketRequester, {})).statusCode,
    403,
    'the requester may read but not decide',
  );
  t.equal((await call('POST', `/requests/${id}/approval`, world.marketAdmin, {})).statusCode, 403);
  const refusal = await call('POST', `/requests/${id}/refusal`, world.policeReviewer, {
    legalBasisId: world.legalBases.permissive,
    citedConditions: ['requesterLevels'],
    reasons: '层级不符',
    alternatives: '无',
  });
  t.equal(refusal.statusCode, 422, 'a refusal must cite a condition the request fails');
  t.match(refusal.json(), { code: 'invalid_refusal', message: /the request meets "requesterLevels"/ });

  const ext = await call('POST', `/requests/${id}/extension-request`, world.policeReviewer, { days: 9, reason: '需核对' });
  t.match(ext.json(), { code: 'extension_too_long' }, 'capped at the step length (5)');
  const asked = await call('POST', `/requests/${id}/extension-request`, world.policeReviewer, {
    days: 2,
    reason: '需要与源系统核对数据口径',
  });
  t.equal(asked.statusCode, 200, asked.body);
  t.same(asked.json().availableActions, ['approve', 'refuse', 'ask_supplement']);
  t.same((await call('GET', `/requests/${id}`, world.centerOperator)).json().availableActions, ['decide_extension']);
  const queue = async (extensionPending: boolean) =>
    (await call('GET', `/requests?limit=200&extensionPending=${extensionPending}`, world.centerOperator))
      .json()
      .items.map((r: { id: string }) => r.id);
  t.ok((await queue(true)).includes(id), "in the center's extension-decision queue while undecided");
  t.notOk((await queue(false)).includes(id));
  t.equal(
    (await call('POST', `/requests/${id}/extension-decision`, world.policeReviewer, { approved: true, reason: 'x' })).statusCode,
    403,
  );
  const decided = await call('POST', `/requests/${id}/extension-decision`, world.centerOperator, { approved: true, reason: '同意延期' });
  t.equal(decided.json().request.deadlineDate, day(9), 'two more working days: Wednesday');
  t.notOk((await queue(true)).includes(id), 'out of the queue once decided');
  t.equal(
    (await call('POST', `/requests/${id}/extension-request`, world.policeReviewer, { days: 1, reason: '再次' })).json().code,
    'extension_already_requested',
  );

  const approved = await call('POST', `/requests/${id}/approval`, world.policeReviewer, {
    fields: ['姓名'],
    usageMonths: 3,
    note: '仅核验姓名',
  });
  t.equal(approved.statusCode, 200, approved.body);
  t.match(approved.json().request, { state: 'provisioning', approvedFields: ['姓名'], approvedUsageMonths: 3 });
  // The requester asked for an interface: a batch needs its reason, which the timeline keeps.
  const unexplained = await call('POST', `/requests/${id}/delivery`, world.centerOperator, {
    method: 'batch',
    reference: 'BATCH-2026-0042',
  });
  t.equal(unexplained.statusCode, 422);
  t.equal(unexplained.json().code, 'delivery_method_change_reason_required');
  const delivered = await call('POST', `/requests/${id}/delivery`, world.centerOperator, {
    method: 'batch',
    reference: 'BATCH-2026-0042',
    methodChangeReason: '接口通道维护，改为批量交换',
  });
  t.equal(delivered.statusCode, 200, delivered.body);
  const detail = delivered.json();
  t.match(detail, {
    request: { state: 'granted', deliveryMethod: 'interface' },
    grant: { state: 'active', fields: ['姓名'], deliveryMethod: 'batch' },
  });
  t.match(detail.timeline.at(-1), {
    kind: 'delivered',
    details: { method: 'batch', methodChanged: true, methodChangeReason: '接口通道维护，改为批量交换' },
  });
  t.same(
    detail.timeline.map((e: { kind: string }) => e.kind),
    ['filed', 'routed', 'opened', 'extension_requested', 'extension_approved', 'approved', 'provisioning_started', 'delivered'],
  );
  t.match(detail.timeline[3], { party: 'owner', actorUserId: world.policeReviewer.id, actorDepartmentId: world.police.id });
  t.same(
    detail.clocks[0].events.map((e: { kind: string }) => e.kind),
    ['started', 'extension_requested', 'extension_approved', 'handed_over', 'stopped'],
  );
  t.match(detail.clocks[0].clock, { state: 'stopped', outcome: 'met', step: 'track5' });
  t.equal((await call('POST', `/requests/${id}/withdrawal`, world.marketRequester, { reason: '晚了' })).json().code, 'request_closed');
});

t.test('supplement and withdrawal through the API', async (t) => {
  const filed = await file();
  const id = filed.request.id;
  await opened(id);
  t.equal(
    (await call('PUT', `/requests/${id}`, world.marketRequester, draftFor(world.conditional.id))).json().code,
    'not_a_draft',
    'a filed request is not edited',
  );
  t.equal((await call('DELETE', `/requests/${id}`, world.marketRequester)).json().code, 'not_a_draft', 'nor discarded');
  t.equal(
    (await call('POST', `/requests/${id}/supplement-request`, world.marketRequester, { question: '自问自答' })).statusCode,
    403,
    'the requester does not ask itself for a supplement',
  );
  const tooEarly = await call('POST', `/requests/${id}/supplement-answer`, world.marketRequester, { answer: '未被要求' });
  t.equal(tooEarly.statusCode, 409, 'nothing to answer yet');
  const asked = await call('POST', `/requests/${id}/supplement-request`, world.policeReviewer, { question: '请说明用途对应的业务事项' });
  t.match(asked.json(), {
    request: { state: 'awaiting_supplement' },
    supplements: [{ question: '请说明用途对应的业务事项', answer: null }],
  });
  t.same((await call('GET', `/requests/${id}`, world.marketRequester)).json().availableActions, ['answer_supplement', 'withdraw']);
  t.equal((await call('POST', `/requests/${id}/supplement-answer`, world.policeReviewer, { answer: 'x' })).statusCode, 403);
  const evidence = pdfFile('业务依据');
  const upload = async () =>
    app.inject({
      method: 'POST',
      url: `/api/v1/requests/${id}/attachments?fileName=${encodeURIComponent('业务依据.pdf')}`,
      headers: { ...(await bearer(config, world.marketRequester, new Date(await env.currentTimeMs()))), 'content-type': PDF },
      payload: evidence,
    });
  const attached = await upload();
  t.equal(attached.statusCode, 201, 'the answer may carry files');
  t.equal(attached.json().supplementId, asked.json().supplements[0].id);
  const answered = await call('POST', `/requests/${id}/supplement-answer`, world.marketRequester, {
    answer: '用于企业开办中法定代表人身份核验',
  });
  t.match(answered.json(), {
    request: { state: 'owner_review' },
    supplements: [{ answer: '用于企业开办中法定代表人身份核验' }],
    attachments: [{ fileName: '业务依据.pdf' }],
  });
  t.match((await upload()).json(), { code: 'attachments_closed' }, 'no files once the supplement is answered');
  const withdrawn = await call('POST', `/requests/${id}/withdrawal`, world.marketRequester, { reason: '业务调整，不再需要' });
  t.match(withdrawn.json(), { request: { state: 'withdrawn' }, availableActions: [] });
  t.same(
    withdrawn.json().clocks.map((c: { clock: { step: string; state: string } }) => [c.clock.step, c.clock.state]),
    [
      ['track5', 'stopped'],
      ['supplement', 'stopped'],
    ],
  );
});

t.test('lists: each department sees its side; filters and pagination', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const a = (await file()).request.id;
  const b = (await file({ datasetId: world.unconditional.id, fields: ['姓名'] })).request.id;
  await opened(a);
  await opened(b);
  const mine = (await call('GET', '/requests?limit=100', world.marketRequester)).json().items.map((r: { id: string }) => r.id);
  t.ok(mine.includes(a) && mine.includes(b));
  const inbox = (await call('GET', `/requests?ownerDepartmentId=${world.police.id}&limit=100`, world.policeReviewer)).json().items;
  t.ok(inbox.length >= 2, 'the inbox holds the two just filed');
  t.ok(
    inbox.every((r: { ownerDepartmentId: string; state: string }) => r.ownerDepartmentId === world.police.id && r.state !== 'draft'),
    'the owner inbox holds filed requests only',
  );
  t.same(
    (await call('GET', `/requests?limit=100&requesterDepartmentId=${world.market.id}`, world.policeAdmin))
      .json()
      .items.filter((r: { state: string }) => r.state === 'draft'),
    [],
    'no drafts of others',
  );
  const track1 = (await call('GET', `/requests?track=1&state=provisioning&requesterDepartmentId=${world.market.id}`, world.centerOperator))
    .json()
    .items.map((r: { id: string }) => r.id);
  t.ok(track1.includes(b) && !track1.includes(a));
  await env.sleep(24 * 60 * 60 * 1000); // Tuesday: track 1 is due today
  const due = (await call('GET', `/requests?dueToday=true&requesterDepartmentId=${world.market.id}`, world.centerOperator))
    .json()
    .items.map((r: { id: string; deadlineDate: string }) => [r.id, r.deadlineDate]);
  t.same(
    due.filter(([id]: [string]) => id === a || id === b),
    [[b, day(1)]],
  );
  const first = (await call('GET', `/requests?limit=1&requesterDepartmentId=${world.market.id}`, world.marketRequester)).json();
  t.equal(first.items.length, 1);
  const second = (
    await call('GET', `/requests?limit=1&requesterDepartmentId=${world.market.id}&cursor=${first.nextCursor}`, world.marketRequester)
  ).json();
  t.not(second.items[0].id, first.items[0].id);
  for (const forged of [{ createdAt: 'yesterday', id: a }, { createdAt: new Date().toISOString(), id: 'not-a-uuid' }, ['x']]) {
    const res = await call('GET', `/requests?cursor=${Buffer.from(JSON.stringify(forged)).toString('base64url')}`, world.marketRequester);
    t.match(
      { status: res.statusCode, code: res.json().code },
      { status: 400, code: 'invalid_cursor' },
      `a hand-made cursor ${JSON.stringify(forged)} is a 400, not a 500`,
    );
  }
  const outsider = await createRequestWorld(harness.database.db);
  t.same(
    (await call('GET', `/requests?requesterDepartmentId=${world.market.id}`, outsider.marketRequester)).json().items,
    [],
    'other departments see nothing',
  );
});

t.test('the filing answer carries the deadline and clock; lists and details count working days left, due today and overdue', async (t) => {
  const { day } = await skipToPlainMonday(env, db); // Monday 10:00; track 5 is due at the end of next Monday
  const filed = await file();
  const id = filed.request.id as string;
  // 2027's schedule is not published in the tests: a deadline in it is provisional.
  const provisional = day(7) >= '2027-01-01';
  t.match(filed.request, { deadlineDate: day(7), provisional, workingDaysRemaining: 5, dueToday: false, overdueWorkingDays: null });
  t.equal(filed.clocks.length, 1, 'the clock is there at once');
  t.match(filed.clocks[0].clock, { deadlineDate: day(7), chargedParty: 'owner', state: 'running', workingDaysRemaining: 5 });
  await opened(id);
  const listed = async () =>
    (await call('GET', `/requests?limit=200&requesterDepartmentId=${world.market.id}`, world.policeReviewer))
      .json()
      .items.find((r: { id: string }) => r.id === id);

  await env.sleep((24 * 4 - 10 + 1) * 60 * 60 * 1000); // Friday 01:00: Monday is one working day away
  t.match(await listed(), { workingDaysRemaining: 1, dueToday: false, overdueWorkingDays: null });
  await env.sleep(3 * 24 * 60 * 60 * 1000); // Monday 01:00: the deadline date
  t.match(await listed(), { workingDaysRemaining: 0, dueToday: true, overdueWorkingDays: null, overdue: false });
  await env.sleep(24 * 60 * 60 * 1000); // Tuesday 01:00: one working day late
  t.match(await listed(), { workingDaysRemaining: 0, dueToday: false, overdueWorkingDays: 1 });
  await env.sleep(24 * 60 * 60 * 1000); // Wednesday 01:00
  const detail = (await call('GET', `/requests/${id}`, world.marketRequester)).json();
  t.match(detail.request, { overdue: true, workingDaysRemaining: 0, dueToday: false, overdueWorkingDays: 2 });
  t.match(detail.clocks[0].clock, { overdueWorkingDays: 2 });
  await call('POST', `/requests/${id}/withdrawal`, world.marketRequester, { reason: '测试结束' });
  const closed = (await call('GET', `/requests/${id}`, world.marketRequester)).json();
  t.match(closed.request, { workingDaysRemaining: null, dueToday: false, overdueWorkingDays: null }, 'a closed request counts nothing');
});

t.test('breach → supervision; the responsible department replies; policy and commitment administration', async (t) => {
  const filed = await file();
  const id = filed.request.id;
  await opened(id);
  await env.sleep(9 * 24 * 60 * 60 * 1000);
  let detail = (await call('GET', `/requests/${id}`, world.centerOperator)).json();
  for (let i = 0; i < 100 && !detail.request.overdue; i++) {
    await new Promise((r) => setTimeout(r, 50));
    detail = (await call('GET', `/requests/${id}`, world.centerOperator)).json();
  }
  t.match(detail.request, { overdue: true, supervisionLevel: 1 });
  const supervisedList = async (supervised: boolean) =>
    (await call('GET', `/requests?limit=200&supervised=${supervised}`, world.policeReviewer)).json().items.map((r: { id: string }) => r.id);
  t.ok((await supervisedList(true)).includes(id), 'listed as under supervision');
  t.notOk((await supervisedList(false)).includes(id));
  t.same(
    (await call('GET', `/requests/${id}`, world.policeReviewer)).json().availableActions,
    ['approve', 'refuse', 'ask_supplement'],
    'still decidable; no extension after the deadline',
  );
  const [supervision] = detail.supervisions;
  t.match(supervision, { level: 1, chargedParty: 'owner', responsibleDepartmentId: world.police.id, reply: null, mayReply: false });
  const forOwner = (await call('GET', `/requests/${id}`, world.policeReviewer)).json().supervisions[0];
  t.equal(forOwner.mayReply, true, "the responsible department's reviewer is told the notice awaits its answer");
  t.equal((await call('POST', `/supervisions/${supervision.id}/reply`, world.marketRequester, { reply: 'x' })).statusCode, 403);
  const replied = await call('POST', `/supervisions/${supervision.id}/reply`, world.policeReviewer, { reply: '已安排专人审核，今日办结' });
  t.equal(replied.statusCode, 200, replied.body);
  t.match(replied.json(), { reply: '已安排专人审核，今日办结', mayReply: false });
  t.equal(
    (await call('POST', `/supervisions/${supervision.id}/reply`, world.policeReviewer, { reply: '再答' })).json().code,
    'already_replied',
  );

  t.equal(
    (
      await call('POST', '/policy-profiles', world.centerOperator, {
        name: 'shanghai-1515',
        settings: (await call('GET', '/policy-profiles', world.centerOperator)).json().items[0].settings,
        note: 'x',
      })
    ).statusCode,
    403,
  );
  const invalid = await call('POST', '/policy-profiles', world.centerAdmin, {
    name: 'national-809',
    settings: {
      trackDays: { track1: 2, track5: 1, track15: 15 },
      supplementAnswerDays: 10,
      supervisionReplyDays: 3,
      levelTwoAfterDays: 5,
      extensionCapDays: null,
      disputeWindowDays: 10,
      disputeDecisionDays: 10,
      grantExpiryReminderDays: 10,
      autoApproveOnTimeout: false,
    },
    note: '国家条例',
  });
  t.match(invalid.json(), { code: 'invalid_policy', message: /track 1 ≤ track 5/ });
  const settings = (await call('GET', '/policy-profiles', world.centerAdmin)).json().items[0].settings;
  const automatic = await call('POST', '/policy-profiles', world.centerAdmin, {
    name: 'auto-approve',
    settings: { ...settings, autoApproveOnTimeout: true },
    note: '超时自动同意',
  });
  t.match(
    { status: automatic.statusCode, body: automatic.json() },
    { status: 422, body: { code: 'invalid_policy', message: /autoApproveOnTimeout/ } },
    'not offered, so not silently ignored',
  );
  const { objectionDays: _omitted, ...withoutObjectionDays } = settings;
  const objections = await call('POST', '/policy-profiles', world.centerAdmin, {
    name: 'objection-days',
    settings: withoutObjectionDays,
    note: '未写异议时限',
  });
  t.same(
    objections.json().profile.settings.objectionDays,
    { accept: 1, trace: 2, verify: 5, feedback: 1, contest: 5, contestDecision: 5 },
    'the objection process’s limits default to the city’s (accept 1, trace 2, verify 5, feedback 1, contest 5 / decide 5)',
  );
  const noVerify = await call('POST', '/policy-profiles', world.centerAdmin, {
    name: 'objection-days',
    settings: { ...settings, objectionDays: { ...settings.objectionDays, verify: 0 } },
    note: '核实时限为零',
  });
  t.match(noVerify.json(), { code: 'invalid_policy', message: /objectionDays\.verify: a limit is 1 to 250 working days/ });
  t.equal((await call('POST', '/commitment', world.marketRequester, { text: '新的告知承诺文本内容' })).statusCode, 403);
});

t.test('an action on a filed request whose workflow has not started yet is 409 request_starting, not "closed"', async (t) => {
  const filed = await fileAs(
    harness.database.db,
    world,
    world.marketRequester,
    draftFor(world.conditional.id),
    new Date(await env.currentTimeMs()),
  );
  const res = await call('POST', `/requests/${filed.id}/withdrawal`, world.marketRequester, { reason: '不再需要' });
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'request_starting', message: /try again/ });
});
