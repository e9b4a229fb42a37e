import t from 'tap';
import {
  availableActions,
  isDecided,
  isOpen,
  nextState,
  REQUEST_ACTIONS,
  REQUEST_STATES,
  responsibleParty,
  workingParty,
  type Party,
  type RequestAction,
  type RequestPosition,
  type RequestState,
} from '../../../src/requests/rules/lifecycle.js';
import type { Track } from '../../../src/requests/rules/policy.js';

const at = (
  state: RequestPosition['state'],
  track: Track = 5,
  stateBeforeSupplement: RequestPosition['stateBeforeSupplement'] = null,
): RequestPosition => ({ state, track, stateBeforeSupplement });

t.test('track 1: routed → provisioning → granted, no owner step', async (t) => {
  t.same(nextState(at('routed', 1), 'start_provisioning', 'system'), { ok: true, to: 'provisioning' });
  t.same(nextState(at('provisioning', 1), 'confirm_delivery', 'center'), { ok: true, to: 'granted' });
  t.match(nextState(at('routed', 1), 'open_review', 'system'), { ok: false, code: 'invalid_state' });
  t.match(nextState(at('provisioning', 1), 'approve', 'owner'), { ok: false, code: 'invalid_state' });
  t.match(nextState(at('provisioning', 1), 'confirm_delivery', 'owner'), { ok: false, code: 'not_your_step', message: /Only the center/ });
});

t.test('track 5: owner review → approve → provisioning → granted, or refuse', async (t) => {
  t.same(nextState(at('routed'), 'open_review', 'system'), { ok: true, to: 'owner_review' });
  t.same(nextState(at('owner_review'), 'approve', 'owner'), { ok: true, to: 'approved' });
  t.same(nextState(at('approved'), 'start_provisioning', 'system'), { ok: true, to: 'provisioning' });
  t.same(nextState(at('owner_review'), 'refuse', 'owner'), { ok: true, to: 'refused' });
  t.match(nextState(at('owner_review'), 'approve', 'requester'), { ok: false, code: 'not_your_step' });
  t.match(nextState(at('owner_review'), 'approve', 'center'), { ok: false, code: 'not_your_step' });
  t.match(nextState(at('refused'), 'approve', 'owner'), {
    ok: false,
    code: 'invalid_state',
    message: /track-5 request in state refused cannot be approved/,
  });
});

t.test('a supplement pauses and returns to the state it left; unanswered it lapses', async (t) => {
  t.same(nextState(at('owner_review'), 'ask_supplement', 'owner'), { ok: true, to: 'awaiting_supplement' });
  t.same(nextState(at('awaiting_supplement', 5, 'owner_review'), 'answer_supplement', 'requester'), { ok: true, to: 'owner_review' });
  t.match(nextState(at('awaiting_supplement', 5, null), 'answer_supplement', 'requester'), { ok: false, code: 'invalid_state' });
  t.match(nextState(at('awaiting_supplement', 5, 'owner_review'), 'answer_supplement', 'owner'), { ok: false, code: 'not_your_step' });
  t.same(nextState(at('awaiting_supplement', 5, 'owner_review'), 'lapse', 'system'), { ok: true, to: 'lapsed' });
  t.same(nextState(at('coordination', 15), 'ask_supplement', 'center'), { ok: true, to: 'awaiting_supplement' });
  t.match(nextState(at('provisioning', 1), 'ask_supplement', 'owner'), { ok: false, code: 'invalid_state' });
});

t.test('withdrawal: by the requester, before a decision (track 1 until delivery)', async (t) => {
  for (const state of ['routed', 'owner_review', 'awaiting_supplement'] as const)
    t.same(nextState(at(state), 'withdraw', 'requester'), { ok: true, to: 'withdrawn' }, state);
  t.same(nextState(at('provisioning', 1), 'withdraw', 'requester'), { ok: true, to: 'withdrawn' });
  for (const state of ['approved', 'provisioning', 'refused', 'granted', 'withdrawn', 'lapsed'] as const)
    t.match(nextState(at(state), 'withdraw', 'requester'), { ok: false, code: 'invalid_state' }, `${state} (track 5)`);
  t.match(nextState(at('owner_review'), 'withdraw', 'owner'), { ok: false, code: 'not_your_step' });
});

t.test('exhaustively: terminal states take no action; every allowed move is to a known state', async (t) => {
  const parties: Party[] = ['requester', 'owner', 'center', 'authority', 'system'];
  for (const track of [1, 5, 15] as Track[]) {
    for (const state of REQUEST_STATES) {
      for (const party of parties) {
        for (const action of REQUEST_ACTIONS) {
          const result = nextState(at(state, track, 'owner_review'), action, party);
          // A refusal moves on only to a dispute (争议), by the requester or the center, on tracks 5 and 15.
          const disputing = state === 'refused' && action === 'dispute' && track !== 1 && (party === 'requester' || party === 'center');
          if (['granted', 'refused', 'withdrawn', 'lapsed', 'draft'].includes(state) && !disputing)
            t.equal(result.ok, false, `${state} ${action} ${party}`);
          if (disputing) t.match(result, { ok: true, to: 'disputed' });
          if (result.ok) t.ok(REQUEST_STATES.includes(result.to));
        }
      }
    }
  }
  t.same(availableActions(at('owner_review'), 'owner'), ['approve', 'refuse', 'ask_supplement']);
  t.same(availableActions(at('owner_review'), 'requester'), ['withdraw']);
  t.same(availableActions(at('provisioning', 1), 'center'), ['confirm_delivery']);
});

t.test('who is charged at a deadline, what counts as decided and open', async (t) => {
  t.equal(responsibleParty('owner_review'), 'owner');
  t.equal(responsibleParty('provisioning'), 'center');
  t.equal(responsibleParty('awaiting_supplement'), 'requester');
  t.equal(responsibleParty('granted'), null);
  t.equal(responsibleParty('explanation_due'), 'owner', 'the written explanation is the owner’s');
  t.equal(responsibleParty('awaiting_owner_delivery'), 'owner');
  t.equal(responsibleParty('disputed'), 'authority', 'the competent authority decides a dispute');
  t.ok(isDecided('approved'));
  t.notOk(isDecided('owner_review'));
  t.ok(isOpen('owner_review'));
  t.notOk(isOpen('draft'));
  t.notOk(isOpen('lapsed'));
});

t.test('the party working on a request: the open step, or the step a supplement paused', async (t) => {
  t.equal(workingParty('owner_review', null), 'owner');
  t.equal(workingParty('provisioning', null), 'center');
  t.equal(workingParty('coordination', null), 'center');
  t.equal(workingParty('awaiting_supplement', 'owner_review'), 'owner', 'the owner asked; the owner resumes');
  t.equal(workingParty('awaiting_supplement', 'coordination'), 'center');
  t.equal(workingParty('awaiting_supplement', null), 'requester', 'without the paused state, the one who must answer');
  t.equal(workingParty('withdrawn', null), null);
});

t.test('track 15 decided: to sharing through delivery, or to a refusal through the written explanation; disputes', async (t) => {
  const step = (state: RequestState, action: RequestAction, party: Party, track: Track = 15) => nextState(at(state, track), action, party);
  t.match(step('coordination', 'agree_to_share', 'center'), { ok: true, to: 'agreed_to_share' });
  t.match(step('coordination', 'agree_to_share', 'owner'), { ok: false, code: 'not_your_step' }, 'the center records the outcome');
  t.match(step('agreed_to_share', 'await_owner_delivery', 'system'), { ok: true, to: 'awaiting_owner_delivery' });
  t.match(step('agreed_to_share', 'start_provisioning', 'system'), { ok: true, to: 'provisioning' }, 'data the center holds');
  t.match(step('awaiting_owner_delivery', 'confirm_aggregation', 'center'), { ok: true, to: 'provisioning' });
  t.match(step('coordination', 'decide_not_to_share', 'center'), { ok: true, to: 'not_to_share' });
  t.match(step('not_to_share', 'ask_explanation', 'system'), { ok: true, to: 'explanation_due' });
  t.match(step('explanation_due', 'file_explanation', 'owner'), { ok: true, to: 'refused' });
  t.match(step('explanation_due', 'file_explanation', 'center'), { ok: false, code: 'not_your_step' });
  t.match(step('coordination', 'agree_to_share', 'center', 5), { ok: false, code: 'invalid_state' }, 'only track 15 coordinates');
  for (const track of [5, 15] as Track[]) {
    t.match(step('refused', 'dispute', 'requester', track), { ok: true, to: 'disputed' });
    t.match(step('disputed', 'uphold_refusal', 'authority', track), { ok: true, to: 'refused' });
    t.match(step('disputed', 'order_sharing', 'authority', track), { ok: true, to: 'approved' });
    t.match(step('disputed', 'order_sharing', 'center', track), { ok: false, code: 'not_your_step' }, 'only the authority decides');
  }
  t.match(step('approved', 'await_owner_delivery', 'system'), { ok: true, to: 'awaiting_owner_delivery' }, 'ordered, not held yet');
  t.match(step('approved', 'await_owner_delivery', 'system', 5), { ok: false }, 'track 5 data is aggregated');
});
