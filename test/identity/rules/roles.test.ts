import t from 'tap';
import {
  departmentProblems,
  PRIVILEGED_ROLES,
  roleAssignmentProblems,
  ROLES,
  rolesBeyondGrant,
  type Role,
} from '../../../src/identity/rules/roles.js';

const kinds = {
  center: { isDataCenter: true, isCompetentAuthority: false },
  authority: { isDataCenter: false, isCompetentAuthority: true },
  ordinary: { isDataCenter: false, isCompetentAuthority: false },
};

// Which role each kind of department may hold, alone.
const allowed: Record<keyof typeof kinds, Role[]> = {
  center: ['requester', 'reviewer', 'dept_admin', 'center_operator', 'center_admin', 'auditor'],
  authority: ['requester', 'reviewer', 'dept_admin', 'supervisor', 'auditor'],
  ordinary: ['requester', 'reviewer', 'dept_admin'],
};

t.test('every role alone, in every kind of department', async (t) => {
  for (const [kind, department] of Object.entries(kinds) as [keyof typeof kinds, (typeof kinds)['center']][]) {
    for (const role of ROLES) {
      const problems = roleAssignmentProblems(department, [role]);
      t.equal(problems.length === 0, allowed[kind].includes(role), `${role} in ${kind}`);
    }
  }
});

t.test('an auditor holds no other role; roles are known, distinct and at least one', async (t) => {
  t.matchOnly(roleAssignmentProblems(kinds.center, ['auditor', 'center_admin']), [{ role: 'auditor', problem: /holds no other role/ }]);
  t.matchOnly(roleAssignmentProblems(kinds.ordinary, ['requester', 'requester']), [{ role: 'requester', problem: 'role listed twice' }]);
  t.matchOnly(roleAssignmentProblems(kinds.ordinary, ['owner']), [{ role: 'owner', problem: /unknown role/ }]);
  t.matchOnly(roleAssignmentProblems(kinds.ordinary, []), [{ role: '', problem: /at least one role/ }]);
  t.same(roleAssignmentProblems(kinds.ordinary, ['requester', 'reviewer', 'dept_admin']), []);
  t.same(roleAssignmentProblems(kinds.center, ['center_operator', 'center_admin', 'requester']), []);
});

t.test('department hierarchy and flags', async (t) => {
  const city = { isDataCenter: false, isCompetentAuthority: false, level: 'city' as const };
  t.same(departmentProblems(city), []);
  t.same(departmentProblems({ ...city, level: 'district' }), [], 'a district may stand alone');
  t.same(departmentProblems({ ...city, level: 'district', parentLevel: 'city' }), []);
  t.same(departmentProblems({ ...city, level: 'street', parentLevel: 'district' }), []);
  t.match(departmentProblems({ ...city, level: 'street' }), [/street office has a district parent/]);
  t.match(departmentProblems({ ...city, level: 'street', parentLevel: 'city' }), [/street office has a district parent/]);
  t.same(
    departmentProblems({ ...city, level: 'district', parentLevel: 'district' }),
    [],
    'a district bureau under its district government',
  );
  t.match(departmentProblems({ ...city, level: 'district', parentLevel: 'street' }), [/cannot sit under a street office/]);
  t.match(departmentProblems({ ...city, parentLevel: 'city' }), [/city department has no parent/]);
  t.match(departmentProblems({ ...city, isDataCenter: true, isCompetentAuthority: true }), [/cannot be both/]);
  t.match(departmentProblems({ ...city, level: 'district', isDataCenter: true }), [/city-level departments/]);
});

t.test('only the center administrator grants privileged roles; anyone may keep or drop them', async (t) => {
  for (const granter of ROLES) {
    for (const role of ROLES) {
      const beyond = rolesBeyondGrant([granter], [], [role]);
      const expected = granter !== 'center_admin' && PRIVILEGED_ROLES.includes(role);
      t.equal(beyond.length > 0, expected, `${granter} grants ${role}`);
    }
  }
  t.same(rolesBeyondGrant(['dept_admin'], ['supervisor'], ['supervisor', 'requester']), [], 'a role already held is not granted again');
  t.same(rolesBeyondGrant(['dept_admin'], ['supervisor'], ['requester']), [], 'dropping is not granting');
  t.same(rolesBeyondGrant(['dept_admin'], ['dept_admin'], ['dept_admin', 'supervisor', 'auditor']), ['supervisor', 'auditor']);
});
