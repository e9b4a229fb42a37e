/** The objection's pure rules: the lifecycle, the result of the tasks, tracing through lineage, record keys. */
import t from 'tap';
import { nextObjectionState, partyOfCharge, taskParty, type Position } from '../../../src/objections/rules/lifecycle.js';
import { isCreditCode, isResidentId, recordKeyProblem } from '../../../src/objections/rules/record-key.js';
import { objectionResult } from '../../../src/objections/rules/result.js';
import { tasksOfTrace, traceField, type TracedDataset } from '../../../src/objections/rules/trace.js';

const at = (state: Position['state'], extra: Partial<Position> = {}): Position => ({ state, fused: false, contested: false, ...extra });

t.test('the lifecycle: acceptance leads to tracing only for fused data; a contest once; a sustained contest verifies again', async (t) => {
  t.same(nextObjectionState(at('submitted'), 'accept', 'center'), { ok: true, to: 'verifying' });
  t.same(nextObjectionState(at('submitted', { fused: true }), 'accept', 'center'), { ok: true, to: 'tracing' });
  t.same(nextObjectionState(at('submitted'), 'reject', 'center'), { ok: true, to: 'rejected_out_of_scope' });
  t.match(nextObjectionState(at('submitted'), 'accept', 'owner'), { ok: false, code: 'objection_wrong_party' });
  t.match(nextObjectionState(at('verifying'), 'accept', 'center'), { ok: false, code: 'objection_state_conflict' });
  t.same(nextObjectionState(at('verifying'), 'conclude', 'system', { result: 'partially_corrected' }), {
    ok: true,
    to: 'partially_corrected',
  });
  t.same(nextObjectionState(at('corrected'), 'give_feedback', 'center'), { ok: true, to: 'feedback_given' });
  t.same(
    nextObjectionState(at('corrected', { contested: true }), 'give_feedback', 'center'),
    { ok: true, to: 'archived' },
    'no second contest',
  );
  t.same(nextObjectionState(at('feedback_given'), 'contest', 'objector'), { ok: true, to: 'contested' });
  t.match(nextObjectionState(at('feedback_given', { contested: true }), 'contest', 'objector'), {
    ok: false,
    code: 'objection_state_conflict',
  });
  t.same(nextObjectionState(at('feedback_given'), 'close_contest_window', 'system'), { ok: true, to: 'archived' });
  t.same(nextObjectionState(at('contested'), 'decide_contest', 'center', { sustained: false }), { ok: true, to: 'archived' });
  t.same(nextObjectionState(at('contested'), 'decide_contest', 'center', { sustained: true }), { ok: true, to: 'verifying' });
  t.match(nextObjectionState(at('archived'), 'contest', 'objector'), { ok: false, code: 'objection_state_conflict' });
});

t.test('the result: corrected if every task corrected, confirmed if every task confirmed, else partially corrected', async (t) => {
  t.equal(objectionResult(['corrected', 'corrected']), 'corrected');
  t.equal(objectionResult(['confirmed_accurate']), 'confirmed_accurate');
  t.equal(objectionResult(['corrected', 'confirmed_accurate']), 'partially_corrected');
  t.equal(objectionResult(['corrected', null]), null, 'not while a task is open');
  t.equal(objectionResult([]), null, 'no task, no result');
});

t.test('tracing follows the lineage through fused sources to the origins, one task per owner department', async (t) => {
  const d = (code: string, owner: string, lineage: TracedDataset['lineage'] = []): [string, TracedDataset] => [
    code,
    { id: `id-${code}`, code, name: code, ownerDepartmentId: owner, lineage },
  ];
  // F (fused, owner P) takes 联系电话 from A.手机号 and from B.电话; B (fused, owner Q) takes 电话 from C.电话号码.
  const catalogue = new Map([
    d('F', 'P', [
      { datasetCode: 'A', fieldMap: { 姓名: '姓名', 联系电话: '手机号' } },
      { datasetCode: 'B', fieldMap: { 联系电话: '电话' } },
    ]),
    d('A', 'R'),
    d('B', 'Q', [{ datasetCode: 'C', fieldMap: { 电话: '电话号码' } }]),
    d('C', 'S'),
  ]);
  const hops = traceField(catalogue, 'F', '联系电话');
  t.same(
    hops.map((h) => [h.datasetCode, h.field, h.origin, h.feeds?.datasetCode ?? null]),
    [
      ['F', '联系电话', false, null],
      ['A', '手机号', true, 'F'],
      ['B', '电话', false, 'F'],
      ['C', '电话号码', true, 'B'],
    ],
  );
  t.same(tasksOfTrace(hops), [
    { departmentId: 'R', items: [{ datasetId: 'id-A', datasetCode: 'A', field: '手机号' }] },
    { departmentId: 'S', items: [{ datasetId: 'id-C', datasetCode: 'C', field: '电话号码' }] },
  ]);
  const own = traceField(catalogue, 'F', '备注');
  t.same(
    tasksOfTrace(own),
    [{ departmentId: 'P', items: [{ datasetId: 'id-F', datasetCode: 'F', field: '备注' }] }],
    'a field of its own: the fused owner',
  );
  const cyclic = new Map([
    d('X', 'P', [{ datasetCode: 'Y', fieldMap: { a: 'b' } }]),
    d('Y', 'Q', [{ datasetCode: 'X', fieldMap: { b: 'a' } }]),
  ]);
  t.ok(traceField(cyclic, 'X', 'a').length <= 2, 'a cycle ends');
});

t.test('record keys: identifiers with their check characters', async (t) => {
  t.ok(isResidentId('11010519491231002X'), 'the example of GB 11643');
  t.notOk(isResidentId('110105194912310021'), 'a wrong check digit');
  t.notOk(isResidentId('11010519491331002X'), 'month 13');
  t.ok(isCreditCode('91350100M000100Y43'), 'a valid unified social credit code');
  t.notOk(isCreditCode('91350100M000100Y44'), 'a wrong check character');
  t.notOk(isCreditCode('91350100M000100I43'), 'I is not in the code’s alphabet');
  t.equal(recordKeyProblem(['姓名', '公民身份号码'], '11010519491231002X'), null);
  t.match(recordKeyProblem(['姓名', '公民身份号码'], '123'), /公民身份号码/);
  t.match(recordKeyProblem(['统一社会信用代码', '企业名称'], '11010519491231002X'), /统一社会信用代码/);
  t.equal(recordKeyProblem(['许可证编号'], 'JY13101010001234'), null, 'keyed otherwise: any printable key');
  t.match(recordKeyProblem(['许可证编号'], 'a\u0000b'), /printable/);
});

t.test('a verification task is a party of its own to the engine, and the verifier to the objection', async (t) => {
  t.not(taskParty('a'), taskParty('b'), 'each task clocked and supervised apart');
  t.equal(partyOfCharge(taskParty('a')), 'verifier');
  for (const party of ['center', 'objector', 'owner']) t.equal(partyOfCharge(party), party);
});
