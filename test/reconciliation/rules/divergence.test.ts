import t from 'tap';
import {
  countByDivergence,
  DIVERGENCES,
  divergenceOfOpenCase,
  divergenceOfRunningWorkflow,
  REPAIR_OF,
  sameView,
  type RepairRecord,
} from '../../../src/reconciliation/rules/divergence.js';

t.test('an open case: its workflow absent, ended, or holding another view', async (t) => {
  t.equal(divergenceOfOpenCase('absent', true), 'workflow_missing');
  t.equal(divergenceOfOpenCase('closed', true), 'workflow_closed');
  t.equal(divergenceOfOpenCase('running', false), 'view_stale');
  t.equal(divergenceOfOpenCase('running', true), null, 'agreeing: nothing to repair');
});

t.test('a running workflow: its case closed or absent in the database', async (t) => {
  t.equal(divergenceOfRunningWorkflow('absent'), 'case_absent');
  t.equal(divergenceOfRunningWorkflow('closed'), 'case_closed');
  t.equal(divergenceOfRunningWorkflow('open'), null);
});

t.test('each divergence has one repair, and the database is never the side changed', async (t) => {
  t.same(Object.keys(REPAIR_OF).sort(), [...DIVERGENCES].sort());
  t.same(
    DIVERGENCES.filter((d) => REPAIR_OF[d] === 'start'),
    ['workflow_not_started', 'workflow_missing', 'workflow_closed'],
  );
  t.equal(REPAIR_OF.case_absent, 'terminate', 'a workflow without a case is ended, the case is not invented');
  t.equal(REPAIR_OF.case_closed, 'refresh', 'a workflow of a closed case reads it again, and ends as the database says');
});

t.test('views compare by content: key order and absent-versus-undefined do not count', async (t) => {
  t.ok(sameView({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }));
  t.ok(sameView({ a: 1, b: undefined }, { a: 1 }));
  t.notOk(sameView({ a: 1, b: null }, { a: 1 }), 'null is a value');
  t.notOk(sameView({ c: [1, 2] }, { c: [2, 1] }), 'array order counts');
  t.notOk(sameView({ clock: { version: 3 } }, { clock: { version: 4 } }));
  t.ok(sameView(null, null));
});

t.test('a run’s repairs counted by divergence', async (t) => {
  const r = (divergence: RepairRecord['divergence']): RepairRecord => ({
    kind: 'request',
    caseId: 'x',
    workflowId: 'request-x',
    divergence,
    repair: REPAIR_OF[divergence],
    done: true,
  });
  t.same(countByDivergence([r('view_stale'), r('view_stale'), r('case_absent')]), { view_stale: 2, case_absent: 1 });
  t.same(countByDivergence([]), {});
});
