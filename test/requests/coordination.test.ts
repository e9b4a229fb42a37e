/**
 * Track 15 decided, end to end on a time-skipping Temporal test server and real PostgreSQL: the
 * three-party coordination (positions, meetings, minutes, outcome), delivery and aggregation,
 * the written explanation and its breach, the rules for unconditional and 免申即享 data, and
 * disputes (争议) upheld and ordered, each on its clock.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import t from 'tap';
import * as catalogue from '../../src/catalogue/service.js';
import * as scenarios from '../../src/catalogue/scenarios.js';
import { citeLegalBasis } from '../../src/legal-basis/index.js';
import {
  coordinationMinutes,
  coordinationOutcomes,
  datasetAggregation,
  disputeDecisions,
  grants,
  requestDisputes,
  requestEvents,
  slaClocks,
  supervisions,
  writtenExplanations,
} from '../../src/platform/db/schema.js';
import { citationFor } from '../../src/requests/citations.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import { createRequestWorld, draftFor, fileAs, requestWithClock, skipToPlainMonday, updateActor, waitFor } from '../helpers/requests.js';
import { recordHistory } from '../helpers/temporal.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';
import { requestWorkflowId } from '../../src/requests/open-step.js';

const { env, db, settings, now, skipHours: skip } = await startTimeSkipping(t);
const world = await createRequestWorld(db);

const requester = () => updateActor(world, world.marketRequester, 'requester');
const owner = () => updateActor(world, world.policeReviewer, 'owner');
const center = () => updateActor(world, world.centerOperator, 'center');
const authority = () => updateActor(world, world.supervisor, 'authority');
const row = (id: string) => requestWithClock(db, id);
const clockOf = async (id: string | null) => (await db.select().from(slaClocks).where(eq(slaClocks.id, id!)))[0]!;
const kinds = async (id: string) =>
  (await db.select({ kind: requestEvents.kind }).from(requestEvents).where(eq(requestEvents.requestId, id)).orderBy(asc(requestEvents.seq)))
    .map((e) => e.kind)
    .filter((k) => k !== 'notified');

/** A published dataset of the police, catalogued not shareable, that the center does not hold yet. */
const tag = randomBytes(3).toString('hex').toUpperCase();
const notShareableNotHeld = await catalogue.createDataset(world.as(world.policeReviewer), {
  code: `CO-${tag}-WF`,
  name: `违法记录信息${tag}`,
  description: '',
  libraryKind: 'thematic',
  updateFrequency: '每日',
  sourceSystem: '执法系统',
  fields: ['姓名', '违法类型', '处理结果'].map((name) => ({ name, type: 'string', description: '', sensitivity: 'internal' as const })),
  sharingType: 'not_shareable',
  legalBasis: { law: '《中华人民共和国治安管理处罚法》', article: '第一百一十一条', prohibitsSharing: false },
});
await catalogue.moveDataset(world.as(world.policeReviewer), notShareableNotHeld.id, 'published');

/** A 免申即享 scenario that needs the not-shareable dataset. */
const noApplication = await scenarios.createScenario(world.as(world.centerAdmin), {
  name: `高龄津贴免申即享${tag}`,
  kind: 'no_application',
  leadDepartmentId: world.market.id,
  description: '',
  validFrom: '2020-01-01',
  validTo: null,
  coverage: [{ datasetCode: world.notShareable.code, fields: ['案件编号'] }],
});

async function fileAndStart(datasetId: string, fields: string[], overrides: Parameters<typeof draftFor>[1] = {}) {
  const filed = await fileAs(db, world, world.marketRequester, draftFor(datasetId, { fields, ...overrides }), await now());
  await startRequestWorkflow(env.client, settings, filed.id);
  return waitFor(async () => ((await row(filed.id)).state === 'coordination' ? row(filed.id) : undefined), 'coordination to open');
}

t.test('coordination to sharing: positions, a meeting and its minutes, agreed (narrowed), aggregated, provisioned, granted', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const request = await fileAndStart(notShareableNotHeld.id, ['姓名', '违法类型', '处理结果']);
  t.match(request, { track: 15, state: 'coordination', deadlineDate: day(21) }, 'filed Monday: 15 working days → end of the fourth Monday');
  t.match(request.routing, { rule: 'not_shareable', ownerMayRefuse: true });

  await t.rejects(
    updateRequest(env.client, request.id, 'record_position', { actor: { ...owner(), departmentId: world.market.id }, position: 'x' }),
    { status: 409, code: 'not_your_step' },
    'only the parties of this request record positions',
  );
  await t.rejects(updateRequest(env.client, request.id, 'record_position', { actor: authority(), position: 'x' }), {
    status: 409,
    code: 'not_your_step',
  });
  await updateRequest(env.client, request.id, 'record_position', { actor: requester(), position: '核查企业法定代表人是否有违法记录' });
  await updateRequest(env.client, request.id, 'record_position', { actor: owner(), position: '可提供姓名与违法类型，处理结果不宜共享' });
  await updateRequest(env.client, request.id, 'record_position', { actor: center(), position: '建议按最小必要原则共享' });

  await t.rejects(
    updateRequest(env.client, request.id, 'schedule_meeting', {
      actor: owner(),
      startsAt: day(2),
      participants: ['市公安局'],
      place: '会议室',
    }),
    { status: 409, code: 'not_your_step' },
    'only the center schedules meetings',
  );
  await t.rejects(
    updateRequest(env.client, request.id, 'schedule_meeting', {
      actor: center(),
      startsAt: `${day(2)}T06:00:00Z`,
      participants: ['市公安局'],
    }),
    { status: 422, code: 'meeting_place_required' },
  );
  await updateRequest(env.client, request.id, 'schedule_meeting', {
    actor: center(),
    startsAt: `${day(2)}T06:00:00Z`,
    place: '市大数据中心 3 楼会议室',
    participants: ['市市场监管局', '市公安局', '市大数据中心'],
  });
  const [meeting] = await db
    .select()
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.kind, 'meeting_scheduled')));
  const meetingId = (meeting!.details as { meetingId: string }).meetingId;
  await updateRequest(env.client, request.id, 'record_minutes', {
    actor: center(),
    meetingId,
    minutes: '三方一致同意共享姓名、违法类型。',
  });
  await t.rejects(updateRequest(env.client, request.id, 'record_minutes', { actor: center(), meetingId, minutes: '改写' }), {
    status: 409,
    code: 'minutes_already_recorded',
  });
  const [minutes] = await db.select().from(coordinationMinutes).where(eq(coordinationMinutes.meetingId, meetingId));
  t.equal(minutes!.minutes, '三方一致同意共享姓名、违法类型。', 'the first minutes stand');

  await t.rejects(updateRequest(env.client, request.id, 'agree_to_share', { actor: owner() }), { status: 409, code: 'not_your_step' });
  await t.rejects(updateRequest(env.client, request.id, 'agree_to_share', { actor: center(), fields: ['身份证号'] }), {
    status: 422,
    code: 'fields_not_requested',
  });
  await skip(24);
  const agreed = await updateRequest(env.client, request.id, 'agree_to_share', {
    actor: center(),
    fields: ['姓名', '违法类型'],
    conditions: '仅用于企业开办核验，不得留存',
  });
  t.equal(agreed.state, 'awaiting_owner_delivery', 'the center does not hold the data: the owner delivers it');
  t.equal(agreed.clock?.chargedParty, 'owner', 'the track clock passes to the owner');
  t.equal(agreed.clock?.deadlineDate, day(21), 'still the 15-working-day deadline');
  const [outcome] = await db.select().from(coordinationOutcomes).where(eq(coordinationOutcomes.requestId, request.id));
  t.match(outcome, { outcome: 'share', fields: ['姓名', '违法类型'], conditions: '仅用于企业开办核验，不得留存' });

  await t.rejects(updateRequest(env.client, request.id, 'confirm_aggregation', { actor: owner(), reference: 'x' }), {
    status: 409,
    code: 'not_your_step',
  });
  const aggregated = await updateRequest(env.client, request.id, 'confirm_aggregation', { actor: center(), reference: 'GJ-2026-0042' });
  t.equal(aggregated.state, 'provisioning');
  t.equal(aggregated.clock?.chargedParty, 'center');
  const history = await db.select().from(datasetAggregation).where(eq(datasetAggregation.datasetId, notShareableNotHeld.id));
  t.equal(history.length, 1, "the dataset's aggregation history gains the period");
  t.match(history[0]!.reason, /GJ-2026-0042/);
  t.equal((await catalogue.getDataset(world.as(world.centerOperator), notShareableNotHeld.id)).dataset.aggregated, true);

  const granted = await updateRequest(env.client, request.id, 'confirm_delivery', {
    actor: center(),
    method: 'interface',
    reference: 'API-7',
  });
  t.equal(granted.state, 'granted');
  const [grant] = await db.select().from(grants).where(eq(grants.requestId, request.id));
  t.same(grant!.fields, ['姓名', '违法类型'], 'the grant carries the fields agreed');
  t.match(await clockOf(request.clockId), { state: 'stopped', outcome: 'met' });
  t.same(await kinds(request.id), [
    'filed',
    'routed',
    'opened',
    'position_recorded',
    'position_recorded',
    'position_recorded',
    'meeting_scheduled',
    'minutes_recorded',
    'coordination_agreed',
    'owner_delivery_requested',
    'aggregation_confirmed',
    'delivered',
  ]);
  await recordHistory(env, requestWorkflowId(request.id), 'track15-agreed-aggregated-delivered');
});

t.test(
  'coordination to "not to share": the owner files the written explanation with the catalogued basis; a dispute is upheld',
  async (t) => {
    const { day } = await skipToPlainMonday(env, db);
    const request = await fileAndStart(world.notShareable.id, ['案件编号']);
    t.match(request.routing, { rule: 'not_shareable', ownerMayRefuse: true });
    await t.rejects(updateRequest(env.client, request.id, 'decide_not_to_share', { actor: center(), reasons: ' ' }), {
      status: 422,
      code: 'reasons_required',
    });
    await t.rejects(updateRequest(env.client, request.id, 'file_explanation', { actor: owner(), explanation: await catalogued('x') }), {
      status: 409,
      code: 'invalid_state',
    });
    await skip(24 * 2);
    const decided = await updateRequest(env.client, request.id, 'decide_not_to_share', { actor: center(), reasons: '涉及侦查秘密' });
    t.equal(decided.state, 'explanation_due');
    t.match(decided.clock, { chargedParty: 'owner', deadlineDate: day(21) }, 'the owner explains within the time left');

    await t.rejects(
      updateRequest(env.client, request.id, 'file_explanation', {
        actor: owner(),
        explanation: { ...(await catalogued('理由')), alternatives: ' ' },
      }),
      { status: 422, code: 'invalid_refusal', message: /alternatives/ },
    );
    const refused = await updateRequest(env.client, request.id, 'file_explanation', {
      actor: owner(),
      explanation: await catalogued('属于侦查秘密'),
    });
    t.equal(refused.state, 'refused');
    const [written] = await db.select().from(writtenExplanations).where(eq(writtenExplanations.requestId, request.id));
    t.match(written, { reasons: '属于侦查秘密', legalBasis: { source: 'catalogue', title: '《中华人民共和国刑事诉讼法》' } });
    t.match(await clockOf(request.clockId), { state: 'stopped', outcome: 'met' });
    t.ok(refused.disputeWindow, 'the window to dispute opens');
    t.equal(refused.disputeWindow!.deadlineDate, day(16), 'filed Wednesday: 10 working days');

    await t.rejects(updateRequest(env.client, request.id, 'dispute', { actor: owner(), reasons: 'x' }), {
      status: 409,
      code: 'not_your_step',
    });
    const disputed = await updateRequest(env.client, request.id, 'dispute', { actor: requester(), reasons: '企业开办核验确有必要' });
    t.equal(disputed.state, 'disputed');
    t.match(await clockOf(disputed.clock!.clockId), { step: 'dispute_decision', chargedParty: 'authority', deadlineDate: day(16) });
    t.equal(disputed.disputeWindow, null, 'the window closes with the dispute');

    await t.rejects(updateRequest(env.client, request.id, 'uphold_refusal', { actor: center(), reasons: 'x' }), {
      status: 409,
      code: 'not_your_step',
    });
    const upheld = await updateRequest(env.client, request.id, 'uphold_refusal', { actor: authority(), reasons: '依法属于不予共享范围' });
    t.equal(upheld.state, 'refused');
    const [decision] = await db
      .select()
      .from(disputeDecisions)
      .innerJoin(requestDisputes, eq(requestDisputes.id, disputeDecisions.disputeId))
      .where(eq(requestDisputes.requestId, request.id));
    t.match(decision!.dispute_decisions, { decision: 'upheld', reasons: '依法属于不予共享范围', departmentId: world.authority.id });
    t.match(await clockOf(decision!.request_disputes.clockId), { state: 'stopped', outcome: 'met' });
    await t.rejects(
      db.update(disputeDecisions).set({ reasons: '改写' }).where(eq(disputeDecisions.disputeId, decision!.request_disputes.id)),
      { message: /Failed query/ },
      'the decision is immutable for the application role',
    );
    await t.rejects(
      updateRequest(env.client, request.id, 'dispute', { actor: center(), reasons: '再议' }),
      {
        status: 409,
        code: /^(request_closed|dispute_window_closed)$/,
      },
      'a refusal is disputed once: the request is closed',
    );
    t.same((await kinds(request.id)).slice(3), [
      'coordination_not_to_share',
      'explanation_requested',
      'refused',
      'disputed',
      'dispute_upheld',
    ]);
    await recordHistory(env, requestWorkflowId(request.id), 'track15-explained-disputed-upheld');
  },
);

t.test('an explanation not filed in time breaches, charged to the owner, and is supervised', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const request = await fileAndStart(world.notShareable.id, ['案件编号']);
  await skip(24 * 17); // Thursday of the third week, the deadline the next Monday
  await updateRequest(env.client, request.id, 'decide_not_to_share', { actor: center(), reasons: '涉及侦查秘密' });
  await skip(24 * 5); // Tuesday: the deadline (end of Monday) has passed
  const breached = await waitFor(async () => ((await row(request.id)).overdue ? row(request.id) : undefined), 'the breach');
  t.match(breached, { state: 'explanation_due', deadlineDate: day(21), supervisionLevel: 1 });
  const [level1] = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectId, request.id), eq(supervisions.level, 1)));
  t.match(level1, { chargedParty: 'owner', responsibleDepartmentId: world.police.id });
  const late = await updateRequest(env.client, request.id, 'file_explanation', {
    actor: owner(),
    explanation: await catalogued('属于侦查秘密'),
  });
  t.equal(late.state, 'refused', 'a late explanation is still filed');
  t.match(await clockOf(request.clockId), { outcome: 'breached' });
});

t.test('unconditional data awaiting aggregation: "not to share" does not exist, only delivery', async (t) => {
  await skipToPlainMonday(env, db);
  const request = await fileAndStart(world.notAggregated.id, ['号牌号码']);
  t.match(request.routing, { rule: 'not_aggregated', ownerMayRefuse: false });
  await t.rejects(updateRequest(env.client, request.id, 'decide_not_to_share', { actor: center(), reasons: '不予共享' }), {
    status: 422,
    code: 'sharing_not_refusable',
  });
  const agreed = await updateRequest(env.client, request.id, 'agree_to_share', { actor: center() });
  t.equal(agreed.state, 'awaiting_owner_delivery');
});

t.test('免申即享: "not to share" rests on a register entry that explicitly prohibits it', async (t) => {
  await skipToPlainMonday(env, db);
  const request = await fileAndStart(world.notShareable.id, ['案件编号'], { scenarioId: noApplication.id });
  const decide = async (legalBasisId?: string) =>
    updateRequest(env.client, request.id, 'decide_not_to_share', {
      actor: center(),
      reasons: '涉及侦查秘密',
      ...(legalBasisId ? { legalBasis: await citeLegalBasis(db, legalBasisId) } : {}),
    });
  await t.rejects(decide(), { status: 422, code: 'invalid_refusal', message: /免申即享/ }, 'without an entry');
  await t.rejects(decide(world.legalBases.permissive), { status: 422, code: 'invalid_refusal' }, 'with an entry that does not prohibit');
  t.equal((await decide(world.legalBases.prohibiting)).state, 'explanation_due', 'with a prohibiting entry');
  const [outcome] = await db.select().from(coordinationOutcomes).where(eq(coordinationOutcomes.requestId, request.id));
  t.match(outcome!.legalBasis, { source: 'register', prohibitsSharing: true });
  await t.rejects(
    updateRequest(env.client, request.id, 'file_explanation', { actor: owner(), explanation: await catalogued('属于侦查秘密') }),
    { status: 422, code: 'invalid_refusal' },
    "the explanation too: the catalogued basis is the owner's word, not the register's",
  );
  const refused = await updateRequest(env.client, request.id, 'file_explanation', {
    actor: owner(),
    explanation: { ...(await catalogued('属于侦查秘密')), legalBasis: await citeLegalBasis(db, world.legalBases.prohibiting) },
  });
  t.equal(refused.state, 'refused');
});

t.test('a dispute ordering sharing: approved, provisioned on a new step, granted', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const filed = await fileAs(
    db,
    world,
    world.marketRequester,
    draftFor(world.conditional.id, { fields: ['姓名', '婚姻状况'] }),
    await now(),
  );
  await startRequestWorkflow(env.client, settings, filed.id);
  await waitFor(async () => ((await row(filed.id)).state === 'owner_review' ? true : undefined), 'owner review');
  await updateRequest(env.client, filed.id, 'refuse', {
    actor: owner(),
    explanation: {
      legalBasis: await citeLegalBasis(db, world.legalBases.permissive),
      citedConditions: ['restrictedFields'],
      reasons: '婚姻状况为限制共享字段',
      alternatives: '删除婚姻状况后重新申请',
    },
  });
  const disputed = await updateRequest(env.client, filed.id, 'dispute', { actor: center(), reasons: '场景确需核验婚姻状况' });
  t.equal(disputed.state, 'disputed');
  await skip(24);
  const ordered = await updateRequest(env.client, filed.id, 'order_sharing', { actor: authority(), reasons: '符合共享原则，应予共享' });
  t.equal(ordered.state, 'provisioning');
  t.match(
    await clockOf(ordered.clock!.clockId),
    { step: 'sharing_ordered', chargedParty: 'center', deadlineDate: day(8) },
    'a new step of the track length',
  );
  await updateRequest(env.client, filed.id, 'confirm_delivery', { actor: center(), method: 'interface', reference: 'API-9' });
  const [grant] = await db.select().from(grants).where(eq(grants.requestId, filed.id));
  t.same(grant!.fields, ['姓名', '婚姻状况']);
  t.same((await kinds(filed.id)).slice(3), ['refused', 'disputed', 'sharing_ordered', 'provisioning_started', 'delivered']);
  await recordHistory(env, requestWorkflowId(filed.id), 'track5-refused-disputed-ordered');
});

t.test('the dispute window closes after its working days; a late decision on a dispute breaches, charged to the authority', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const first = await fileAndStart(world.notShareable.id, ['案件编号']);
  const second = await fileAndStart(world.notShareable.id, ['案件编号']);
  for (const request of [first, second]) {
    await updateRequest(env.client, request.id, 'decide_not_to_share', { actor: center(), reasons: '涉及侦查秘密' });
    await updateRequest(env.client, request.id, 'file_explanation', { actor: owner(), explanation: await catalogued('属于侦查秘密') });
  }
  await updateRequest(env.client, second.id, 'dispute', { actor: requester(), reasons: '确有必要' });
  await skip(24 * 15); // Tuesday of the third week: both windows and the decision period (end of day 14) have passed
  await waitFor(async () => ((await kinds(first.id)).includes('dispute_window_closed') ? true : undefined), 'the window to close');
  await t.rejects(updateRequest(env.client, first.id, 'dispute', { actor: requester(), reasons: '迟到的争议' }), {
    status: 409,
    code: /^(request_closed|dispute_window_closed)$/,
  });
  const late = await waitFor(async () => ((await row(second.id)).overdue ? row(second.id) : undefined), 'the decision breach');
  t.match(late, { state: 'disputed', deadlineDate: day(14), supervisionLevel: 1 });
  const [level1] = await db
    .select()
    .from(supervisions)
    .where(and(eq(supervisions.subjectId, second.id), eq(supervisions.level, 1)));
  t.match(level1, { chargedParty: 'authority', responsibleDepartmentId: world.authority.id });
  await recordHistory(env, requestWorkflowId(first.id), 'track15-dispute-window-closed');
});

/** A written explanation resting on the dataset's catalogued basis (data catalogued not shareable), resolved as the API does. */
async function catalogued(reasons: string) {
  const legalBasis = await citationFor(db, { datasetId: world.notShareable.id, datasetVersion: 1 }, undefined);
  return { legalBasis, citedConditions: [], reasons, alternatives: '可申请核验服务' };
}

t.test('the owner may ask once to extend its own step (the explanation); the center decides', async (t) => {
  const { day } = await skipToPlainMonday(env, db);
  const request = await fileAndStart(world.notShareable.id, ['案件编号']);
  await updateRequest(env.client, request.id, 'decide_not_to_share', { actor: center(), reasons: '涉及侦查秘密' });
  await t.rejects(updateRequest(env.client, request.id, 'request_extension', { actor: center(), days: 3, reason: '协调' }), {
    status: 409,
    code: 'not_your_step',
  });
  const asked = await updateRequest(env.client, request.id, 'request_extension', { actor: owner(), days: 3, reason: '需法制部门审核说明' });
  t.equal(asked.clock?.extension, 'pending');
  const extended = await updateRequest(env.client, request.id, 'decide_extension', { actor: center(), approved: true, reason: '同意' });
  t.equal(extended.clock?.deadlineDate, day(24), '15 working days and 3 more: the fourth Thursday');
  await t.rejects(updateRequest(env.client, request.id, 'request_extension', { actor: owner(), days: 1, reason: '再延' }), {
    status: 409,
    code: 'extension_already_requested',
  });
});
