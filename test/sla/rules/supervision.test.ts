import t from 'tap';
import { mayReplyToSupervision, supervisionReplyRole } from '../../../src/sla/rules/supervision.js';

const notice = { responsibleDepartmentId: 'police', reply: null };

t.test('the responsible department answers, as its reviewer, center operator or administrator', async (t) => {
  t.equal(supervisionReplyRole({ departmentId: 'police', roles: ['reviewer'] }, notice), 'reviewer');
  t.equal(supervisionReplyRole({ departmentId: 'police', roles: ['requester', 'dept_admin'] }, notice), 'dept_admin');
  t.equal(supervisionReplyRole({ departmentId: 'police', roles: ['requester'] }, notice), null, 'a requester does not');
  t.equal(supervisionReplyRole({ departmentId: 'market', roles: ['reviewer'] }, notice), null, 'another department does not');
});

t.test('a notice awaits an answer once', async (t) => {
  const reviewer = { departmentId: 'police', roles: ['reviewer'] as const };
  t.equal(mayReplyToSupervision(reviewer, notice), true);
  t.equal(mayReplyToSupervision(reviewer, { ...notice, reply: '已办结' }), false);
});
