/**
 * A refusal cites what fails at decision time (issue 12, rule 5): a supplement answer re-runs the
 * condition pre-check, and a notification-commitment text that holds the security commitment meets
 * `securityCommitmentRequired`. Commitment texts are global, so the file has a database of its own.
 */
import t from 'tap';
import { importPublishedSchedules } from '../../src/calendar/service.js';
import { citeLegalBasis } from '../../src/legal-basis/index.js';
import { createDraft, fileRequest } from '../../src/requests/filing.js';
import { currentCommitment, publishCommitment } from '../../src/requests/policy.js';
import { startRequestWorkflow, updateRequest } from '../../src/requests/workflow-client.js';
import { openMigratedFreshDatabase } from '../helpers/db.js';
import { createRequestWorld, draftFor, requestWithClock, skipToPlainMonday, updateActor, waitFor } from '../helpers/requests.js';
import { startTimeSkipping } from '../helpers/time-skipping.js';

const { handle } = await openMigratedFreshDatabase(t, 4);
const db = handle.db;
await importPublishedSchedules(db, { actor: { kind: 'system', role: 'script' }, at: new Date() });
const { env, settings, now } = await startTimeSkipping(t, { database: handle });
const world = await createRequestWorld(db);
const requestRow = (id: string) => requestWithClock(db, id);

t.test('a refusal cites what fails at decision time: the accepted commitment and a supplement answer are checked again', async (t) => {
  await skipToPlainMonday(env, db);
  const centerAdmin = async () => ({ ...world.as(world.centerAdmin), now: await now() });
  const security = (request: { preCheck: unknown }) =>
    (request.preCheck as { condition: string; result: string }[]).find((c) => c.condition === 'securityCommitmentRequired')?.result;
  const fileWithout = async () => {
    const ctx = { ...world.as(world.marketRequester), now: await now() };
    const draft = await createDraft(
      ctx,
      draftFor(world.conditional.id, { fields: ['姓名', '婚姻状况'], securityCommitmentAccepted: false }),
    );
    return fileRequest(ctx, draft.id, { version: (await currentCommitment(db)).version, accepted: true });
  };

  // A commitment text without the security commitment: the condition fails at filing.
  await publishCommitment(await centerAdmin(), '本部门承诺：所获数据仅用于申请所述用途，不向第三方提供。', false);
  const filed = await fileWithout();
  t.equal(security(filed), 'fail');
  await startRequestWorkflow(env.client, settings, filed.id);
  await waitFor(async () => ((await requestRow(filed.id)).state !== 'routed' ? true : undefined), 'the workflow to open the request');
  const owner = updateActor(world, world.policeReviewer, 'owner');
  await updateRequest(env.client, filed.id, 'ask_supplement', { actor: owner, question: '请签署安全承诺' });
  const answered = await updateRequest(env.client, filed.id, 'answer_supplement', {
    actor: updateActor(world, world.marketRequester, 'requester'),
    answer: '已签署安全承诺',
    securityCommitmentAccepted: true,
  });
  t.equal(answered.state, 'owner_review');
  t.equal(security(await requestRow(filed.id)), 'pass', 'the answer is checked again');
  const explanation = {
    legalBasis: await citeLegalBasis(db, world.legalBases.permissive),
    citedConditions: ['securityCommitmentRequired' as const],
    reasons: '未签署安全承诺',
    alternatives: '签署后重新申请',
  };
  await t.rejects(updateRequest(env.client, filed.id, 'refuse', { actor: owner, explanation }), {
    status: 422,
    message: /the request meets "securityCommitmentRequired"/,
  });
  const refused = await updateRequest(env.client, filed.id, 'refuse', {
    actor: owner,
    explanation: { ...explanation, citedConditions: ['restrictedFields'] },
  });
  t.equal(refused.state, 'refused', 'what still fails may be cited');

  // A text that holds the security commitment: accepting it at filing meets the condition.
  const covering = await publishCommitment(await centerAdmin(), '本部门承诺：仅用于申请用途，并严格落实数据安全管理责任。', true);
  t.equal(covering.includesSecurityCommitment, true);
  t.equal(security(await fileWithout()), 'pass', 'the accepted commitment carries the security commitment');
});
