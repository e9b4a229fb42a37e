/**
 * The contract fuzzer's target and runner, shared by the bounded run of the test suite
 * (test/fuzz/contract.test.ts) and the long profile (./scripts/fuzz → test/fuzz/long.ts).
 *
 * The target is the real API listening on a loopback port, with a Temporal worker of its own,
 * on a fresh database of its own: the center administrator's token may publish calendars,
 * commitments and policy versions, which would change what other test files see. The runner is
 * Schemathesis (`st run`) with every check, once per identity.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWebhook } from '../../src/notifications/service.js';
import { childEnv, required } from '../helpers/env.js';
import { PDF, pdfFile } from '../helpers/files.js';
import { bearer } from '../helpers/identity.js';
import { startPlatform } from '../helpers/platform.js';
import { createRequestWorld, draftFor } from '../helpers/requests.js';

export const IDENTITIES = ['requester', 'owner-reviewer', 'center-admin', 'anonymous'] as const;
export type Identity = (typeof IDENTITIES)[number];

export const specificationPath = new URL('../../openapi/openapi.yaml', import.meta.url).pathname;
const hooksPath = new URL('./hooks.py', import.meta.url).pathname;
const hypothesisDir = new URL('../../.tools/hypothesis', import.meta.url).pathname;

export interface FuzzTarget {
  url: string;
  /** The Authorization header value per identity; none for the anonymous caller. */
  authorization: Record<Identity, string | undefined>;
  /** Values of real records (ids, codes, field names), by dictionary name. */
  records: Record<string, (string | number)[]>;
  /** Which parameters and body properties draw from which dictionary (Schemathesis's binding keys). */
  bindings: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the API (with the test suite's response validation, so a response that breaks the
 * contract before serialization is a 500 too) and a worker, on a fresh migrated database seeded
 * with a small world: departments, a requester, the owner's reviewer, the center administrator,
 * published datasets, a scenario, drafts and filed requests, an attachment and a webhook.
 */
export async function startFuzzTarget(options: { logDir: string }): Promise<FuzzTarget> {
  // Rate limits off: the fuzzer writes far faster than a person, and 429s would leave the
  // operations behind them untested. Tokens outlive the long profile.
  const platform = await startPlatform({
    logDir: options.logDir,
    env: { TOKEN_TTL_SECONDS: '86400', RATE_LIMIT_WRITES_PER_MINUTE: '1000000', RATE_LIMIT_SIGN_INS_PER_MINUTE: '1000000' },
  });
  const { url, config, database } = platform;
  const closers: (() => Promise<void>)[] = [() => platform.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const world = await createRequestWorld(database.db);
    // The owner department's webhook, received here, so the delivery log has entries.
    const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/fuzz-hook`;
    const webhook = await createWebhook(world.as(world.policeAdmin), { url: hook }, { allowPrivateTargets: true });
    const auth = async (user: typeof world.marketRequester) => (await bearer(config, user)).authorization;
    const authorization: Record<Identity, string | undefined> = {
      requester: await auth(world.marketRequester),
      'owner-reviewer': await auth(world.policeReviewer),
      'center-admin': await auth(world.centerAdmin),
      anonymous: undefined,
    };

    // Records made through the API itself, so they carry what the API makes (workflows, clocks, notices).
    const call = async (method: string, path: string, who: string, body?: unknown, type = 'application/json') => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: { authorization: who, ...(body === undefined ? {} : { 'content-type': type }) },
        ...(body === undefined ? {} : { body: type === 'application/json' ? JSON.stringify(body) : (body as Buffer) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`seeding the fuzz target: ${method} ${path} answered ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const requester = authorization.requester!;
    const commitment = (await call('GET', '/commitment', requester)).version as number;
    const draft = async (dataset: { id: string }, fields: string[]) =>
      (await call('POST', '/requests', requester, draftFor(dataset.id, { fields }))).request.id as string;
    const drafts = [
      await draft(world.conditional, ['姓名', '公民身份号码']),
      await draft(world.unconditional, ['姓名']),
      await draft(world.notShareable, ['案件编号']),
    ];
    const attachment = await call('POST', `/requests/${drafts[0]}/attachments?fileName=fuzz.pdf`, requester, pdfFile('fuzz'), PDF);
    const filed: string[] = [];
    for (const [dataset, fields] of [
      [world.conditional, ['姓名', '公民身份号码']],
      [world.unconditional, ['姓名', '性别']],
      [world.notAggregated, ['号牌号码']],
    ] as const) {
      const id = await draft(dataset, [...fields]);
      await call('POST', `/requests/${id}/filing`, requester, { commitmentVersion: commitment, acceptCommitment: true });
      filed.push(id);
    }
    // The workflow opens each request's first step (and its clock) asynchronously.
    const clocks: string[] = [];
    for (const id of filed) {
      for (let i = 0; ; i++) {
        const detail = await call('GET', `/requests/${id}`, requester);
        if (detail.request.state !== 'routed' && detail.clocks.length) {
          clocks.push(...detail.clocks.map((c: { clock: { id: string } }) => c.clock.id));
          break;
        }
        if (i > 300) throw new Error(`seeding the fuzz target: request ${id} was not opened by its workflow`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // A track-15 request carried to its written explanation, with a meeting and its minutes: the
    // coordination's and the printable records' operations find real subjects.
    const operator = await auth(world.centerOperator);
    const coordinated = await draft(world.notShareable, ['案件编号']);
    await call('POST', `/requests/${coordinated}/filing`, requester, { commitmentVersion: commitment, acceptCommitment: true });
    for (let i = 0; (await call('GET', `/requests/${coordinated}`, requester)).request.state !== 'coordination'; i++) {
      if (i > 300) throw new Error(`seeding the fuzz target: request ${coordinated} did not reach coordination`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const meetings = (
      await call('POST', `/requests/${coordinated}/coordination/meetings`, operator, {
        startsAt: '2026-12-10T02:00:00Z',
        place: '市大数据中心',
        participants: ['市公安局'],
      })
    ).coordination.meetings.map((m: { id: string }) => m.id);
    await call('POST', `/requests/${coordinated}/coordination/minutes`, operator, { meetingId: meetings[0], minutes: '决定不予共享。' });
    await call('POST', `/requests/${coordinated}/coordination/refusal`, operator, { reasons: '涉及侦查秘密' });
    await call('POST', `/requests/${coordinated}/explanation`, authorization['owner-reviewer']!, {
      reasons: '侦查秘密',
      alternatives: '无',
    });
    filed.push(coordinated);

    const notifications: string[] = [];
    for (let i = 0; !notifications.length; i++) {
      notifications.push(...(await call('GET', '/notifications', authorization['owner-reviewer']!)).items.map((n: { id: string }) => n.id));
      if (i > 300) throw new Error('seeding the fuzz target: no notice reached the owner department inbox');
      await new Promise((r) => setTimeout(r, 100));
    }

    const departments = [world.center, world.authority, world.police, world.market];
    const datasets = [world.conditional, world.unconditional, world.notAggregated, world.notShareable];
    const records = {
      requestId: [...filed, ...drafts],
      datasetId: datasets.map((d) => d.id),
      datasetCode: datasets.map((d) => d.code),
      fieldName: ['姓名', '公民身份号码', '户籍地址', '婚姻状况', '性别', '号牌号码', '案件编号'],
      departmentId: departments.map((d) => d.id),
      departmentCode: departments.map((d) => d.code),
      userId: [world.marketRequester.id, world.policeReviewer.id, world.centerAdmin.id, world.policeAdmin.id],
      scenarioId: [world.scenario.id],
      legalBasisId: [world.legalBases.permissive, world.legalBases.prohibiting],
      clockId: clocks,
      attachmentId: [attachment.id],
      meetingId: meetings,
      notificationId: notifications,
      webhookId: [webhook.webhook.id],
      year: [2026, 2027],
      version: [1],
      commitmentVersion: [commitment],
    };
    // A bare name binds a parameter wherever it appears (path or query); `body.…` a body property.
    const bindings: Record<string, keyof typeof records> = {
      ...Object.fromEntries(
        [
          'requestId',
          'datasetId',
          'departmentId',
          'userId',
          'scenarioId',
          'legalBasisId',
          'clockId',
          'attachmentId',
          'meetingId',
          'notificationId',
          'webhookId',
          'year',
          'version',
        ].map((n) => [n, n]),
      ),
      ownerDepartmentId: 'departmentId',
      requesterDepartmentId: 'departmentId',
      actorDepartmentId: 'departmentId',
      parentId: 'departmentId',
      actorUserId: 'userId',
      'body.datasetId': 'datasetId',
      'body.scenarioId': 'scenarioId',
      'body.legalBasisId': 'legalBasisId',
      'body.departmentId': 'departmentId',
      'body.leadDepartmentId': 'departmentId',
      'body.parentCode': 'departmentCode',
      'body.fields[*]': 'fieldName',
      'body.coverage[*].datasetCode': 'datasetCode',
      'body.coverage[*].fields[*]': 'fieldName',
      'body.commitmentVersion': 'commitmentVersion',
      'body.meetingId': 'meetingId',
      // Not `body.attachmentIds[*]`: its items are unique, and every item drawn from one seeded
      // file would repeat it (the fuzzer then calls a request the contract refuses "valid").
    };
    return { url, authorization, records, bindings, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface FuzzProfile {
  /** Test cases per operation and phase cycle (Schemathesis's --max-examples). */
  maxExamples: number;
  /** Seconds for one identity's run (--max-time): fuzzing repeats until it is spent. */
  maxSeconds: number;
  /**
   * Concurrent Schemathesis workers (threads). 1: with more, CPython 3.11's ast module fails now
   * and then inside Hypothesis ("AST constructor recursion depth mismatch", CPython gh-106905),
   * which Schemathesis reports as an error of the operation.
   */
  workers: number;
  seed: number;
  /** Phases to run; all four by default (stateful follows the links Schemathesis infers from the responses). */
  phases?: string[];
}

export interface FuzzResult {
  identity: Identity;
  operations: number;
  cases: number;
  /** Distinct failures (a check failing for a case), and errors (an operation Schemathesis could not test). */
  failures: number;
  errors: number;
  /** Documented refusals set aside by test/fuzz/hooks.py: cursors the lists never issued, files not of their declared type. */
  setAside: number;
  exitCode: number | null;
  seconds: number;
  /** Each failure as Schemathesis reported it (with a curl line), or the run's errors. */
  failureText: string;
  logPath: string;
  command: string;
}

interface JsonReport {
  operations: { tested: number } | null;
  test_cases: { generated: number; unique_failures: number };
  errors: { title: string; count: number }[];
  filtered: number;
}

/** Writes the Schemathesis configuration: real ids for path parameters, and check settings. */
function writeConfig(dir: string, target: FuzzTarget): string {
  const quote = (v: string | number) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
  const lines = [
    // A cursor the list never issued (400 `invalid_cursor`) and bytes that are not a file of the
    // declared type (415 `content_mismatch`) are documented answers, not failures.
    `hooks = ${JSON.stringify(hooksPath)}`,
    '',
    // Each run has a target of its own (tokens, ids), so crashes kept for `st replay` would not replay.
    '[cache]',
    'enabled = false',
    '',
    // NUL is generated like any character: the contract's strings exclude it by pattern, so
    // text with NUL is negative data the API must refuse (400 `invalid_characters`).
    '[generation]',
    'allow-x00 = true',
    '',
    // A request valid by the schema may still break a business rule (e.g. a field the dataset
    // does not have): 422 is the documented answer. A 400 for schema-valid data stays a failure
    // (the contract would be looser than the server).
    '[checks.positive_data_acceptance]',
    'expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]',
    '',
    // Invalid data may also be refused as a path segment too long (414) or headers too large
    // (431), both documented rejections in the platform's error shape.
    '[checks.negative_data_rejection]',
    'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "431", "5xx"]',
    '',
  ];
  for (const [name, values] of Object.entries(target.records)) {
    if (!values.length) continue;
    lines.push(`[dictionaries.${name}]`, `values = [${values.map(quote).join(', ')}]`, '');
  }
  lines.push('[parameters]');
  // Half the time a real record, so operations get past "not found"; otherwise a generated value.
  for (const [key, name] of Object.entries(target.bindings)) {
    if (target.records[name]?.length) lines.push(`${JSON.stringify(key)} = { dictionary = "${name}", probability = 0.5 }`);
  }
  const path = join(dir, 'schemathesis.toml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Runs `st run` once as one identity; resolves when it ends (it never throws on failures). */
export async function runSchemathesis(target: FuzzTarget, identity: Identity, profile: FuzzProfile, outDir: string): Promise<FuzzResult> {
  const dir = join(outDir, identity);
  rmSync(dir, { recursive: true, force: true }); // a previous run's reports must not pass for this one's
  mkdirSync(dir, { recursive: true });
  const config = writeConfig(dir, target);
  const reportPath = join(dir, 'report.json');
  const logPath = join(dir, 'st.log');
  const args = [
    '--config-file',
    config,
    'run',
    specificationPath,
    '--url',
    target.url,
    '--checks',
    'all',
    '--max-examples',
    String(profile.maxExamples),
    '--max-time',
    String(profile.maxSeconds),
    '--workers',
    String(profile.workers),
    '--seed',
    String(profile.seed),
    '--phases',
    (profile.phases ?? ['examples', 'coverage', 'fuzzing', 'stateful']).join(','),
    '--generation-database',
    'none',
    '--request-timeout',
    '30',
    '--report',
    'json,junit',
    '--report-dir',
    dir,
    '--report-json-path',
    reportPath,
    '--report-junit-path',
    join(dir, 'junit.xml'),
    '--no-color',
    '--output-truncate',
    'false',
    // The tokens are the fuzzer's own, on a throwaway database; kept in the output for curl lines.
    '--output-sanitize',
    'false',
    ...(target.authorization[identity] ? ['-H', `Authorization: ${target.authorization[identity]}`] : []),
  ];
  const command = `st ${args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
  const started = Date.now();
  const log = createWriteStream(logPath);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    // Hypothesis keeps caches (Unicode tables, constants) in .hypothesis/ of the working directory unless told otherwise.
    const env = childEnv({ PYTHONUNBUFFERED: '1', COLUMNS: '160', HYPOTHESIS_STORAGE_DIRECTORY: hypothesisDir });
    const child = spawn(required('SCHEMATHESIS_PATH'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  await new Promise((r) => log.end(r));
  const seconds = (Date.now() - started) / 1000;
  const output = readFileSync(logPath, 'utf8');
  let report: JsonReport | undefined;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as JsonReport;
  } catch {
    report = undefined; // st failed before writing its report (e.g. an unreadable document): the output says why
  }
  const failures = report ? report.test_cases.unique_failures : 0;
  const errors = report ? report.errors.reduce((n, e) => n + e.count, 0) : 1;
  return {
    identity,
    operations: report?.operations?.tested ?? 0,
    cases: report?.test_cases.generated ?? 0,
    failures,
    errors,
    setAside: report?.filtered ?? 0,
    exitCode,
    seconds,
    failureText: failures || errors || exitCode !== 0 ? failureSections(output) : '',
    logPath,
    command,
  };
}

/**
 * Schemathesis's FAILURES and ERRORS sections, one entry per failing case (operation, checks,
 * status, the start of the body, the curl line) or error (its title and message). A curl line
 * carries the finished run's address, token and ids: replay it against `./scripts/fuzz --serve`
 * with that target's.
 */
export function failureSections(output: string, limit = 40): string {
  const start = output.search(/^=+ (FAILURES|ERRORS) =+$/m);
  if (start < 0) return output.slice(-4000).trim(); // no report: the end of the output says why
  const end = output.search(/^=+ WARNINGS =+$|^=+ SUMMARY =+$/m);
  const lines = output.slice(start, end > start ? end : undefined).split('\n');
  const cases: string[] = [];
  let operation = '';
  let errorLines = 0;
  let current: { checks: string[]; status: string; body: string; curl: string } | undefined;
  const flush = () => {
    if (current)
      cases.push(
        `${operation} — ${current.checks.join('; ')}${current.status ? ` → ${current.status}` : ''}${current.body ? ` ${current.body}` : ''}${current.curl ? `\n    ${current.curl}` : ''}`,
      );
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^_{3,} (.+?) _{3,}$/))) {
      flush();
      operation = m[1]!;
      errorLines = 0;
    } else if (/^\d+\. Test Case ID: /.test(line)) {
      flush();
      current = { checks: [], status: '', body: '', curl: '' };
    } else if (current && (m = line.match(/^- (.+)$/))) {
      current.checks.push(m[1]!);
    } else if (current && (m = line.match(/^\[(\d{3})\] /))) {
      current.status = m[1]!;
      const body =
        lines
          .slice(i + 1)
          .find((l) => l.trim())
          ?.trim() ?? '';
      current.body = body.length > 300 ? `${body.slice(0, 300)}…` : body;
    } else if (current && /^\s+curl /.test(line)) {
      current.curl = line.trim();
    } else if (!current && operation && line.trim() && !/^=+/.test(line) && errorLines++ < 2) {
      const text = line.trim();
      cases.push(`${operation}: ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`); // an error, not a failing case
    }
  }
  flush();
  const shown = cases.slice(0, limit).join('\n');
  return cases.length > limit ? `${shown}\n… and ${cases.length - limit} more (see the log)` : shown;
}

/** `fuzz: N operations, M cases, F failures` over all identities (operations: distinct per run, the largest). */
export function figures(results: FuzzResult[]): string {
  const operations = Math.max(0, ...results.map((r) => r.operations));
  const cases = results.reduce((n, r) => n + r.cases, 0);
  const failures = results.reduce((n, r) => n + r.failures + r.errors, 0);
  return `fuzz: ${operations} operations, ${cases} cases, ${failures} failures`;
}
