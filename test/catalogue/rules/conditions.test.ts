import t from 'tap';
import {
  conditionProblems,
  evaluateConditions,
  overallResult,
  preCheckResult,
  type DraftRequest,
  type SharingConditions,
} from '../../../src/catalogue/rules/conditions.js';

const draft: DraftRequest = {
  requester: { departmentCode: 'SH-HRSS', level: 'city' },
  fields: ['姓名', '社保缴纳月份'],
  scenarioId: 'scn-1',
  purpose: null,
  legalBasis: '《社会保险法》第七十二条',
  usageMonths: 12,
  securityCommitmentAccepted: true,
};

const resultOf = (conditions: SharingConditions, d: Partial<DraftRequest> = {}) =>
  Object.fromEntries(evaluateConditions(conditions, { ...draft, ...d }).map((c) => [c.condition, c.result]));

t.test('each condition: pass and fail, with the reason', async (t) => {
  t.same(resultOf({ requesterDepartments: ['SH-HRSS', 'SH-AMR'] }), { requesterDepartments: 'pass' });
  t.same(resultOf({ requesterDepartments: ['SH-AMR'] }), { requesterDepartments: 'fail' });
  t.same(resultOf({ requesterLevels: ['city'] }), { requesterLevels: 'pass' });
  t.same(resultOf({ requesterLevels: ['city'] }, { requester: { departmentCode: 'SH-CN', level: 'district' } }), {
    requesterLevels: 'fail',
  });
  t.same(resultOf({ restrictedFields: ['身份证号'] }), { restrictedFields: 'pass' });
  t.same(resultOf({ restrictedFields: ['姓名'] }), { restrictedFields: 'fail' });
  t.same(resultOf({ maxUsageMonths: 12 }), { maxUsageMonths: 'pass' });
  t.same(resultOf({ maxUsageMonths: 6 }), { maxUsageMonths: 'fail' });
  t.same(resultOf({ maxUsageMonths: 6 }, { usageMonths: null }), { maxUsageMonths: 'fail' }, 'no period given');
  t.same(resultOf({ securityCommitmentRequired: true }), { securityCommitmentRequired: 'pass' });
  t.same(resultOf({ securityCommitmentRequired: true }, { securityCommitmentAccepted: false }), { securityCommitmentRequired: 'fail' });
  const [restricted] = evaluateConditions({ restrictedFields: ['姓名', '身份证号'] }, draft);
  t.equal(restricted!.reason, 'restricted fields requested: 姓名');
});

t.test('a legal basis, when required, is checked by a person; missing it fails', async (t) => {
  t.same(resultOf({ legalBasisRequired: true }), { legalBasisRequired: 'needs_review' });
  t.same(resultOf({ legalBasisRequired: true }, { legalBasis: '  ' }), { legalBasisRequired: 'fail' });
  t.same(resultOf({ legalBasisRequired: false }), {}, 'a condition not stated is not listed');
});

t.test('scenarios pass by id; a described purpose needs a person; neither fails', async (t) => {
  t.same(resultOf({ allowedScenarios: ['scn-1'] }), { allowedScenarios: 'pass' });
  t.same(resultOf({ allowedScenarios: ['scn-2'] }), { allowedScenarios: 'fail' });
  t.same(resultOf({ allowedScenarios: ['scn-2'], allowedPurposes: ['就业补贴审核'] }, { purpose: '核验就业补贴申领人参保情况' }), {
    allowedPurposes: 'needs_review',
  });
  t.same(resultOf({ allowedPurposes: ['就业补贴审核'] }, { scenarioId: null, purpose: null }), { allowedPurposes: 'fail' });
  t.same(resultOf({ allowedScenarios: ['scn-1'], allowedPurposes: ['x'] }), { allowedScenarios: 'pass' });
});

t.test('the overall result: any fail fails, else any review needs review, else pass', async (t) => {
  t.equal(overallResult(evaluateConditions({ requesterLevels: ['city'], maxUsageMonths: 24 }, draft)), 'pass');
  t.equal(overallResult(evaluateConditions({ requesterLevels: ['city'], legalBasisRequired: true }, draft)), 'needs_review');
  t.equal(overallResult(evaluateConditions({ legalBasisRequired: true, maxUsageMonths: 3 }, draft)), 'fail');
  t.equal(overallResult([]), 'pass');
});

t.test('conditions are checked when catalogued: at least one, known fields, sane limits', async (t) => {
  const fields = ['姓名', '身份证号'];
  t.match(conditionProblems({}, fields), [{ condition: undefined, problem: /at least one condition/ }]);
  t.match(conditionProblems({ legalBasisRequired: false, restrictedFields: [] }, fields), [{ problem: /at least one condition/ }]);
  t.match(conditionProblems({ restrictedFields: ['住址'] }, fields), [
    { condition: 'restrictedFields', problem: /restricted field "住址" is not a field/ },
  ]);
  t.match(conditionProblems({ maxUsageMonths: 0 }, fields), [{ condition: 'maxUsageMonths', problem: /1 to 120 months/ }]);
  t.match(conditionProblems({ requesterLevels: ['province' as 'city'] }, fields), [
    { condition: 'requesterLevels', problem: /unknown department level "province"/ },
  ]);
  t.same(conditionProblems({ restrictedFields: ['身份证号'], maxUsageMonths: 12 }, fields), []);
});

t.test('data catalogued not shareable always needs a person: a coordination decides', async (t) => {
  t.equal(preCheckResult('not_shareable', []), 'needs_review');
  t.equal(preCheckResult('unconditional', []), 'pass');
  t.equal(preCheckResult('conditional', [{ condition: 'restrictedFields', result: 'fail', reason: 'x' }]), 'fail');
});
