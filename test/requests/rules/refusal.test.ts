import t from 'tap';
import type { ConditionCheck } from '../../../src/catalogue/rules/conditions.js';
import { policyProblems, SHANGHAI_1515, extensionCap, trackDays } from '../../../src/requests/rules/policy.js';
import { refusalProblems, requestNumber, type WrittenExplanation } from '../../../src/requests/rules/refusal.js';

const checks: ConditionCheck[] = [
  { condition: 'requesterLevels', result: 'fail', reason: 'only city-level requesters qualify' },
  { condition: 'allowedPurposes', result: 'needs_review', reason: 'the reviewer judges' },
  { condition: 'maxUsageMonths', result: 'pass', reason: '6 months is within 12' },
];
const explanation = (over: Partial<WrittenExplanation> = {}): WrittenExplanation => ({
  legalBasis: { law: '《上海市公共数据共享管理办法》', article: '第十二条' },
  citedConditions: ['requesterLevels'],
  reasons: '申请部门层级不符合共享条件',
  alternatives: '可由市级部门申请后按规定转交',
  ...over,
});
const track5 = { track: 5 as const, checks, scenarioKind: null, ownerMayRefuse: true };

t.test('a track-5 refusal cites a catalogued condition the request fails', async (t) => {
  t.same(refusalProblems(explanation(), track5), []);
  t.same(
    refusalProblems(explanation({ citedConditions: ['allowedPurposes'] }), track5),
    [],
    'a condition the reviewer had to judge may be cited',
  );
  t.matchOnly(refusalProblems(explanation({ citedConditions: [] }), track5), [/cites a catalogued condition/]);
  t.matchOnly(refusalProblems(explanation({ citedConditions: ['maxUsageMonths'] }), track5), [
    /the request meets "maxUsageMonths" \(6 months is within 12\)/,
  ]);
  t.matchOnly(refusalProblems(explanation({ citedConditions: ['securityCommitmentRequired'] }), track5), [
    /"securityCommitmentRequired" is not a catalogued condition/,
  ]);
});

t.test('legal basis, reasons and alternatives are required; 免申即享 needs a prohibiting law', async (t) => {
  t.matchOnly(refusalProblems(explanation({ legalBasis: { law: ' ' }, reasons: '', alternatives: '' }), track5), [
    /legalBasis/,
    /reasons/,
    /alternatives/,
  ]);
  const noApplication = { ...track5, scenarioKind: 'no_application' };
  t.matchOnly(refusalProblems(explanation(), noApplication), [/免申即享 request is refused only under a law .* explicitly prohibits/]);
  t.same(refusalProblems(explanation({ legalBasis: { law: '《中华人民共和国刑事诉讼法》', prohibitsSharing: true } }), noApplication), []);
  t.matchOnly(refusalProblems(explanation(), { ...track5, track: 15, ownerMayRefuse: false }), [/cannot be refused/]);
  t.same(
    refusalProblems(explanation({ citedConditions: [] }), { ...track5, track: 15 }),
    [],
    'coordination refusals rest on the law, not on conditions',
  );
});

t.test('request numbers and policy profiles', async (t) => {
  t.equal(requestNumber(2026, 123), 'GX-2026-000123');
  t.equal(requestNumber(2027, 1_234_567), 'GX-2027-1234567');
  t.same(policyProblems(SHANGHAI_1515), []);
  t.equal(trackDays(SHANGHAI_1515, 15), 15);
  t.equal(extensionCap(SHANGHAI_1515, 5), 5, 'by default an extension is at most the step’s own length');
  t.equal(extensionCap({ ...SHANGHAI_1515, extensionCapDays: 3 }, 5), 3);
  t.matchOnly(policyProblems({ ...SHANGHAI_1515, trackDays: { track1: 6, track5: 5, track15: 0 }, extensionCapDays: 0 }), [
    /track15: a limit is 1 to 250/,
    /track 1 ≤ track 5 ≤ track 15/,
    /extensionCapDays/,
  ]);
});
