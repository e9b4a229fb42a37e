import t from 'tap';
import { checkUse, type CheckedGrant } from '../../../src/grants/rules/check.js';
import { flaggedAttempt } from '../../../src/grants/rules/usage.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const grant: CheckedGrant = {
  id: 'g1',
  number: 'SQ-2026-000001',
  requesterDepartmentId: 'market',
  datasetId: 'persons',
  scenarioId: null,
  fields: ['姓名'],
  state: 'active',
  validFrom: sh('2026-06-01T10:00:00'),
  validTo: sh('2026-12-01T23:59:59.999'),
};
const asked = (fields: string[], at: string, departmentId = 'market') => ({
  departmentId,
  datasetId: 'persons',
  fields,
  scenarioId: null,
  at: sh(at),
});
const attempt = (fields: string[], at: string, departmentId?: string) => {
  const use = asked(fields, at, departmentId);
  return flaggedAttempt(checkUse([grant], use), use);
};

t.test('an allowed check is use, not an attempt', async (t) => {
  t.equal(attempt(['姓名'], '2026-09-01T10:00:00'), null);
});

t.test('attempts outside the grant: one key per grant and Shanghai day', async (t) => {
  const a = attempt(['姓名', '婚姻状况'], '2026-09-01T09:00:00');
  const b = attempt(['公民身份号码'], '2026-09-01T23:59:00');
  t.same(a, { key: 'grant:g1:2026-09-01', reason: 'fields_outside_grant', grantId: 'g1', day: '2026-09-01' });
  t.equal(b?.key, a?.key, 'the same day: the same notice');
  t.equal(attempt(['婚姻状况'], '2026-09-02T00:00:00')?.key, 'grant:g1:2026-09-02', 'the next Shanghai day: another');
  t.match(attempt(['姓名'], '2026-12-02T08:00:00'), { reason: 'expired', key: 'grant:g1:2026-12-02' }, 'use after expiry');
});

t.test('without a grant: one key per department, dataset and day', async (t) => {
  t.same(attempt(['姓名'], '2026-09-01T10:00:00', 'police'), {
    key: 'department:police:dataset:persons:2026-09-01',
    reason: 'no_grant',
    grantId: null,
    day: '2026-09-01',
  });
});
