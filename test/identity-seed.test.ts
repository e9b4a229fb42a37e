import pino from 'pino';
import t from 'tap';
import { systemClock } from '../src/clock.js';
import { seedDemoData } from '../src/demo/seed.js';
import { demoSeedSteps } from '../src/demo/steps.js';
import { verifyLedger } from '../src/audit/ledger.js';
import { DEMO_USERS, readDepartmentsFixture } from '../src/identity/seed.js';
import { findUserByUsername, listDepartments } from '../src/identity/service.js';
import { openMigratedFreshDatabase } from './helpers/db.js';

t.test('the demo seed creates every fixture department (parents first) and the demo users, audited', async (t) => {
  const { handle: handle } = await openMigratedFreshDatabase(t, 2);

  t.equal(await seedDemoData({ db: handle.db, clock: systemClock, log: pino({ level: 'silent' }) }, demoSeedSteps), 'seeded');
  const fixture = readDepartmentsFixture();
  const departments = await listDepartments(handle.db, {});
  t.equal(departments.length, fixture.length);
  const byCode = new Map(departments.map((d) => [d.code, d]));
  for (const f of fixture.filter((d) => d.parent)) {
    t.equal(byCode.get(f.code)?.parentId, byCode.get(f.parent!)?.id, `${f.code} sits under ${f.parent}`);
  }
  t.equal(byCode.get('SH-DSC')?.isDataCenter, true);
  t.equal(byCode.get('SH-DATA')?.isCompetentAuthority, true);
  for (const u of DEMO_USERS) {
    const user = await findUserByUsername(handle.db, u.username);
    t.same(user?.roles, u.roles, u.username);
    t.equal(user?.departmentId, byCode.get(u.department)?.id);
  }
  const ledger = await verifyLedger(handle.db);
  t.equal(ledger.valid, true);
  t.equal(ledger.checked, fixture.length + DEMO_USERS.length, 'one audit entry per created record');
  t.equal(await seedDemoData({ db: handle.db, clock: systemClock, log: pino({ level: 'silent' }) }, demoSeedSteps), 'reused');
});
