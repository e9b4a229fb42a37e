import t from 'tap';
import type { ConditionCheck } from '../../../src/catalogue/rules/conditions.js';
import { policyProblems, SHANGHAI_1515, extensionCap, trackDays, withSettingDefaults } from '../../../src/requests/rules/policy.js';
import type { LegalCitation } from '../../../src/legal-basis/rules/register.js';
import { refusalProblems, requestNumber, type WrittenExplanation } from '../../../src/requests/rules/refusal.js';

/** Register entries as the register has them (the refuser cannot set these flags). */
const entry = (over: Partial<Extract<LegalCitation, { source: 'register' }>> = {}): LegalCitation => ({
  source: 'register',
  entryId: '00000000-0000-4000-8000-000000000001',
  version: 1,
  kind: 'law',
  title: '《中华人民共和国数据安全法》',
  documentNumber: null,
  article: '第三十八条',
  prohibitsSharing: false,
  inForce: true,
  ...over,
});
const prohibiting = entry({ title: '《中华人民共和国刑事诉讼法》', article: '第二百八十六条', prohibitsSharing: true });
const catalogued: LegalCitation = {
  source: 'catalogue',
  datasetId: '00000000-0000-4000-8000-000000000002',
  datasetVersion: 3,
  title: '《中华人民共和国人民警察法》',
  article: '第二十二条',
};

const checks: ConditionCheck[] = [
  { condition: 'requesterLevels', result: 'fail', reason: 'only city-level requesters qualify' },
  { condition: 'allowedPurposes', result: 'needs_review', reason: 'the reviewer judges' },
  { condition: 'maxUsageMonths', result: 'pass', reason: '6 months is within 12' },
];
const explanation = (over: Partial<WrittenExplanation> = {}): WrittenExplanation => ({
  legalBasis: entry(),
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

t.test('reasons and alternatives are required; a repealed register entry cannot be cited', async (t) => {
  t.matchOnly(refusalProblems(explanation({ reasons: ' ', alternatives: '' }), track5), [/reasons/, /alternatives/]);
  t.matchOnly(refusalProblems(explanation({ legalBasis: entry({ inForce: false }) }), track5), [
    /《中华人民共和国数据安全法》第三十八条 is no longer in force/,
  ]);
  t.same(refusalProblems(explanation({ legalBasis: catalogued, citedConditions: [] }), { ...track5, track: 15 }), []);
  t.matchOnly(refusalProblems(explanation(), { ...track5, track: 15, ownerMayRefuse: false }), [/cannot be refused/]);
  t.same(
    refusalProblems(explanation({ citedConditions: [] }), { ...track5, track: 15 }),
    [],
    'coordination refusals rest on the law, not on conditions',
  );
});

t.test('免申即享: refused only under a register entry marked as explicitly prohibiting', async (t) => {
  const noApplication = { ...track5, scenarioKind: 'no_application' };
  t.same(refusalProblems(explanation({ legalBasis: prohibiting }), noApplication), []);
  t.matchOnly(refusalProblems(explanation(), noApplication), [
    /免申即享 request is refused only under .* the legal-basis register marks as explicitly prohibiting/,
  ]);
  // The owner's own catalogued basis is not the register's word, whatever the catalogue says.
  t.matchOnly(refusalProblems(explanation({ legalBasis: catalogued, citedConditions: [] }), { ...noApplication, track: 15 }), [/免申即享/]);
  t.matchOnly(
    refusalProblems(
      explanation({ legalBasis: entry({ title: '《中华人民共和国刑事诉讼法》', prohibitsSharing: true, inForce: false }) }),
      noApplication,
    ),
    [/no longer in force/],
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

t.test('the handover grace: one working day by default, 1 to 250, and the default for versions written before it', async (t) => {
  t.equal(SHANGHAI_1515.handoverGraceDays, 1);
  t.matchOnly(policyProblems({ ...SHANGHAI_1515, handoverGraceDays: 0 }), [/handoverGraceDays: a limit is 1 to 250/]);
  const { handoverGraceDays: _omitted, ...older } = SHANGHAI_1515;
  t.equal(withSettingDefaults(older).handoverGraceDays, 1);
  t.equal(withSettingDefaults({ ...older, handoverGraceDays: 3 }).handoverGraceDays, 3);
});
