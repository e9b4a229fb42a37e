/**
 * The legal-basis register (法律依据库) and the refusals that rest on it (issue 12, rule 1):
 * curated, versioned and audited by the competent authority's supervisor or the center
 * administrator; every written explanation cites an entry by id; a 免申即享 request is refused
 * only under an entry the register marks as explicitly prohibiting — never on the refuser's word.
 * Real HTTP (inject), real PostgreSQL, the request workflow on a time-skipping Temporal server.
 */
import { and, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { auditEntries } from '../../src/platform/db/schema.js';
import * as scenarios from '../../src/catalogue/scenarios.js';
import { cataloguedBasis } from '../../src/requests/citations.js';
import { bearer } from '../helpers/identity.js';
import { createRequestWorld, draftFor, skipToPlainMonday } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { env, db, harness } = await startTimeSkipping(t, { app: true });
const { app, config } = harness;
const world = await createRequestWorld(db);
type User = typeof world.marketRequester;

const call = async (method: 'GET' | 'POST' | 'PUT', url: string, user: User, payload?: object) =>
  app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await bearer(config, user, new Date(await env.currentTimeMs())),
    ...(payload ? { payload } : {}),
  });

const HUKOU = {
  kind: 'administrative_regulation',
  title: '《中华人民共和国户口登记条例》',
  article: '第四条',
  excerpt: '户口登记工作，由各级公安机关主管。',
  prohibitsSharing: false,
  inForce: true,
  note: '1958年1月9日全国人民代表大会常务委员会第九十一次会议通过',
};
/** A revision states the content again, with its reason in place of the first version's note. */
const { note: _note, ...HUKOU_CONTENT } = HUKOU;

t.test('curated by the supervisor and the center administrator: versioned, audited, immutable versions', async (t) => {
  const created = await call('POST', '/legal-bases', world.supervisor, HUKOU);
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().entry.id as string;
  t.match(created.json(), { entry: { ...HUKOU, id, version: 1, createdBy: world.supervisor.id }, versions: [{ version: 1 }] });

  t.equal((await call('POST', '/legal-bases', world.policeReviewer, HUKOU)).statusCode, 403, 'an owner cannot add instruments');
  t.equal((await call('POST', '/legal-bases', world.centerOperator, HUKOU)).statusCode, 403, 'nor can the center operator');
  const noArticle = await call('POST', '/legal-bases', world.centerAdmin, { ...HUKOU, article: null });
  t.equal(noArticle.statusCode, 422);
  t.match(noArticle.json(), { code: 'invalid_legal_basis', message: /article: a 行政法规 is cited at its article/ });
  const untitled = await call('POST', '/legal-bases', world.centerAdmin, { ...HUKOU, title: '本部门内部工作规定' });
  t.equal(untitled.statusCode, 400, 'an instrument is cited by its published title in 《》');
  const policyDocument = await call('POST', '/legal-bases', world.centerAdmin, {
    kind: 'policy_document',
    title: '《政务信息资源共享管理暂行办法》',
    documentNumber: '国发〔2016〕51号',
    excerpt: '以共享为原则，不共享为例外。',
    prohibitsSharing: false,
    inForce: true,
  });
  t.equal(policyDocument.statusCode, 201, 'a policy document may be cited as a whole');
  t.match(policyDocument.json().entry, { article: null, documentNumber: '国发〔2016〕51号' });

  const revised = await call('PUT', `/legal-bases/${id}`, world.centerAdmin, {
    ...HUKOU_CONTENT,
    excerpt: '户口登记工作，由各级公安机关主管。（校对）',
    reason: '据公布文本校对',
    expectedVersion: 1,
  });
  t.equal(revised.statusCode, 200, revised.body);
  t.match(revised.json(), {
    entry: {
      id,
      version: 2,
      excerpt: '户口登记工作，由各级公安机关主管。（校对）',
      note: '据公布文本校对',
      createdBy: world.centerAdmin.id,
    },
    versions: [{ version: 2 }, { version: 1, excerpt: HUKOU.excerpt }],
  });
  const stale = await call('PUT', `/legal-bases/${id}`, world.supervisor, { ...HUKOU_CONTENT, reason: '再次修订', expectedVersion: 1 });
  t.equal(stale.statusCode, 409);
  t.match(stale.json(), { code: 'stale_version', details: { currentVersion: 2 } });
  const blankReason = await call('PUT', `/legal-bases/${id}`, world.supervisor, { ...HUKOU_CONTENT, reason: '   ' });
  t.equal(blankReason.statusCode, 422, 'a revision says why');
  t.equal((await call('PUT', `/legal-bases/${id}`, world.policeAdmin, { ...HUKOU_CONTENT, reason: '修订' })).statusCode, 403);
  t.equal((await call('GET', `/legal-bases/not-a-uuid`, world.supervisor)).statusCode, 400);
  t.equal((await call('GET', '/legal-bases/00000000-0000-4000-8000-000000000000', world.supervisor)).statusCode, 404);

  const audit = await db
    .select({ action: auditEntries.action, reason: auditEntries.reason, after: auditEntries.after })
    .from(auditEntries)
    .where(and(eq(auditEntries.subjectType, 'LegalBasis'), eq(auditEntries.subjectId, id)))
    .orderBy(auditEntries.seq);
  t.match(audit, [
    { action: 'legal_basis.created', after: { version: 1, title: HUKOU.title } },
    { action: 'legal_basis.revised', reason: '据公布文本校对', after: { version: 2 } },
  ]);
  await t.rejects(db.execute(sql`update legal_basis_versions set prohibits_sharing = true`), {
    cause: { message: /permission denied for table legal_basis_versions/ },
  });
});

t.test('every user reads the register: filters by prohibition, kind, force and words; pages by title', async (t) => {
  type Page = { items: { id: string; title: string; prohibitsSharing: boolean; kind: string }[]; nextCursor: string | null };
  const read = async (query: string, user = world.policeReviewer): Promise<Page> => {
    const res = await call('GET', `/legal-bases?${query}`, user);
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const prohibiting = await read('prohibitsSharing=true&limit=200', world.marketRequester);
  t.ok(prohibiting.items.some((e) => e.id === world.legalBases.prohibiting));
  t.notOk(prohibiting.items.some((e) => e.id === world.legalBases.permissive));
  t.ok(prohibiting.items.every((e) => e.prohibitsSharing));
  const words = await read(`q=${encodeURIComponent('犯罪记录 封存')}&limit=200`);
  t.ok(
    words.items.some((e) => e.id === world.legalBases.prohibiting),
    'words of the excerpt match',
  );
  t.notOk(words.items.some((e) => e.id === world.legalBases.permissive));
  t.ok((await read('kind=policy_document&limit=200')).items.every((e) => e.kind === 'policy_document'));

  const first = await read('limit=1');
  t.equal(first.items.length, 1);
  t.type(first.nextCursor, 'string');
  const second = await read(`limit=1&cursor=${first.nextCursor}`);
  t.not(second.items[0]!.id, first.items[0]!.id);
  t.ok(second.items[0]!.title >= first.items[0]!.title, 'by title');
});

t.test('免申即享: refused only under an entry the register marks as prohibiting; the citation is fixed at its version', async (t) => {
  await skipToPlainMonday(env, db);
  const scenario = await scenarios.createScenario(world.as(world.centerAdmin), {
    name: `高龄老人津贴免申即享${world.tag}`,
    kind: 'no_application',
    leadDepartmentId: world.market.id,
    description: '',
    validFrom: '2020-01-01',
    validTo: null,
    coverage: [{ datasetCode: world.conditional.code, fields: ['姓名'] }],
  });
  const drafted = await call('POST', '/requests', world.marketRequester, {
    ...draftFor(world.conditional.id, { fields: ['姓名', '婚姻状况'] }),
    scenarioId: scenario.id,
  });
  const id = drafted.json().request.id as string;
  const commitmentVersion = (await call('GET', '/commitment', world.marketRequester)).json().version;
  const filed = await call('POST', `/requests/${id}/filing`, world.marketRequester, { commitmentVersion, acceptCommitment: true });
  t.equal(filed.statusCode, 201, filed.body);
  for (let i = 0; i < 200 && (await call('GET', `/requests/${id}`, world.policeReviewer)).json().request.state !== 'owner_review'; i++)
    await new Promise((r) => setTimeout(r, 50));

  const refusal = { citedConditions: ['restrictedFields'], reasons: '婚姻状况为目录登记的不予共享数据项', alternatives: '可申请姓名' };
  const refuse = (body: object) => call('POST', `/requests/${id}/refusal`, world.policeReviewer, { ...refusal, ...body });

  const permissive = await refuse({ legalBasisId: world.legalBases.permissive });
  t.equal(permissive.statusCode, 422, 'an entry that does not prohibit sharing cannot ground a 免申即享 refusal');
  t.match(permissive.json(), { code: 'invalid_refusal', message: /免申即享 .* legal-basis register marks as explicitly prohibiting/ });
  const ownWord = await refuse({
    legalBasisId: world.legalBases.permissive,
    legalBasis: { law: '本部门内部工作规定', prohibitsSharing: true },
  });
  t.equal(ownWord.statusCode, 400, 'the refuser cannot mark an instrument as prohibiting in its own body');
  // Approving only part of it refuses the rest: the same rule holds.
  const narrowed = await call('POST', `/requests/${id}/approval`, world.policeReviewer, { fields: ['姓名'] });
  t.equal(narrowed.statusCode, 422);
  t.match(narrowed.json(), { code: 'invalid_partial_refusal', message: /免申即享/ });
  const narrowedPermissive = await call('POST', `/requests/${id}/approval`, world.policeReviewer, {
    fields: ['姓名'],
    legalBasisId: world.legalBases.permissive,
  });
  t.match(narrowedPermissive.json(), { code: 'invalid_partial_refusal' });
  t.equal((await refuse({})).statusCode, 422, 'a refusal of shareable data picks a register entry');
  t.match((await refuse({})).json(), { code: 'legal_basis_required' });
  const unknown = await refuse({ legalBasisId: '00000000-0000-4000-8000-000000000000' });
  t.match(unknown.json(), { code: 'unknown_legal_basis' });
  t.equal(unknown.statusCode, 422);

  // Repealed, the prohibiting entry grounds nothing; back in force, it does.
  const entry = (await call('GET', `/legal-bases/${world.legalBases.prohibiting}`, world.supervisor)).json().entry;
  const { id: _id, version: _v, note: _n, createdAt: _c, createdBy: _b, ...content } = entry;
  await call('PUT', `/legal-bases/${entry.id}`, world.supervisor, { ...content, inForce: false, reason: '测试：已废止' });
  const repealed = await refuse({ legalBasisId: entry.id });
  t.equal(repealed.statusCode, 422);
  t.match(repealed.json(), { code: 'invalid_refusal', message: /no longer in force/ });
  const restored = await call('PUT', `/legal-bases/${entry.id}`, world.supervisor, { ...content, inForce: true, reason: '测试：恢复' });
  const version = restored.json().entry.version as number;

  const refused = await refuse({ legalBasisId: entry.id });
  t.equal(refused.statusCode, 200, refused.body);
  t.match(refused.json(), {
    request: { state: 'refused' },
    explanation: {
      legalBasis: {
        source: 'register',
        entryId: entry.id,
        version,
        title: '《中华人民共和国刑事诉讼法》',
        article: '第二百八十六条',
        prohibitsSharing: true,
      },
    },
  });
  // A later revision of the entry does not change what was filed.
  await call('PUT', `/legal-bases/${entry.id}`, world.supervisor, {
    ...content,
    excerpt: `${content.excerpt}（修订）`,
    reason: '测试：修订',
  });
  const detail = (await call('GET', `/requests/${id}`, world.marketRequester)).json();
  t.match(detail.explanation.legalBasis, { entryId: entry.id, version });
});

t.test('data catalogued not shareable may rest on its catalogued basis, as the dataset version states it', async (t) => {
  t.same(await cataloguedBasis(db, { datasetId: world.notShareable.id, datasetVersion: 1 }), {
    source: 'catalogue',
    datasetId: world.notShareable.id,
    datasetVersion: 1,
    title: '《中华人民共和国刑事诉讼法》',
    article: null,
  });
  t.equal(await cataloguedBasis(db, { datasetId: world.conditional.id, datasetVersion: 1 }), null, 'shareable data has none');
});

t.test('a request for data catalogued not shareable shows every party the catalogued basis; its pre-check needs review', async (t) => {
  const drafted = await call('POST', '/requests', world.marketRequester, draftFor(world.notShareable.id, { fields: ['案件编号'] }));
  const id = drafted.json().request.id as string;
  const dryRun = (await call('POST', `/requests/${id}/pre-check`, world.marketRequester)).json();
  t.match(dryRun, { routing: { track: 15 }, preCheck: { result: 'needs_review' } }, 'as the dataset pre-check says');
  const commitmentVersion = (await call('GET', '/commitment', world.marketRequester)).json().version;
  const filed = await call('POST', `/requests/${id}/filing`, world.marketRequester, { commitmentVersion, acceptCommitment: true });
  t.equal(filed.statusCode, 201, filed.body);
  for (const user of [world.marketRequester, world.policeReviewer, world.centerOperator]) {
    const detail = (await call('GET', `/requests/${id}`, user)).json();
    t.match(detail, {
      preCheck: { result: 'needs_review' },
      cataloguedLegalBasis: { source: 'catalogue', datasetId: world.notShareable.id, title: '《中华人民共和国刑事诉讼法》' },
    });
  }
  const shareable = await call('POST', '/requests', world.marketRequester, draftFor(world.conditional.id));
  t.equal((await call('GET', `/requests/${shareable.json().request.id}`, world.marketRequester)).json().cataloguedLegalBasis, null);
  await call('POST', `/requests/${id}/withdrawal`, world.marketRequester, { reason: '测试结束' });
});
