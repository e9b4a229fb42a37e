import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadCalendar } from '../../src/calendar/service.js';
import * as scenarios from '../../src/catalogue/scenarios.js';
import * as catalogue from '../../src/catalogue/service.js';
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/platform/db/client.js';
import { requests, slaClocks } from '../../src/platform/db/schema.js';
import type { DatasetContent } from '../../src/catalogue/rules/dataset.js';
import { endOfShanghaiDay } from '../../src/calendar/rules/working-days.js';
import { createDraft, fileRequest, type DraftInput } from '../../src/requests/filing.js';
import { currentCommitment } from '../../src/requests/policy.js';
import type { ActionActor } from '../../src/requests/rules/actions.js';
import type { UserRow } from '../../src/identity/service.js';
import { actingAs, createTestWorld } from './identity.js';
import { REAL_INSTRUMENTS } from '../../src/legal-basis/index.js';
import { addLegalBasis } from '../../src/legal-basis/service.js';

const fields = (...names: string[]) => names.map((name) => ({ name, type: 'string', description: '', sensitivity: 'internal' as const }));

/**
 * A world with a catalogue to request from: the police (owner) publish a conditional and an
 * unconditional dataset, both aggregated by the center, and a not-aggregated one; a key-work
 * scenario covers part of the conditional one.
 */
export async function createRequestWorld(db: Db) {
  const world = await createTestWorld(db);
  const as = actingAs(db, world);
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const publish = async (code: string, content: DatasetContent, aggregated: boolean) => {
    const row = await catalogue.createDataset(as(world.policeReviewer), { code: `RQ-${tag}-${code}`, ...content });
    await catalogue.moveDataset(as(world.policeReviewer), row.id, 'published');
    if (aggregated) await catalogue.setAggregation(as(world.centerAdmin), row.id, true, '已归集');
    return row;
  };
  const base = { description: '', libraryKind: 'thematic' as const, updateFrequency: '每日', sourceSystem: '人口系统' };
  const conditional = await publish(
    'HJ',
    {
      ...base,
      name: `户籍登记信息${tag}`,
      fields: fields('姓名', '公民身份号码', '户籍地址', '婚姻状况'),
      sharingType: 'conditional',
      conditions: { requesterLevels: ['city'], restrictedFields: ['婚姻状况'], maxUsageMonths: 12, securityCommitmentRequired: true },
    },
    true,
  );
  const unconditional = await publish(
    'RK',
    { ...base, name: `人口基本信息${tag}`, fields: fields('姓名', '性别'), sharingType: 'unconditional' },
    true,
  );
  const notAggregated = await publish(
    'CL',
    { ...base, name: `车辆登记信息${tag}`, fields: fields('号牌号码'), sharingType: 'unconditional' },
    false,
  );
  const notShareable = await publish(
    'ZC',
    {
      ...base,
      name: `侦查案件信息${tag}`,
      fields: fields('案件编号'),
      sharingType: 'not_shareable',
      legalBasis: { law: '《中华人民共和国刑事诉讼法》', prohibitsSharing: true },
    },
    true,
  );
  const scenario = await scenarios.createScenario(as(world.centerAdmin), {
    name: `企业开办一件事${tag}`,
    kind: 'one_network_service',
    leadDepartmentId: world.market.id,
    description: '',
    validFrom: '2020-01-01',
    validTo: null,
    coverage: [{ datasetCode: conditional.code, fields: ['姓名', '公民身份号码'] }],
  });
  await scenarios.setKeyListMembership(as(world.centerAdmin), scenario.id, true, '列入重点工作');
  // Two register entries, curated by the competent authority: one explicitly prohibits, one does not.
  const instrument = (title: string) => REAL_INSTRUMENTS.find((i) => i.title === title)!;
  const legalBases = {
    prohibiting: await addLegalBasis(as(world.supervisor), instrument('《中华人民共和国刑事诉讼法》')),
    permissive: await addLegalBasis(as(world.supervisor), instrument('《中华人民共和国数据安全法》')),
  };
  return { ...world, as, tag, conditional, unconditional, notAggregated, notShareable, scenario, legalBases };
}

export type RequestWorld = Awaited<ReturnType<typeof createRequestWorld>>;

export const draftFor = (datasetId: string, overrides: Partial<DraftInput> = {}): DraftInput => ({
  datasetId,
  fields: ['姓名', '公民身份号码'],
  purpose: '核验企业法定代表人身份',
  usageMonths: 6,
  deliveryMethod: 'interface',
  securityCommitmentAccepted: true,
  ...overrides,
});

/** Saves and files a draft as the world's market requester at the given instant. */
export async function fileAs(db: Db, world: RequestWorld, user: UserRow, draft: DraftInput, at: Date, policyName?: string) {
  const ctx = { ...world.as(user), now: at };
  const saved = await createDraft(ctx, draft);
  const { version } = await currentCommitment(db);
  return fileRequest(ctx, saved.id, { version, accepted: true }, policyName);
}

/** The Temporal handle the API uses, on a time-skipping test server. */
export function temporalOf(env: TestWorkflowEnvironment) {
  return { client: env.client, connection: env.connection, ping: async () => {}, close: async () => {} };
}

/** How a user appears to a request's workflow. */
export function updateActor(world: RequestWorld, user: UserRow, party: ActionActor['party']): ActionActor {
  const role = user.roles[0]! as ActionActor['role'];
  return { userId: user.id, departmentId: user.departmentId, role, party, httpRequestId: null };
}

const DAY = 24 * 60 * 60 * 1000;
const SHANGHAI = 8 * 60 * 60 * 1000;
const isoDate = (ms: number) => new Date(ms + SHANGHAI).toISOString().slice(0, 10);

/**
 * Skips the test server's time to 10:00 Asia/Shanghai on the next Monday that starts `weeks`
 * ordinary weeks (Monday–Friday working, weekend off, no holidays or make-up days), so a test
 * can state its deadlines to the day. Returns that instant and a helper naming dates by offset.
 */
export async function skipToPlainMonday(
  env: TestWorkflowEnvironment,
  db: Db,
  weeks = 4,
): Promise<{ at: Date; day: (offset: number) => string; endOf: (offset: number) => Date }> {
  const calendar = await loadCalendar(db);
  const now = await env.currentTimeMs();
  for (let ms = now + DAY; ; ms += DAY) {
    const date = isoDate(ms);
    if (new Date(`${date}T00:00:00Z`).getUTCDay() !== 1) continue;
    const base = Date.parse(`${date}T00:00:00Z`);
    const plain = Array.from({ length: weeks * 7 }, (_, i) => i).every((i) => calendar.isWorkingDay(isoDate(base + i * DAY)) === i % 7 < 5);
    if (!plain) continue;
    const at = new Date(base + 10 * 60 * 60 * 1000 - SHANGHAI);
    await env.sleep(at.getTime() - (await env.currentTimeMs()));
    // Under load the test server can run on past the sleep's end to the next timer of a workflow
    // left by an earlier test (seen once: four days on, to a Friday deadline); then take the next such Monday.
    if ((await env.currentTimeMs()) - at.getTime() > 60 * 60 * 1000) return skipToPlainMonday(env, db, weeks);
    const day = (offset: number) => isoDate(base + offset * DAY);
    return { at, day, endOf: (offset: number) => endOfShanghaiDay(day(offset)) };
  }
}

/** Polls until `read` returns a value (the worker acts asynchronously to the test). */
export async function waitFor<T>(read: () => Promise<T | undefined>, what: string, seconds = 15): Promise<T> {
  for (let i = 0; i < seconds * 20; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The request's row with its step's clock as lists show it (the deadline, breach and supervision live on the clock). */
export async function requestWithClock(db: Db, id: string) {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  const [clock] = row!.clockId ? await db.select().from(slaClocks).where(eq(slaClocks.id, row!.clockId)) : [];
  return {
    ...row!,
    deadlineAt: clock?.deadlineAt ?? null,
    deadlineDate: clock?.deadlineDate ?? null,
    overdue: clock?.outcome === 'breached',
    supervisionLevel: clock?.supervisionLevel ?? 0,
  };
}
