import pino from 'pino';
import t from 'tap';
import { systemClock } from '../../src/platform/clock.js';
import { seedRuns } from '../../src/platform/db/schema.js';
import { seedDemoData, type SeedStep } from '../../src/platform/seeding.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';

t.test('demo data is seeded once on an empty database and reused on the next start', async (t) => {
  const { handle: handle } = await openMigratedFreshDatabase(t, 2);

  const ran: string[] = [];
  const steps: SeedStep[] = ['departments', 'catalogue'].map((name) => ({ name, run: async () => void ran.push(name) }));
  const context = { db: handle.db, clock: systemClock, log: pino({ level: 'silent' }) };

  t.equal(await seedDemoData(context, steps), 'seeded');
  t.same(ran, ['departments', 'catalogue'], 'steps run in dependency order');
  t.same((await handle.db.select().from(seedRuns)).map((r) => r.step).sort(), ['catalogue', 'departments']);

  t.equal(await seedDemoData(context, steps), 'reused');
  t.same(ran, ['departments', 'catalogue'], 'nothing runs twice');
});

t.test('a failing step stops seeding and records nothing for itself', async (t) => {
  const { handle: handle } = await openMigratedFreshDatabase(t, 2);
  const context = { db: handle.db, clock: systemClock, log: pino({ level: 'silent' }) };
  const steps: SeedStep[] = [
    { name: 'ok', run: async () => {} },
    {
      name: 'broken',
      run: async () => {
        throw new Error('fixture missing');
      },
    },
  ];
  await t.rejects(seedDemoData(context, steps), /fixture missing/);
  t.same(
    (await handle.db.select().from(seedRuns)).map((r) => r.step),
    ['ok'],
  );
});
