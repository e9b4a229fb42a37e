/**
 * The load: what the demo's people and the exchange do, concurrently, through both API processes.
 * - filers: a requester saves a draft and files it under an Idempotency-Key; one filing in ten is
 *   sent twice at once to both processes (a double click behind a load balancer), one in ten is
 *   sent again after its answer (a client retrying); every answer under a key must name the same
 *   request and number;
 * - deciders: the owner's reviewer opens a filed track-5 request and approves or refuses it (a
 *   refusal cites the restricted field it asks for and a legal basis of the register); a 503 is
 *   retried with the same key after its Retry-After, and the request read again to see whether it
 *   took effect;
 * - checkers: the exchange gateway asks `POST /exchange/checks` with its service key, allowed and
 *   denied cases;
 * - readers: the center, the supervisor and departments read the dashboard.
 * Every answer is recorded (stats.ts); an answer the platform should not give is listed in
 * `unexpected`.
 */
import type { Answer, Api } from './client.js';
import type { Recorder } from './stats.js';

export interface Plan {
  requester: string;
  dataset: string;
  fields: string[];
  legalBasis?: string;
  /** The track routing must choose, and for track 5 what the owner's reviewer decides. */
  track: 1 | 5;
  decision?: { by: string; kind: 'approve' | 'refuse' };
}

/** Requests of the demo's requesters on the demo catalogue (src/catalogue/seed.ts). */
export const PLANS: Plan[] = [
  {
    requester: 'psb.requester',
    dataset: 'HRSS-SB-001',
    fields: ['姓名', '缴费月份'],
    track: 5,
    decision: { by: 'hrss.reviewer', kind: 'approve' },
  },
  {
    requester: 'amr.requester',
    dataset: 'CA-DB-002',
    fields: ['姓名', '保障类别'],
    track: 5,
    decision: { by: 'ca.reviewer', kind: 'approve' },
  },
  {
    requester: 'hrss.requester',
    dataset: 'EDU-XJ-001',
    fields: ['姓名', '学校名称'],
    track: 5,
    decision: { by: 'edu.reviewer', kind: 'approve' },
  },
  // Restricted fields (不共享数据项): the owner refuses, citing the condition.
  {
    requester: 'psb.requester',
    dataset: 'HRSS-SB-001',
    fields: ['姓名', '缴费基数'],
    track: 5,
    decision: { by: 'hrss.reviewer', kind: 'refuse' },
  },
  {
    requester: 'amr.requester',
    dataset: 'HSA-CB-001',
    fields: ['姓名', '参保状态'],
    track: 5,
    decision: { by: 'hsa.reviewer', kind: 'approve' },
  },
  {
    requester: 'hrss.requester',
    dataset: 'PSB-HJ-002',
    fields: ['姓名', '迁入日期'],
    legalBasis: '《上海市公共数据管理办法》第二十条',
    track: 5,
    decision: { by: 'psb.reviewer', kind: 'approve' },
  },
  {
    requester: 'amr.requester',
    dataset: 'HA-BDC-001',
    fields: ['姓名', '坐落'],
    legalBasis: '《不动产登记暂行条例》第二十七条',
    track: 5,
    decision: { by: 'ha.reviewer', kind: 'refuse' },
  },
  // Unconditional and aggregated: track 1, the center provisions; no owner decision.
  { requester: 'hrss.requester', dataset: 'AMR-FR-001', fields: ['统一社会信用代码', '企业名称'], track: 1 },
];

export const USERS = [
  'psb.requester',
  'amr.requester',
  'hrss.requester',
  'hrss.reviewer',
  'ca.reviewer',
  'edu.reviewer',
  'hsa.reviewer',
  'psb.reviewer',
  'ha.reviewer',
  'dsc.admin',
  'dsc.operator',
  'data.supervisor',
];

export interface World {
  tokens: Map<string, string>;
  departmentOf: Map<string, string>;
  commitmentVersion: number;
  datasets: Map<string, string>;
  legalBasisId: string;
  serviceClientId: string;
  serviceKey: string;
  checks: { body: { departmentId: string; datasetId: string; fields: string[] }; allowed: boolean }[];
}

export interface Filing {
  id: string;
  number: string;
  key: string;
  requester: string;
  track: number;
  /** Every answer that named a request under this key (replays included). */
  answers: { id: string; number: string; replayed: boolean }[];
}

export interface Decision {
  id: string;
  kind: 'approve' | 'refuse';
  by: string;
  key: string;
  /** '200' when answered so; 'after 503' when a 503 was followed by a read showing it decided. */
  outcome: '200' | 'after 503' | 'pending';
  saw503: boolean;
}

export interface Outcomes {
  filings: Map<string, Filing>;
  decisions: Map<string, Decision>;
  /** Drafts saved but never filed (their filing got no 201). */
  unfiled: string[];
  checksAllowed: number;
  checksDenied: number;
  unexpected: string[];
}

interface DetailBody {
  request: { id: string; number: string | null; state: string; track: number | null };
  availableActions: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signs the demo users in (as the console does), registers the exchange's service client, reads the catalogue. */
export async function prepareWorld(api: Api): Promise<World> {
  const tokens = new Map<string, string>();
  const departmentOf = new Map<string, string>();
  for (const username of USERS) {
    const signed = await api.must<{ token: string; user: { departmentId: string } }>('POST', '/auth/demo-sign-in', 200, {
      body: { username },
    });
    tokens.set(username, signed.token);
    departmentOf.set(username, signed.user.departmentId);
  }
  const as = (username: string) => tokens.get(username)!;
  const { version } = await api.must<{ version: number }>('GET', '/commitment', 200, { token: as('psb.requester') });
  const catalogue = await api.must<{ items: { id: string; code: string }[] }>('GET', '/datasets?limit=100', 200, {
    token: as('psb.requester'),
  });
  const datasets = new Map(catalogue.items.map((d) => [d.code, d.id]));
  const bases = await api.must<{ items: { id: string; prohibitsSharing: boolean }[] }>('GET', '/legal-bases?inForce=true&limit=50', 200, {
    token: as('hrss.reviewer'),
  });
  const basis = bases.items.find((b) => !b.prohibitsSharing) ?? bases.items[0];
  if (!basis) throw new Error('the legal-basis register has no entry in force');
  const client = await api.must<{ client: { id: string }; key: string }>('POST', '/service-clients', 201, {
    token: as('dsc.admin'),
    body: { name: `负载测试交换网关 ${new Date().toISOString()}` },
  });
  const grants = await api.must<{ items: { requesterDepartment: { id: string }; dataset: { id: string }; fields: string[] }[] }>(
    'GET',
    '/grants?state=active&limit=100',
    200,
    { token: as('dsc.operator') },
  );
  if (!grants.items.length) throw new Error('the demo data has no active grant to check');
  const holders = new Set(grants.items.map((g) => `${g.requesterDepartment.id}/${g.dataset.id}`));
  const outsider = [...departmentOf.values()].find((d) => !grants.items.some((g) => holders.has(`${d}/${g.dataset.id}`)))!;
  const checks = grants.items.flatMap((g) => [
    { body: { departmentId: g.requesterDepartment.id, datasetId: g.dataset.id, fields: g.fields.slice(0, 2) }, allowed: true },
    { body: { departmentId: g.requesterDepartment.id, datasetId: g.dataset.id, fields: [...g.fields, '负载测试字段'] }, allowed: false },
    { body: { departmentId: outsider, datasetId: g.dataset.id, fields: g.fields.slice(0, 1) }, allowed: false },
  ]);
  for (const plan of PLANS) if (!datasets.has(plan.dataset)) throw new Error(`the demo catalogue has no ${plan.dataset}`);
  return {
    tokens,
    departmentOf,
    commitmentVersion: version,
    datasets,
    legalBasisId: basis.id,
    serviceClientId: client.client.id,
    serviceKey: client.key,
    checks,
  };
}

export interface Pace {
  filers: number;
  filingsPerSecond: number;
  deciders: number;
  checkers: number;
  checksPerSecond: number;
  readers: number;
  readsPerSecond: number;
}

interface Queued {
  decision: Decision;
  due: number;
}

export class Load {
  readonly outcomes: Outcomes = {
    filings: new Map(),
    decisions: new Map(),
    unfiled: [],
    checksAllowed: 0,
    checksDenied: 0,
    unexpected: [],
  };
  private readonly queue: Queued[] = [];
  private running = true;
  private filed = 0;

  constructor(
    private readonly api: Api,
    private readonly world: World,
    private readonly recorder: Recorder,
  ) {}

  /**
   * Runs the loops until `seconds` have passed since the recorder started; resolves when the last
   * call is answered. Loops of a kind are paced to share its rate (a loop whose calls take longer
   * than its share runs back to back: the rate is then what the platform sustains); deciders take
   * whatever the filers leave them, as soon as its workflow offers the decision.
   */
  async run(seconds: number, pace: Pace): Promise<void> {
    const stop = setInterval(() => {
      if (this.recorder.now() >= seconds) this.running = false;
    }, 100);
    const paced = (loops: number, perSecond: number, step: (n: number) => Promise<void>) =>
      Array.from({ length: loops }, (_, i) => this.loop(i, loops / perSecond, step));
    await Promise.all([
      ...paced(pace.filers, pace.filingsPerSecond, (n) => this.fileOne(PLANS[n % PLANS.length]!, n)),
      ...Array.from({ length: pace.deciders }, () => this.decider()),
      ...paced(pace.checkers, pace.checksPerSecond, (n) => this.checkOne(n)),
      ...paced(pace.readers, pace.readsPerSecond, (n) => this.readOne(n)),
    ]);
    clearInterval(stop);
  }

  /**
   * Before the load: `count` requests filed and decided one at a time (the first plan: an
   * approval), for the unloaded latencies to compare with. They count among the load's filings.
   */
  async oneAtATime(count: number): Promise<void> {
    for (let n = 0; n < count; n++) {
      await this.fileOne(PLANS[0]!, n);
      for (let q = this.queue.shift(); q; q = this.queue.shift()) {
        for (let again = await this.decideOne(q.decision); again !== undefined; again = await this.decideOne(q.decision)) {
          await sleep(Math.max(again, 0.2) * 1000);
        }
      }
    }
  }

  /** Loop `offset` of its kind: one call every `interval` seconds, starting staggered. */
  private async loop(offset: number, interval: number, step: (n: number) => Promise<void>): Promise<void> {
    await sleep(((offset * interval) / 4) * 1000);
    for (let n = offset * 7; this.running; n++) {
      const started = this.recorder.now();
      await step(n);
      const wait = started + interval - this.recorder.now();
      if (wait > 0 && this.running) await sleep(wait * 1000);
    }
  }

  private unexpected(what: string, answer: Answer<unknown>): void {
    this.outcomes.unexpected.push(`${what}: ${answer.status} ${answer.code ?? ''} (api${answer.api})`);
  }

  // ── Filing ─────────────────────────────────────────────────────────────────────────────────

  private async fileOne(plan: Plan, n: number): Promise<void> {
    const token = this.world.tokens.get(plan.requester)!;
    const draft = await this.api.call<DetailBody>('POST', '/requests', {
      token,
      op: 'draft',
      body: {
        datasetId: this.world.datasets.get(plan.dataset),
        fields: plan.fields,
        purpose: `负载测试：核验业务办理对象信息（第 ${n} 件）`,
        usageMonths: 6,
        deliveryMethod: 'interface',
        securityCommitmentAccepted: true,
        ...(plan.legalBasis ? { legalBasis: plan.legalBasis } : {}),
      },
    });
    if (draft.status !== 201) return this.unexpected('draft', draft);
    const id = draft.body!.request.id;
    const key = `load-file-${id}`;
    const file = (op: string, api?: number) =>
      this.api.call<DetailBody>('POST', `/requests/${id}/filing`, {
        token,
        op,
        idempotencyKey: key,
        body: { commitmentVersion: this.world.commitmentVersion, acceptCommitment: true },
        ...(api ? { api } : {}),
      });
    const mode = this.filed++ % 10;
    const answers =
      mode === 3
        ? await Promise.all([file('file', 1), file('file (same key)', 2)]) // both processes at once
        : [await file('file')];
    // Sent again once answered: the replay must name the same request and number.
    if (mode === 7 || (mode === 3 && answers.some((a) => a.code === 'idempotency_request_in_progress'))) {
      if (answers.some((a) => a.status === 201)) answers.push(await file('file (same key)'));
    }
    // A retry under the same key until a 201 names the filing (a 503 or an in-progress 409 asks for it).
    for (let attempt = 0; !answers.some((a) => a.status === 201) && attempt < 10; attempt++) {
      const last = answers[answers.length - 1]!;
      if (!(last.status === 503 || last.status === 0 || last.code === 'idempotency_request_in_progress')) break;
      await sleep(Number(last.headers?.get('retry-after') ?? 1) * 1000);
      answers.push(await file('file (same key)'));
    }
    const filedAnswers = answers.filter((a) => a.status === 201);
    for (const a of answers) {
      if (a.status !== 201 && a.code !== 'idempotency_request_in_progress' && a.status !== 503) this.unexpected('file', a);
    }
    if (!filedAnswers.length) {
      this.outcomes.unfiled.push(id);
      return;
    }
    const first = filedAnswers[0]!.body!.request;
    const filing: Filing = {
      id,
      number: first.number!,
      key,
      requester: plan.requester,
      track: first.track!,
      answers: filedAnswers.map((a) => ({
        id: a.body!.request.id,
        number: a.body!.request.number!,
        replayed: a.headers?.get('idempotent-replayed') === 'true',
      })),
    };
    this.outcomes.filings.set(id, filing);
    if (filing.track !== plan.track)
      this.outcomes.unexpected.push(`${plan.dataset} ${plan.fields.join(',')} routed to track ${filing.track}, expected ${plan.track}`);
    if (plan.decision && filing.track === 5) {
      const decision: Decision = { id, ...plan.decision, key: `load-decide-${id}`, outcome: 'pending', saw503: false };
      this.outcomes.decisions.set(id, decision);
      this.queue.push({ decision, due: this.recorder.now() + 0.5 });
    }
  }

  // ── Owner decisions ────────────────────────────────────────────────────────────────────────

  private async decider(): Promise<void> {
    while (this.running) {
      const now = this.recorder.now();
      const at = this.queue.findIndex((q) => q.due <= now);
      if (at < 0) {
        await sleep(100);
        continue;
      }
      const [item] = this.queue.splice(at, 1);
      const again = await this.decideOne(item!.decision);
      if (again !== undefined) this.queue.push({ decision: item!.decision, due: this.recorder.now() + again });
    }
  }

  /** One attempt; returns the seconds after which to try again, or undefined when done. */
  private async decideOne(d: Decision): Promise<number | undefined> {
    const token = this.world.tokens.get(d.by)!;
    const read = await this.api.call<DetailBody>('GET', `/requests/${d.id}`, { token, op: 'read request' });
    if (read.status !== 200) {
      this.unexpected('read request', read);
      return 2;
    }
    const { state } = read.body!.request;
    if (d.saw503 && state !== 'owner_review') {
      d.outcome = 'after 503';
      return undefined;
    }
    // Filed, its workflow not yet started (e.g. filed while Temporal was down): not offered yet.
    if (!read.body!.availableActions.includes(d.kind)) {
      if (state !== 'routed' && state !== 'owner_review') {
        this.outcomes.unexpected.push(`request ${d.id} is ${state} before its owner decided`);
        return undefined;
      }
      return 1;
    }
    const answer = await this.api.call<DetailBody>('POST', `/requests/${d.id}/${d.kind === 'approve' ? 'approval' : 'refusal'}`, {
      token,
      op: d.kind,
      idempotencyKey: d.key,
      body:
        d.kind === 'approve'
          ? { note: '同意共享（负载测试）' }
          : {
              legalBasisId: this.world.legalBasisId,
              citedConditions: ['restrictedFields'],
              reasons: '所申请的数据项为目录登记的不予共享数据项',
              alternatives: '可申请其余数据项',
            },
    });
    if (answer.status === 200) {
      d.outcome = '200';
      return undefined;
    }
    if (answer.status === 503) {
      d.saw503 = true;
      return Number(answer.headers?.get('retry-after') ?? 5);
    }
    // After a 503 the action may have gone through: the retry is then a conflict; the read decides.
    if (answer.status === 409 && d.saw503) return 0;
    this.unexpected(d.kind, answer);
    return undefined;
  }

  // ── The exchange's checks and the dashboard ────────────────────────────────────────────────

  private async checkOne(n: number): Promise<void> {
    const c = this.world.checks[n % this.world.checks.length]!;
    const answer = await this.api.call<{ allowed: boolean }>('POST', '/exchange/checks', {
      serviceKey: this.world.serviceKey,
      body: c.body,
      op: 'check',
    });
    if (answer.status !== 200) return this.unexpected('check', answer);
    if (answer.body!.allowed) this.outcomes.checksAllowed++;
    else this.outcomes.checksDenied++;
    if (answer.body!.allowed !== c.allowed)
      this.outcomes.unexpected.push(`check ${JSON.stringify(c.body)} answered allowed=${answer.body!.allowed}`);
  }

  private async readOne(n: number): Promise<void> {
    const readers = ['dsc.operator', 'data.supervisor', 'psb.reviewer', 'hrss.reviewer'];
    const pages = ['overview', 'open-items', 'departments', 'trends'];
    const reader = readers[Math.floor(n / pages.length) % readers.length]!;
    const page = pages[n % pages.length]!;
    const answer = await this.api.call('GET', `/dashboard/${page}`, { token: this.world.tokens.get(reader)!, op: `dashboard/${page}` });
    if (answer.status !== 200) this.unexpected(`dashboard/${page} as ${reader}`, answer);
  }
}
