/**
 * Raising an objection and its evidence, through real HTTP, PostgreSQL and a worker on the Temporal
 * dev server: the grant must be the objector department's and valid, the field the grant's, the
 * record a valid identifier; a second objection on the same record's field is the same dispute;
 * the raise is idempotent; evidence is typed, hashed, limited in size and count, and closed once
 * the center accepts.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { eq } from 'drizzle-orm';
import { grants, objectionEvidence } from '../../src/platform/db/schema.js';
import { startTestAppWithWorker } from '../helpers/app.js';
import { htmlPage, PDF, pdfFile, PNG } from '../helpers/files.js';
import { bearer } from '../helpers/identity.js';
import { grantFor } from '../helpers/grants.js';
import { createObjectionWorld, RECORD } from '../helpers/objections.js';

const harness = await startTestAppWithWorker();
t.teardown(() => harness.close());
const db = harness.database.db;
const world = await createObjectionWorld(db);
type User = typeof world.marketRequester;
const post = async (url: string, user: User, payload: object, headers: Record<string, string> = {}) => {
  const r = await harness.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    headers: { ...(await bearer(harness.config, user)), ...headers },
    payload,
  });
  return { status: r.statusCode, body: r.json() };
};
const body = (overrides: object = {}) => ({
  grantId: world.grants.plain.id,
  recordKey: RECORD,
  field: '户籍地址',
  valueReceived: '上海市黄浦区某路1号',
  valueClaimed: '上海市黄浦区某路11号',
  reason: '与不动产登记地址不一致',
  ...overrides,
});
const expired = await grantFor(db, world, world.marketRequester, world.datasets.plain.id, ['姓名'], { patch: { state: 'expired' } });
const suspended = await grantFor(db, world, world.marketRequester, world.datasets.plain.id, ['姓名'], { patch: { state: 'suspended' } });
const pastEnd = await grantFor(db, world, world.marketRequester, world.datasets.plain.id, ['姓名'], {
  patch: { validTo: new Date(Date.now() - 1000) },
});

const refusals = {
  noGrant: await post('/objections', world.marketRequester, body({ grantId: '00000000-0000-4000-8000-000000000000' })),
  othersGrant: await post('/objections', world.policeRequester, body()),
  strangersGrant: await post('/objections', world.bureauRequester, body()),
  expired: await post('/objections', world.marketRequester, body({ grantId: expired.id, field: '姓名' })),
  suspended: await post('/objections', world.marketRequester, body({ grantId: suspended.id, field: '姓名' })),
  pastEnd: await post('/objections', world.marketRequester, body({ grantId: pastEnd.id, field: '姓名' })),
  fieldOutside: await post('/objections', world.marketRequester, body({ grantId: world.grants.fused.id, field: '公民身份号码' })),
  unknownRecord: await post('/objections', world.marketRequester, body({ recordKey: '110105194912310021' })),
  reviewerOnly: await post('/objections', world.policeReviewer, body()),
};
const key = { 'idempotency-key': `objection-${Date.now()}` };
const raised = await post('/objections', world.marketRequester, body(), key);
const replayed = await post('/objections', world.marketRequester, body(), key);
const reused = await post('/objections', world.marketRequester, body({ field: '姓名' }), key);
const again = await post('/objections', world.marketRequester, body());
const id = raised.body.objection.id as string;
const pdf = pdfFile('不动产登记证明');
const upload = async (user: User, content: Buffer, type: string) => {
  const r = await harness.app.inject({
    method: 'POST',
    url: `/api/v1/objections/${id}/evidence?fileName=${encodeURIComponent('不动产登记证明.pdf')}`,
    headers: { ...(await bearer(harness.config, user)), 'content-type': type },
    payload: content,
  });
  return { status: r.statusCode, body: r.json() };
};
const evidence = await upload(world.marketRequester, pdf, PDF);
const htmlEvidence = await upload(world.marketRequester, htmlPage(), 'text/html');
const disguised = await upload(world.marketRequester, htmlPage(), PNG);
const stored = await db.select({ id: objectionEvidence.id }).from(objectionEvidence).where(eq(objectionEvidence.objectionId, id));
const ownerEvidence = await upload(world.policeReviewer, pdf, PDF);
// Over the size limit (10 MB) by a byte, inside the body limit; then up to the count limit (10 files) and one more.
const tooLarge = await upload(world.marketRequester, Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024 + 1 - pdf.length, 0x20)]), PDF);
const filled: number[] = [];
for (let i = 2; i <= 10; i++) filled.push((await upload(world.marketRequester, pdfFile(`证明材料 ${i}`), PDF)).status);
const tooMany = await upload(world.marketRequester, pdfFile('证明材料 11'), PDF);
const download = await harness.app.inject({
  method: 'GET',
  url: `/api/v1/objections/${id}/evidence/${evidence.body.id}`,
  headers: await bearer(harness.config, world.policeReviewer),
});
const accepted = await post(`/objections/${id}/acceptance`, world.centerOperator, {});
const late = await upload(world.marketRequester, pdf, PDF);
const seenByStranger = await harness.app.inject({
  method: 'GET',
  url: `/api/v1/objections/${id}`,
  headers: await bearer(harness.config, world.bureauRequester),
});
const grantState = (await db.select({ state: grants.state }).from(grants).where(eq(grants.id, world.grants.plain.id)))[0]!.state;

t.test('no valid grant of the objector department, a field outside it, an unknown record: clear 4xx', async (t) => {
  const codes = Object.fromEntries(Object.entries(refusals).map(([k, r]) => [k, [r.status, r.body.code]]));
  t.same(codes, {
    noGrant: [404, 'grant_not_found'],
    othersGrant: [403, 'objection_needs_own_grant'],
    strangersGrant: [404, 'grant_not_found'],
    expired: [409, 'grant_not_valid'],
    suspended: [409, 'grant_not_valid'],
    pastEnd: [409, 'grant_not_valid'],
    fieldOutside: [422, 'field_outside_grant'],
    unknownRecord: [422, 'unknown_record'],
    reviewerOnly: [403, 'forbidden'],
  });
  t.ok(
    Object.values(refusals).every((r) => typeof r.body.requestId === 'string' && r.body.message),
    'each with a message and the request id',
  );
});

t.test('raised once: the number, the acceptance step; a replay answers the same; the same dispute twice is refused', async (t) => {
  t.equal(raised.status, 201);
  t.match(raised.body.objection, { number: /^YY-\d{4}-\d{6}$/, state: 'submitted', step: { step: 'accept', chargedParty: 'center' } });
  t.same([replayed.status, replayed.body.objection.id], [201, id], 'the idempotent replay');
  t.match([reused.status, reused.body.code], [409, 'idempotency_key_reused']);
  t.match([again.status, again.body.code], [409, 'objection_open'], 'one open objection per record and field');
  t.equal(grantState, 'active', 'the grant is untouched');
});

t.test('evidence: typed and hashed, the objector’s, closed once accepted', async (t) => {
  t.equal(evidence.status, 201);
  t.equal(evidence.body.sha256, createHash('sha256').update(pdf).digest('hex'));
  t.equal(htmlEvidence.status, 415, 'not an accepted type');
  t.match(
    [disguised.status, disguised.body],
    [415, { code: 'content_mismatch', message: /declared as image\/png/, details: { declared: PNG, detected: 'text/plain' } }],
    'a web page declared as a PNG is refused by its content',
  );
  t.same(
    stored.map((e) => e.id),
    [evidence.body.id],
    'and nothing of it is stored',
  );
  t.match([ownerEvidence.status, ownerEvidence.body.code], [403, 'forbidden'], 'the owner does not add the objector’s evidence');
  t.match([tooLarge.status, tooLarge.body.code], [422, 'attachment_too_large'], 'a file over 10 MB is refused');
  t.same(filled, Array(9).fill(201), 'ten files in all are taken');
  t.match([tooMany.status, tooMany.body.code], [422, 'too_many_attachments'], 'the eleventh is refused');
  t.equal(download.statusCode, 200);
  t.equal(download.headers['x-content-sha256'], evidence.body.sha256);
  t.same(download.rawPayload, pdf, 'the bytes as uploaded');
  t.equal(accepted.status, 200);
  t.match([late.status, late.body.code], [409, 'evidence_closed']);
  t.equal(seenByStranger.statusCode, 404, 'a department without a grant does not see it');
});
