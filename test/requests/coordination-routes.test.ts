/**
 * Track 15 through the API: what each party is offered, files attached to positions, the
 * detail's coordination, explanation and dispute, and the printable records as PDFs whose text
 * carries the request number, the parties, the legal basis and the reasons. Real HTTP (inject),
 * real PostgreSQL, the request workflow on a time-skipping Temporal test server.
 */
import t from 'tap';
import { PDF, pdfFile } from '../helpers/files.js';
import { bearer, createTestDepartment, createTestUser } from '../helpers/identity.js';
import { pdfText } from '../helpers/pdf-text.js';
import { createRequestWorld, draftFor, skipToPlainMonday } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { env, db, harness } = await startTimeSkipping(t, { app: true });
const { app, config } = harness;
const world = await createRequestWorld(db);
type User = typeof world.marketRequester;

const send = async (method: 'GET' | 'POST', url: string, user: User, payload?: object | Buffer, headers: Record<string, string> = {}) =>
  app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(await bearer(config, user, new Date(await env.currentTimeMs()))), ...headers },
    ...(payload ? { payload: payload as never } : {}),
  });
/** A call that must answer `status`; its JSON body. */
async function ok(method: 'GET' | 'POST', url: string, user: User, payload?: object, status = 200) {
  const res = await send(method, url, user, payload);
  if (res.statusCode !== status) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}
const { marketRequester: requester, policeReviewer: owner, centerOperator: center, supervisor } = world;

async function coordination() {
  const id = (await ok('POST', '/requests', requester, draftFor(world.notShareable.id, { fields: ['案件编号'] }), 201)).request
    .id as string;
  const { version } = await ok('GET', '/commitment', requester);
  await ok('POST', `/requests/${id}/filing`, requester, { commitmentVersion: version, acceptCommitment: true }, 201);
  for (let i = 0; i < 200; i++) {
    const detail = await ok('GET', `/requests/${id}`, requester);
    if (detail.request.state === 'coordination') return detail;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow did not open the coordination');
}
const upload = (id: string, user: User, name: string) =>
  send('POST', `/requests/${id}/attachments?fileName=${encodeURIComponent(name)}`, user, pdfFile(name), { 'content-type': PDF });

t.test('each party is offered its part; positions cite files their own department attached during the coordination', async (t) => {
  await skipToPlainMonday(env, db);
  const detail = await coordination();
  t.match(detail.coordination, { positions: [], meetings: [], outcome: null });
  t.same(detail.availableActions, ['withdraw', 'record_position'], 'the requester');
  const id = detail.request.id as string;
  t.same((await ok('GET', `/requests/${id}`, owner)).availableActions, ['ask_supplement', 'record_position'], 'the owner');
  t.same(
    (await ok('GET', `/requests/${id}`, center)).availableActions,
    ['record_position', 'schedule_meeting', 'record_minutes', 'agree_to_share', 'decide_not_to_share'],
    'the center',
  );
  t.same((await ok('GET', `/requests/${id}`, supervisor)).availableActions, [], 'the supervisor reads, and decides only disputes');

  const ownFile = await upload(id, owner, '不予共享依据.pdf');
  t.equal(ownFile.statusCode, 201, 'the owner attaches a file during the coordination');
  const requesterFile = (await upload(id, requester, '用途说明.pdf')).json();
  t.equal((await upload(id, world.centerAdmin, 'x.pdf')).statusCode, 403, 'not a party to the coordination');
  const cite = (user: User, attachmentIds: string[]) =>
    send('POST', `/requests/${id}/coordination/positions`, user, { position: '本方意见', attachmentIds });
  const foreign = await cite(owner, [requesterFile.id]);
  t.equal(foreign.statusCode, 422);
  t.match(foreign.json(), { code: 'unknown_attachment' }, "another department's file");
  t.equal((await cite(owner, [ownFile.json().id])).statusCode, 200);
  t.match((await cite(owner, [ownFile.json().id])).json(), { code: 'unknown_attachment' }, 'a file is cited once');
  const after = await ok('GET', `/requests/${id}`, requester);
  t.match(after.coordination.positions, [{ party: 'owner', departmentId: world.police.id, attachmentIds: [ownFile.json().id] }]);
  t.ok(
    after.timeline.some((e: { kind: string; party: string }) => e.kind === 'position_recorded' && e.party === 'owner'),
    'on the timeline',
  );
  const attachments = await send('POST', `/requests/${id}/coordination/positions`, requester, { position: '意见', attachmentIds: ['x'] });
  t.equal(attachments.statusCode, 400, 'the contract checks the ids');
  t.equal((await upload(id, owner, 'y.pdf')).statusCode, 201);
});

t.test('the explanation, the minutes and the dispute decision as PDFs: number, parties, basis and reasons in their text', async (t) => {
  await skipToPlainMonday(env, db);
  const id = (await coordination()).request.id as string;
  const pdf = (user: User, path: string) => send('GET', `/requests/${id}/documents/${path}`, user);
  t.match((await pdf(requester, 'explanation')).json(), { code: 'explanation_not_found' }, 'nothing to print yet');
  t.match((await pdf(requester, 'dispute-decision')).json(), { code: 'dispute_decision_not_found' });

  const scheduled = await ok('POST', `/requests/${id}/coordination/meetings`, center, {
    startsAt: '2026-12-10T02:00:00Z',
    place: '市大数据中心 3 楼会议室',
    participants: ['市市场监管局', '市公安局'],
    agenda: '是否共享案件编号',
  });
  const meetingId = scheduled.coordination.meetings[0].id as string;
  t.match((await pdf(requester, `minutes/${meetingId}`)).json(), { code: 'minutes_not_found' });
  t.match((await pdf(requester, `minutes/${crypto.randomUUID()}`)).json(), { code: 'meeting_not_found' });
  await ok('POST', `/requests/${id}/coordination/minutes`, center, { meetingId, minutes: '三方意见不一致，市大数据中心决定不予共享。' });
  const minutesPdf = await pdf(owner, `minutes/${meetingId}`);
  t.equal(minutesPdf.headers['content-type'], 'application/pdf');
  const minutes = await pdfText(minutesPdf.rawPayload);
  t.match(minutes, /协调会议纪要/);
  t.match(minutes, /三方意见不一致，市大数据中心决定不予共享。/);

  const decided = await ok('POST', `/requests/${id}/coordination/refusal`, center, { reasons: '涉及侦查秘密' });
  t.equal(decided.request.state, 'explanation_due');
  t.same(decided.availableActions, ['record_minutes'], 'the center may still record minutes');
  const filed = await ok('POST', `/requests/${id}/explanation`, owner, {
    legalBasisId: world.legalBases.prohibiting,
    reasons: '案件编号属于侦查秘密',
    alternatives: '可申请案件办理状态核验服务',
  });
  t.match(filed, {
    request: { state: 'refused' },
    explanation: { reasons: '案件编号属于侦查秘密' },
    disputeWindow: { deadlineDate: /^\d{4}-/ },
  });
  t.same(filed.availableActions, [], 'the owner who refused may not dispute');
  t.same((await ok('GET', `/requests/${id}`, requester)).availableActions, ['dispute'], 'the requester may');

  const explanationPdf = await pdf(requester, 'explanation');
  t.equal(explanationPdf.statusCode, 200);
  t.match(explanationPdf.headers['content-disposition'], /filename\*=UTF-8''GX-/);
  const explanation = await pdfText(explanationPdf.rawPayload);
  t.match(explanation, new RegExp(filed.request.number), 'the request number');
  t.match(explanation, /《中华人民共和国刑事诉讼法》/, 'the legal basis');
  t.match(explanation, /案件编号属于侦查秘密/, 'the reasons');
  t.match(explanation, /可申请案件办理状态核验服务/, 'the alternatives');
  t.match(explanation, new RegExp(world.police.name), 'the owner department');
  t.equal((await pdf(world.centerAdmin, 'explanation')).statusCode, 200, 'the center reads it');
  const stranger = await createTestUser(db, await createTestDepartment(db, { name: '无关部门' }), ['reviewer']);
  t.match((await pdf(stranger, 'explanation')).json(), { code: 'request_not_found' }, 'not to a department that is no party');

  await ok('POST', `/requests/${id}/dispute`, requester, { reasons: '企业开办核验确有必要' });
  const upheld = await ok('POST', `/requests/${id}/dispute/upholding`, supervisor, { reasons: '依法属于不予共享范围' });
  t.match(upheld.dispute, {
    party: 'requester',
    reasons: '企业开办核验确有必要',
    decision: { decision: 'upheld', reasons: '依法属于不予共享范围' },
  });
  t.equal(upheld.disputeWindow, null);
  const decision = await pdfText((await pdf(requester, 'dispute-decision')).rawPayload);
  t.match(decision, /争议裁决书/);
  t.match(decision, /维持不予共享的决定/);
  t.match(decision, /依法属于不予共享范围/);
  t.match(decision, new RegExp(world.authority.name), 'signed by the competent authority');
});

t.test('a dispute decided late: the authority is charged, supervised, and its supervisor answers the notice', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const id = (await coordination()).request.id as string;
  await ok('POST', `/requests/${id}/coordination/refusal`, center, { reasons: '涉及侦查秘密' });
  await ok('POST', `/requests/${id}/explanation`, owner, { reasons: '案件编号属于侦查秘密', alternatives: '无' });
  await ok('POST', `/requests/${id}/dispute`, center, { reasons: '场景确需' });
  await env.sleep(15 * 24 * 60 * 60 * 1000); // two weeks and a day: past the decision's 10 working days
  let detail = await ok('GET', `/requests/${id}`, supervisor);
  for (let i = 0; i < 100 && !detail.supervisions.length; i++) {
    await new Promise((r) => setTimeout(r, 50));
    detail = await ok('GET', `/requests/${id}`, supervisor);
  }
  t.match(detail.request, { state: 'disputed', overdue: true, deadlineDate: day(14) });
  t.match(detail.supervisions, [{ level: 1, chargedParty: 'authority', responsibleDepartmentId: world.authority.id, mayReply: true }]);
  t.same(detail.availableActions, ['uphold_refusal', 'order_sharing'], 'still decidable, late');
  const reply = await send('POST', `/supervisions/${detail.supervisions[0].id}/reply`, supervisor, { reply: '已列入本周裁决议程' });
  t.equal(reply.statusCode, 200, "the competent authority's supervisor answers for it");
  const ordered = await ok('POST', `/requests/${id}/dispute/sharing-order`, supervisor, { reasons: '应予共享' });
  t.match(ordered.request, { state: 'provisioning' }, 'the center holds the data: provisioning');
});
