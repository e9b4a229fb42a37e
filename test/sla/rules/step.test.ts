/**
 * What falls due next on a clocked step (DESIGN.md, the SLA clock): the reminder at 00:00
 * (Asia/Shanghai) on the deadline date, the breach just after the deadline, level 2 at its
 * instant after a level-1 breach — and nothing on a stopped step.
 */
import t from 'tap';
import { dueEvents, nextWake, schedule, type ClockedStep } from '../../../src/sla/rules/step.js';

const DEADLINE = Date.parse('2026-12-04T15:59:59.999Z'); // the end of Friday 4 Dec in Shanghai
const MIDNIGHT = Date.parse('2026-12-03T16:00:00.000Z'); // 00:00 Friday in Shanghai
const LEVEL_TWO = Date.parse('2026-12-11T15:59:59.999Z');

const step = (over: Partial<ClockedStep> = {}): ClockedStep => ({
  clockId: 'c1',
  version: 1,
  state: 'running',
  deadline: new Date(DEADLINE).toISOString(),
  deadlineDate: '2026-12-04',
  chargedParty: 'owner',
  overdue: false,
  supervisionLevel: 0,
  levelTwoAt: null,
  remindedFor: null,
  extension: 'none',
  ...over,
});
const names = (events: { event: string }[]) => events.map((e) => e.event);

t.test('a running step: reminder at 00:00 on the deadline date, then the breach just after the deadline', async (t) => {
  const wednesday = MIDNIGHT - 36 * 3600_000;
  t.same(schedule(step(), wednesday), [
    { event: 'remind', at: MIDNIGHT },
    { event: 'breach', at: DEADLINE + 1 },
  ]);
  t.same(dueEvents(step(), wednesday), [], 'nothing due before the deadline date');
  t.equal(nextWake(step(), wednesday), MIDNIGHT);
  t.same(names(dueEvents(step(), MIDNIGHT)), ['remind'], 'the reminder at 00:00');
  t.same(names(dueEvents(step(), DEADLINE)), ['remind'], 'on the deadline instant it is still only due today');
  const reminded = step({ remindedFor: new Date(DEADLINE).toISOString() });
  t.equal(nextWake(reminded, MIDNIGHT + 1), DEADLINE + 1, 'once reminded, the next wake is the breach');
  t.same(names(dueEvents(step(), DEADLINE + 1)), ['breach'], 'past the deadline the reminder is moot');
  t.equal(nextWake(step(), DEADLINE + 5000), DEADLINE + 5000, 'a late wake runs the breach at once');
});

t.test('a step breached outside its workflow (a correction) is supervised at once', async (t) => {
  const breached = step({ overdue: true, remindedFor: new Date(DEADLINE).toISOString() });
  t.same(dueEvents(breached, DEADLINE + 3600_000), [{ event: 'breach', at: DEADLINE + 1 }]);
});

t.test('level 2 falls due at its instant after a level-1 breach, paused or not', async (t) => {
  const levelOne = { overdue: true, supervisionLevel: 1, levelTwoAt: new Date(LEVEL_TWO).toISOString() };
  t.equal(nextWake(step(levelOne), DEADLINE + 1), LEVEL_TWO);
  t.same(dueEvents(step(levelOne), LEVEL_TWO - 1), []);
  t.same(dueEvents(step(levelOne), LEVEL_TWO), [{ event: 'level_two', at: LEVEL_TWO }]);
  t.same(names(dueEvents(step({ ...levelOne, state: 'paused' }), LEVEL_TWO)), ['level_two'], 'a supplement pause does not stop level 2');
  t.same(dueEvents(step({ ...levelOne, supervisionLevel: 2 }), LEVEL_TWO + 1), [], 'level 2 once');
  t.same(dueEvents(step({ ...levelOne, overdue: false }), LEVEL_TWO), [], 'a superseded breach escalates no further');
});

t.test('a paused step neither reminds nor breaches; a stopped step has nothing due', async (t) => {
  t.same(schedule(step({ state: 'paused' }), DEADLINE + 1), []);
  t.same(
    schedule(step({ state: 'stopped', overdue: true, supervisionLevel: 1, levelTwoAt: new Date(LEVEL_TWO).toISOString() }), LEVEL_TWO),
    [],
  );
  t.equal(nextWake(step({ state: 'stopped' }), 0), null);
});

t.test('an expiring step (a supplement) is only reminded', async (t) => {
  t.same(schedule(step(), MIDNIGHT, false), [{ event: 'remind', at: MIDNIGHT }]);
  t.same(dueEvents(step(), DEADLINE + 1, false), [], 'its end is the lapse, which the case runs itself');
  t.equal(nextWake(step({ remindedFor: new Date(DEADLINE).toISOString() }), MIDNIGHT, false), null);
});

t.test('a step received overdue (a late handover) is charged to its new party only after the grace period', async (t) => {
  const GRACE = Date.parse('2026-12-07T15:59:59.999Z'); // the end of Monday 7 Dec: one working day after Friday
  const handedOver = step({
    chargedParty: 'center',
    overdue: true,
    remindedFor: new Date(DEADLINE).toISOString(),
    graceUntil: new Date(GRACE).toISOString(),
  });
  const saturday = DEADLINE + 12 * 3600_000;
  t.same(schedule(handedOver, saturday), [{ event: 'breach', at: GRACE + 1 }], 'not at once, although the step is overdue');
  t.same(dueEvents(handedOver, GRACE), [], 'the grace lasts to its end');
  t.same(names(dueEvents(handedOver, GRACE + 1)), ['breach']);
  t.same(
    schedule({ ...handedOver, overdue: false, remindedFor: null }, saturday - 24 * 3600_000),
    [
      { event: 'remind', at: MIDNIGHT },
      { event: 'breach', at: DEADLINE + 1 },
    ],
    'once the breach is superseded (an extension), the party is back on the deadline',
  );
  t.same(schedule({ ...handedOver, supervisionLevel: 1, levelTwoAt: new Date(LEVEL_TWO).toISOString() }, GRACE + 2), [
    { event: 'level_two', at: LEVEL_TWO },
  ]);
});
