import t from 'tap';
import { GRANT_ACTIONS, GRANT_STATES, isUsable, nextGrantState } from '../../../src/grants/rules/lifecycle.js';

t.test('the timers: the reminder marks an active grant expiring; the end expires any grant not revoked', async (t) => {
  t.equal(nextGrantState('active', 'remind', 'system'), 'expiring');
  t.equal(nextGrantState('expiring', 'remind', 'system'), null, 'reminded once');
  for (const state of ['active', 'expiring', 'suspended'] as const) t.equal(nextGrantState(state, 'expire', 'system'), 'expired', state);
  t.equal(nextGrantState('revoked', 'expire', 'system'), null);
  t.equal(nextGrantState('active', 'expire', 'owner'), null, 'nobody ends a grant early but by revoking it');
});

t.test('suspension and resumption by the owner or the center, back to where the grant would be', async (t) => {
  for (const party of ['owner', 'center'] as const) {
    t.equal(nextGrantState('active', 'suspend', party), 'suspended');
    t.equal(nextGrantState('expiring', 'suspend', party), 'suspended');
    t.equal(nextGrantState('suspended', 'resume', party, false), 'active');
    t.equal(nextGrantState('suspended', 'resume', party, true), 'expiring', 'the reminder came while suspended');
  }
  t.equal(nextGrantState('active', 'suspend', 'requester'), null, 'the holder does not suspend its own grant');
  t.equal(nextGrantState('active', 'resume', 'owner'), null, 'only a suspended grant resumes');
  t.equal(nextGrantState('suspended', 'suspend', 'center'), null);
});

t.test('revocation from any live or suspended state; the end states are final', async (t) => {
  for (const state of ['active', 'expiring', 'suspended'] as const) t.equal(nextGrantState(state, 'revoke', 'owner'), 'revoked');
  t.equal(nextGrantState('active', 'revoke', 'requester'), null);
  for (const state of ['expired', 'revoked'] as const)
    for (const action of GRANT_ACTIONS)
      for (const party of ['requester', 'owner', 'center', 'system'] as const)
        t.equal(nextGrantState(state, action, party), null, `${state}: ${party} ${action}`);
});

t.test('only active and expiring grants are usable', async (t) => {
  t.same(
    GRANT_STATES.filter((s) => isUsable(s)),
    ['active', 'expiring'],
  );
});
