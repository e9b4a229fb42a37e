/**
 * What each party is offered on a filed request, written by hand from DESIGN.md (the request
 * lifecycle, extensions, supplements) and checked against `availableActions` for every state ×
 * party × track: a combination the table does not name offers nothing.
 */
import t from 'tap';
import { actionProblem, availableActions, type ActionName } from '../../../src/requests/rules/actions.js';
import { REQUEST_STATES, type RequestState } from '../../../src/requests/rules/lifecycle.js';
import type { Track } from '../../../src/requests/rules/policy.js';
import type { RequestView } from '../../../src/requests/rules/view.js';
import type { ClockedStep } from '../../../src/sla/rules/step.js';

const NOW = Date.parse('2026-12-02T02:00:00.000Z'); // Wednesday 10:00 in Shanghai
const DEADLINE = '2026-12-04T15:59:59.999Z'; // the end of Friday in Shanghai

const clock = (over: Partial<ClockedStep> = {}): ClockedStep => ({
  clockId: 'c1',
  version: 1,
  state: 'running',
  deadline: DEADLINE,
  deadlineDate: '2026-12-04',
  chargedParty: 'owner',
  overdue: false,
  supervisionLevel: 0,
  levelTwoAt: null,
  remindedFor: null,
  extension: 'none',
  ...over,
});

function view(state: RequestState, track: Track, over: Partial<RequestView> = {}): RequestView {
  return {
    id: 'r1',
    number: 'GX-2026-000001',
    state,
    track,
    stateBeforeSupplement: state === 'awaiting_supplement' ? (track === 15 ? 'coordination' : 'owner_review') : null,
    requesterDepartmentId: 'requester-dept',
    ownerDepartmentId: 'owner-dept',
    fields: ['姓名', '公民身份号码'],
    usageMonths: 6,
    deliveryMethod: 'interface',
    checks: [],
    ownerMayRefuse: true,
    scenarioKind: null,
    extensionCapDays: 5,
    // The track's clock is the owner's while its step is open (review, delivery, explanation, or a supplement pausing its review), else the center's.
    clock: clock({
      chargedParty:
        ['owner_review', 'awaiting_owner_delivery', 'explanation_due'].includes(state) || (state === 'awaiting_supplement' && track === 5)
          ? 'owner'
          : 'center',
    }),
    supplement: null,
    ...over,
  };
}

type Party = 'requester' | 'owner' | 'center' | 'authority';
type Offered = Partial<Record<Party, ActionName[]>>;

/** The hand-written table, with the clock running before its deadline and no extension asked. */
const TABLE: Partial<Record<`${Track}:${RequestState}`, Offered>> = {
  // Before the track's step opens, the requester may still withdraw.
  '1:submitted': { requester: ['withdraw'] },
  '5:submitted': { requester: ['withdraw'] },
  '15:submitted': { requester: ['withdraw'] },
  '1:routed': { requester: ['withdraw'] },
  '5:routed': { requester: ['withdraw'] },
  '15:routed': { requester: ['withdraw'] },
  // Track 1: no owner decision; the center delivers; the requester may withdraw until delivery.
  '1:provisioning': { requester: ['withdraw'], center: ['confirm_delivery'] },
  // Track 5: the owner decides within the step (one extension, asked before the deadline).
  '5:owner_review': { owner: ['approve', 'refuse', 'ask_supplement', 'request_extension'], requester: ['withdraw'] },
  '5:awaiting_supplement': { requester: ['answer_supplement', 'withdraw'] },
  // Approved: the center delivers; a decided request is no longer withdrawn.
  '5:provisioning': { center: ['confirm_delivery'] },
  // Track 15: three-party coordination on the center's clock. Each party records its position; the
  // owner may ask a supplement but not extend the center's step; the center schedules meetings,
  // records their minutes and the outcome.
  '15:coordination': {
    owner: ['ask_supplement', 'record_position'],
    requester: ['withdraw', 'record_position'],
    center: ['record_position', 'schedule_meeting', 'record_minutes', 'agree_to_share', 'decide_not_to_share'],
  },
  // Minutes of a meeting already held may follow until the coordination's work ends.
  '15:awaiting_supplement': { requester: ['answer_supplement', 'withdraw'], center: ['record_minutes'] },
  '15:agreed_to_share': { center: ['record_minutes'] },
  '15:not_to_share': { center: ['record_minutes'] },
  // Agreed, the center does not hold the data: the owner delivers it, the center confirms it aggregated.
  // The owner's step: it may ask once to extend it.
  '15:awaiting_owner_delivery': { owner: ['request_extension'], center: ['record_minutes', 'confirm_aggregation'] },
  // Not to share: the owner files the written explanation.
  '15:explanation_due': { owner: ['request_extension', 'file_explanation'], center: ['record_minutes'] },
  // Agreed in coordination and aggregated: the center delivers as on the other tracks.
  '15:provisioning': { center: ['confirm_delivery'] },
  // A refusal disputed (争议): the competent authority's supervisor decides.
  '5:disputed': { authority: ['uphold_refusal', 'order_sharing'] },
  '15:disputed': { authority: ['uphold_refusal', 'order_sharing'] },
};

/** The states a request of each track can be in (DESIGN.md, request lifecycle). */
const REACHABLE: Record<Track, RequestState[]> = {
  1: ['submitted', 'routed', 'provisioning', 'granted', 'withdrawn'],
  5: [
    'submitted',
    'routed',
    'owner_review',
    'awaiting_supplement',
    'approved',
    'provisioning',
    'granted',
    'refused',
    'disputed',
    'withdrawn',
    'lapsed',
  ],
  15: [
    'submitted',
    'routed',
    'coordination',
    'awaiting_supplement',
    'agreed_to_share',
    'awaiting_owner_delivery',
    'not_to_share',
    'explanation_due',
    'disputed',
    'provisioning',
    'granted',
    'refused',
    'withdrawn',
    'lapsed',
  ],
};

const PARTIES: Party[] = ['requester', 'owner', 'center', 'authority'];
const TRACKS: Track[] = [1, 5, 15];

t.test('every state × party × track offers exactly what the table says', async (t) => {
  let combinations = 0;
  for (const track of TRACKS) {
    for (const state of REACHABLE[track]) {
      for (const party of PARTIES) {
        const expected = TABLE[`${track}:${state}`]?.[party] ?? [];
        t.same(availableActions(view(state, track), party, NOW), expected, `track ${track}, ${state}, ${party}`);
        combinations++;
      }
    }
  }
  t.equal(combinations, (5 + 11 + 14) * 4);
  t.same(
    REQUEST_STATES.filter((s) => s !== 'draft' && !TRACKS.some((track) => REACHABLE[track].includes(s))),
    [],
    'every filed state is reachable on some track',
  );
});

t.test('the extension: once, before the deadline, decided by the center', async (t) => {
  const pending = view('owner_review', 5, { clock: clock({ extension: 'pending' }) });
  t.same(availableActions(pending, 'owner', NOW), ['approve', 'refuse', 'ask_supplement'], 'asked once: not offered again');
  t.same(availableActions(pending, 'center', NOW), ['decide_extension'], 'the center decides it');
  t.same(availableActions(pending, 'requester', NOW), ['withdraw']);
  const decided = view('owner_review', 5, { clock: clock({ extension: 'decided' }) });
  t.same(availableActions(decided, 'owner', NOW), ['approve', 'refuse', 'ask_supplement']);
  t.same(availableActions(decided, 'center', NOW), []);
  const late = view('owner_review', 5, { clock: clock({ overdue: true, supervisionLevel: 1 }) });
  t.same(availableActions(late, 'owner', NOW), ['approve', 'refuse', 'ask_supplement'], 'after the breach: decidable, not extendable');
  const afterDeadlineUntimed = view('owner_review', 5);
  t.same(
    availableActions(afterDeadlineUntimed, 'owner', Date.parse(DEADLINE) + 1),
    ['approve', 'refuse', 'ask_supplement'],
    'past the deadline before the breach was recorded: not extendable either',
  );
  t.same(
    availableActions(afterDeadlineUntimed, 'owner', Date.parse(DEADLINE)),
    ['approve', 'refuse', 'ask_supplement', 'request_extension'],
    'on the deadline instant it still is',
  );
  const coordination = view('coordination', 15);
  t.match(
    actionProblem(
      'request_extension',
      coordination,
      {
        actor: { userId: 'u1', departmentId: 'owner-dept', role: 'reviewer', party: 'owner', httpRequestId: null },
        days: 3,
        reason: '协调',
      },
      NOW,
    ),
    { status: 409, code: 'not_your_step' },
    "the owner may not extend the center's coordination step",
  );
  const coordinationPending = view('coordination', 15, { clock: clock({ extension: 'pending', chargedParty: 'center' }) });
  t.same(availableActions(coordinationPending, 'center', NOW), [
    'decide_extension',
    'record_position',
    'schedule_meeting',
    'record_minutes',
    'agree_to_share',
    'decide_not_to_share',
  ]);
});

t.test('a refusal is disputed by the requester or the center while its window runs, once', async (t) => {
  const windowOpen = clock({ chargedParty: 'requester', deadline: DEADLINE, deadlineDate: '2026-12-04' });
  for (const track of [5, 15] as Track[]) {
    const refused = view('refused', track, { disputeWindow: windowOpen });
    t.same(availableActions(refused, 'requester', NOW), ['dispute'], `track ${track}: the requester`);
    t.same(availableActions(refused, 'center', NOW), ['dispute'], `track ${track}: the center`);
    t.same(availableActions(refused, 'owner', NOW), [], `track ${track}: not the owner who refused`);
    t.same(availableActions(refused, 'authority', NOW), []);
    t.same(availableActions(refused, 'requester', Date.parse(DEADLINE) + 1), [], 'not after the window, recorded closed or not');
  }
  t.match(
    actionProblem('dispute', view('refused', 5, { disputeWindow: null }), { actor: actor('requester'), reasons: '确有必要' }, NOW),
    { status: 409, code: 'dispute_window_closed' },
    'no window: a refusal decided upon, or its window closed',
  );
  t.match(actionProblem('dispute', view('refused', 5, { disputeWindow: windowOpen }), { actor: actor('requester'), reasons: ' ' }, NOW), {
    status: 422,
    code: 'reasons_required',
  });
  t.same(availableActions(view('refused', 1, { disputeWindow: windowOpen }), 'requester', NOW), [], 'track 1 never refuses');
});

t.test(
  'the coordination outcome: "not to share" only where the owner may refuse, and for 免申即享 only on a prohibiting entry',
  async (t) => {
    const unconditional = view('coordination', 15, { ownerMayRefuse: false });
    t.notOk(availableActions(unconditional, 'center', NOW).includes('decide_not_to_share'), 'not offered');
    t.match(actionProblem('decide_not_to_share', unconditional, { actor: actor('center'), reasons: '不予共享' }, NOW), {
      status: 422,
      code: 'sharing_not_refusable',
    });
    const noApplication = view('coordination', 15, { scenarioKind: 'no_application' });
    const register = (prohibitsSharing: boolean, curatedByDepartmentId = 'authority-dept') => ({
      source: 'register' as const,
      entryId: 'e1',
      version: 1,
      kind: 'law' as const,
      title: '《某法》',
      documentNumber: null,
      article: '第一条',
      prohibitsSharing,
      inForce: true,
      curatedByDepartmentId,
    });
    const decide = (legalBasis?: ReturnType<typeof register>) =>
      actionProblem('decide_not_to_share', noApplication, { actor: actor('center'), reasons: '不予共享', legalBasis }, NOW);
    t.match(decide(), { status: 422, code: 'invalid_refusal' }, 'no entry');
    t.match(decide(register(false)), { status: 422, code: 'invalid_refusal' }, 'an entry that does not prohibit');
    t.match(decide(register(true, 'owner-dept')), { status: 422, code: 'invalid_refusal' }, "the owner's own entry");
    t.equal(decide(register(true)), null, 'a prohibiting entry of the register');
    t.match(
      actionProblem('agree_to_share', noApplication, { actor: actor('center'), fields: ['姓名'] }, NOW),
      { status: 422, code: 'invalid_partial_refusal' },
      'agreeing to fewer fields refuses the rest',
    );
    t.equal(actionProblem('agree_to_share', noApplication, { actor: actor('center') }, NOW), null);
  },
);

t.test('coordination records: positions by the parties, meetings and minutes by the center', async (t) => {
  const coordination = view('coordination', 15);
  t.match(actionProblem('record_position', coordination, { actor: actor('authority'), position: '意见' }, NOW), {
    code: 'not_your_step',
  });
  t.match(actionProblem('record_position', coordination, { actor: actor('requester'), position: '  ' }, NOW), {
    status: 422,
    code: 'position_required',
  });
  t.match(actionProblem('record_position', view('provisioning', 15), { actor: actor('requester'), position: '意见' }, NOW), {
    status: 409,
    code: 'invalid_state',
  });
  const meeting = { startsAt: '2026-12-03T02:00:00Z', participants: ['市公安局'] };
  t.match(actionProblem('schedule_meeting', coordination, { actor: actor('center'), ...meeting }, NOW), { code: 'meeting_place_required' });
  t.match(
    actionProblem('schedule_meeting', coordination, { actor: actor('center'), ...meeting, participants: [' '], link: 'https://m' }, NOW),
    {
      code: 'meeting_participants_required',
    },
  );
  t.equal(actionProblem('schedule_meeting', coordination, { actor: actor('center'), ...meeting, link: 'https://m' }, NOW), null);
  t.match(actionProblem('schedule_meeting', coordination, { actor: actor('owner'), ...meeting, place: '会议室' }, NOW), {
    code: 'not_your_step',
  });
  t.match(actionProblem('record_minutes', view('granted', 15), { actor: actor('center'), meetingId: 'm1', minutes: '纪要' }, NOW), {
    code: 'invalid_state',
  });
});

function actor(party: Party) {
  const role = { requester: 'requester', owner: 'reviewer', center: 'center_operator', authority: 'supervisor' } as const;
  const department = { requester: 'requester-dept', owner: 'owner-dept', center: 'center-dept', authority: 'authority-dept' };
  return { userId: 'u1', departmentId: department[party], role: role[party], party, httpRequestId: null };
}

t.test('a supplement answer is offered until the end of its due date', async (t) => {
  const supplement = { id: 's1', clock: clock({ chargedParty: 'requester' }) };
  const waiting = view('awaiting_supplement', 5, { clock: clock({ state: 'paused' }), supplement });
  t.same(availableActions(waiting, 'requester', Date.parse(DEADLINE)), ['answer_supplement', 'withdraw']);
  t.same(availableActions(waiting, 'requester', Date.parse(DEADLINE) + 1), ['withdraw'], 'lapsed (the timer may not have run yet)');
});

t.test("an action's arguments are checked before it is taken", async (t) => {
  const actor = (party: Party, departmentId: string) => ({
    userId: 'u1',
    departmentId,
    role: 'reviewer' as const,
    party,
    httpRequestId: null,
  });
  const review = view('owner_review', 5);
  const owner = actor('owner', 'owner-dept');
  t.equal(actionProblem('approve', review, { actor: owner }, NOW), null, 'an approval as asked');
  t.equal(actionProblem('approve', review, { actor: owner, fields: ['姓名'], usageMonths: 3 }, NOW), null, 'narrower and shorter');
  t.match(actionProblem('approve', review, { actor: owner, fields: ['姓名', '住址'] }, NOW), { status: 422, code: 'fields_not_requested' });
  t.match(actionProblem('approve', review, { actor: owner, usageMonths: 7 }, NOW), { status: 422, code: 'usage_period_not_requested' });
  t.match(
    actionProblem('approve', review, { actor: actor('owner', 'other-dept') }, NOW),
    { status: 409, code: 'not_your_step' },
    "another department's reviewer",
  );
  t.match(actionProblem('approve', view('provisioning', 5), { actor: owner }, NOW), { status: 409, code: 'invalid_state' });
  t.match(actionProblem('request_extension', review, { actor: owner, days: 6, reason: '核对口径' }, NOW), {
    status: 422,
    code: 'extension_too_long',
  });
  t.match(actionProblem('request_extension', review, { actor: owner, days: 0, reason: '核对口径' }, NOW), {
    status: 422,
    code: 'extension_too_long',
  });
  t.match(actionProblem('request_extension', review, { actor: owner, days: 5, reason: '  ' }, NOW), {
    status: 422,
    code: 'extension_reason_required',
  });
  t.equal(actionProblem('request_extension', review, { actor: owner, days: 5, reason: '核对口径' }, NOW), null, 'up to the cap');
  const refusal = {
    legalBasis: {
      source: 'register' as const,
      entryId: '00000000-0000-4000-8000-000000000001',
      version: 1,
      kind: 'law' as const,
      title: '《中华人民共和国数据安全法》',
      documentNumber: null,
      article: '第三十八条',
      prohibitsSharing: false,
      inForce: true,
    },
    citedConditions: [],
    reasons: '不予共享',
    alternatives: '无',
  };
  t.match(actionProblem('refuse', review, { actor: owner, explanation: refusal }, NOW), {
    status: 422,
    code: 'invalid_refusal',
    details: { problems: [/citedConditions/] },
  });
  t.match(actionProblem('answer_supplement', review, { actor: actor('requester', 'requester-dept'), answer: '补充' }, NOW), {
    status: 409,
    code: 'invalid_state',
  });
  t.match(actionProblem('decide_extension', review, { actor: actor('center', 'center-dept'), approved: true, reason: '同意' }, NOW), {
    status: 409,
    code: 'no_pending_extension',
  });
});

t.test('a delivery by another method than requested says why', async (t) => {
  const provisioning = view('provisioning', 5);
  const center = {
    userId: 'u',
    departmentId: 'center-dept',
    role: 'center_operator' as const,
    party: 'center' as const,
    httpRequestId: null,
  };
  t.equal(actionProblem('confirm_delivery', provisioning, { actor: center, method: 'interface', reference: 'API-1' }, NOW), null);
  t.match(actionProblem('confirm_delivery', provisioning, { actor: center, method: 'batch', reference: 'BATCH-7' }, NOW), {
    status: 422,
    code: 'delivery_method_change_reason_required',
  });
  t.match(
    actionProblem(
      'confirm_delivery',
      provisioning,
      { actor: center, method: 'batch', reference: 'BATCH-7', methodChangeReason: '  ' },
      NOW,
    ),
    { code: 'delivery_method_change_reason_required' },
  );
  t.equal(
    actionProblem(
      'confirm_delivery',
      provisioning,
      { actor: center, method: 'batch', reference: 'BATCH-7', methodChangeReason: '接口改造中' },
      NOW,
    ),
    null,
  );
});

t.test('narrowing a 免申即享 approval refuses part of it: only under a prohibiting register entry', async (t) => {
  const review = view('owner_review', 5, { scenarioKind: 'no_application' });
  const owner = { userId: 'u', departmentId: 'owner-dept', role: 'reviewer' as const, party: 'owner' as const, httpRequestId: null };
  const prohibiting = {
    source: 'register' as const,
    entryId: '00000000-0000-4000-8000-000000000003',
    version: 1,
    kind: 'law' as const,
    title: '《中华人民共和国刑事诉讼法》',
    documentNumber: null,
    article: '第二百八十六条',
    prohibitsSharing: true,
    inForce: true,
    curatedByDepartmentId: 'authority-dept',
  };
  t.equal(actionProblem('approve', review, { actor: owner }, NOW), null, 'approving all of it needs nothing');
  t.match(actionProblem('approve', review, { actor: owner, fields: ['姓名'] }, NOW), { status: 422, code: 'invalid_partial_refusal' });
  t.match(actionProblem('approve', review, { actor: owner, usageMonths: 3 }, NOW), { code: 'invalid_partial_refusal' });
  t.match(
    actionProblem('approve', review, { actor: owner, fields: ['姓名'], legalBasis: { ...prohibiting, prohibitsSharing: false } }, NOW),
    {
      code: 'invalid_partial_refusal',
    },
  );
  t.equal(actionProblem('approve', review, { actor: owner, fields: ['姓名'], legalBasis: prohibiting }, NOW), null);
  t.equal(actionProblem('approve', view('owner_review', 5), { actor: owner, fields: ['姓名'] }, NOW), null, 'other requests narrow freely');
});
