import t from 'tap';
import { checkUse, type CheckedGrant, type UseAsked } from '../../../src/grants/rules/check.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const grant = (over: Partial<CheckedGrant> = {}): CheckedGrant => ({
  id: 'g1',
  number: 'SQ-2026-000001',
  requesterDepartmentId: 'market',
  datasetId: 'persons',
  scenarioId: 'licensing',
  fields: ['姓名', '公民身份号码'],
  state: 'active',
  validFrom: sh('2026-06-01T10:00:00'),
  validTo: sh('2026-12-01T23:59:59.999'),
  ...over,
});
const ask = (over: Partial<UseAsked> = {}): UseAsked => ({
  departmentId: 'market',
  datasetId: 'persons',
  fields: ['姓名'],
  scenarioId: 'licensing',
  at: sh('2026-09-01T12:00:00'),
  ...over,
});

t.test('allowed within the grant’s fields, scenario and time', async (t) => {
  t.match(checkUse([grant()], ask()), { allowed: true, grant: { number: 'SQ-2026-000001' } });
  t.match(checkUse([grant({ state: 'expiring' })], ask({ fields: ['姓名', '公民身份号码'] })), { allowed: true });
  t.match(checkUse([grant()], ask({ at: sh('2026-12-01T23:59:59.999') })), { allowed: true }, 'through the end of the last day');
});

t.test('denied, with why', async (t) => {
  t.same(checkUse([], ask()), { allowed: false, reason: 'no_grant', grant: null, fieldsOutside: [] });
  t.match(checkUse([grant()], ask({ departmentId: 'police' })), { allowed: false, reason: 'no_grant', grant: null }, 'another department');
  t.match(checkUse([grant()], ask({ scenarioId: 'other' })), { reason: 'no_grant' }, 'another scenario');
  t.match(checkUse([grant()], ask({ fields: ['姓名', '婚姻状况'] })), { reason: 'fields_outside_grant', fieldsOutside: ['婚姻状况'] });
  t.match(checkUse([grant()], ask({ at: sh('2026-12-02T00:00:00') })), { reason: 'expired' }, 'from 00:00 after the last day');
  t.match(checkUse([grant({ state: 'expired' })], ask()), { reason: 'expired' });
  t.match(checkUse([grant({ state: 'suspended' })], ask()), { reason: 'suspended', grant: { id: 'g1' } });
  t.match(checkUse([grant({ state: 'revoked' })], ask()), { reason: 'revoked' });
  t.match(checkUse([grant()], ask({ at: sh('2026-05-31T12:00:00') })), { reason: 'not_yet_valid' });
});

t.test('several grants: a covering one allows; otherwise the most telling reason', async (t) => {
  const old = grant({ id: 'old', number: 'SQ-2026-000001', validTo: sh('2026-10-01T23:59:59.999') });
  const renewal = grant({
    id: 'new',
    number: 'SQ-2026-000090',
    validFrom: sh('2026-09-20T10:00:00'),
    validTo: sh('2027-03-20T23:59:59.999'),
  });
  t.match(
    checkUse([old, renewal], ask({ at: sh('2026-09-25T12:00:00') })),
    { allowed: true, grant: { id: 'new' } },
    'the one lasting longest',
  );
  t.match(
    checkUse([old, renewal], ask({ at: sh('2026-09-10T12:00:00') })),
    { allowed: true, grant: { id: 'old' } },
    'before the renewal starts',
  );
  t.match(checkUse([grant({ id: 'r', state: 'revoked' }), grant({ id: 's', state: 'suspended' })], ask()), {
    reason: 'suspended',
    grant: { id: 's' },
  });
  t.match(checkUse([grant({ id: 'x', state: 'expired' }), grant({ id: 'f', fields: ['姓名'] })], ask({ fields: ['公民身份号码'] })), {
    reason: 'fields_outside_grant',
    grant: { id: 'f' },
  });
});
