/** When a grant's reminder and expiry fall due; instants written out by hand (Shanghai = UTC+8). */
import t from 'tap';
import { dueGrantEvent, grantWake, type GrantView } from '../../../src/grants/rules/view.js';

// Last day 2027-03-31: it ends at 2027-03-31T23:59:59.999+08:00 = 2027-03-31T15:59:59.999Z.
const grant = (patch: Partial<GrantView> = {}): GrantView => ({
  id: 'g',
  number: 'SQ-2026-000001',
  state: 'active',
  requesterDepartmentId: 'r',
  ownerDepartmentId: 'o',
  validTo: '2027-03-31T15:59:59.999Z',
  reminderAt: '2027-03-17T16:00:00.000Z',
  reminded: false,
  ...patch,
});
const END = Date.parse('2027-03-31T16:00:00.000Z');
const REMINDER = Date.parse('2027-03-17T16:00:00.000Z');

t.equal(grantWake(grant()), REMINDER, 'an active grant wakes for its reminder first');
t.equal(grantWake(grant({ reminded: true, state: 'expiring' })), END, 'then for its end');
t.equal(grantWake(grant({ state: 'suspended' })), END, 'a suspended grant is not reminded, but still ends');
t.equal(grantWake(grant({ state: 'expired' })), null, 'an expired grant has nothing due');
t.equal(grantWake(grant({ state: 'revoked' })), null, 'nor a revoked one');

t.equal(dueGrantEvent(grant(), REMINDER - 1), null, 'nothing is due a millisecond before the reminder');
t.same(dueGrantEvent(grant(), REMINDER), { event: 'remind', at: REMINDER }, 'the reminder at 00:00 of its day');
t.same(dueGrantEvent(grant(), END - 1), { event: 'remind', at: REMINDER }, 'a late worker still reminds, dated when it fell due');
t.same(dueGrantEvent(grant(), END), { event: 'expire', at: END }, 'at the end, expiry wins over an unsent reminder');
t.same(dueGrantEvent(grant({ state: 'expiring', reminded: true }), END - 1), null, 'a reminded grant waits for its end');
t.same(dueGrantEvent(grant({ state: 'suspended' }), END), { event: 'expire', at: END }, 'a suspended grant expires on its date');
t.equal(dueGrantEvent(grant({ state: 'revoked' }), END + 1000), null, 'a revoked grant never expires');
