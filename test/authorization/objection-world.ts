/**
 * The matrix's objection subjects, made through the API as the parties would: objections the
 * market regulator raises on its grant on police data — waiting for acceptance (with evidence),
 * accepted and marked with the police's verification task open, and with an extension of that
 * task waiting for the center's decision. Record keys are free-form (the dataset has no
 * identifying field), so each objection is on a record of its own.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { UserRow } from '../../src/identity/service.js';
import { PDF, pdfFile } from '../helpers/files.js';
import type { HttpCall, SignedInCaller, SubjectPair } from './world.js';

type Send = (user: UserRow | null, call: HttpCall) => Promise<LightMyRequestResponse>;

export interface ObjectionFixtures {
  /** Accepted and marked; the police's verification task open (the read rows' subject). */
  shown: string;
  /** Waiting for acceptance, with one evidence file. */
  submitted: { objectionId: string; evidenceId: string };
  accept: SubjectPair;
  reject: SubjectPair;
  /** `<objection id>/tasks/<task id>` of open verification tasks. */
  verify: SubjectPair;
  extend: SubjectPair;
  /** `<objection id>/tasks/<task id>` with an extension waiting for the center. */
  decideExtension: SubjectPair;
}

export async function createObjectionFixtures(options: {
  send: Send;
  users: Record<SignedInCaller, UserRow>;
  grantId: string;
}): Promise<ObjectionFixtures> {
  const { send, users: u } = options;
  const call = async (user: UserRow, method: HttpCall['method'], url: string, payload?: object, expected = 200) => {
    const res = await send(user, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
    if (res.statusCode !== expected) throw new Error(`set-up: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const raised = async () =>
    (
      await call(
        u['market.requester'],
        'POST',
        '/objections',
        {
          grantId: options.grantId,
          recordKey: `MX-${randomBytes(4).toString('hex')}`,
          field: '姓名',
          valueReceived: '张三',
          valueClaimed: '张叁',
          reason: '与本部门登记不一致',
        },
        201,
      )
    ).objection.id as string;
  const accepted = async () => {
    const id = await raised();
    await call(u['center.center_operator'], 'POST', `/objections/${id}/acceptance`, {});
    return id;
  };
  const task = async () => {
    const id = await accepted();
    const detail = await call(u['center.center_operator'], 'GET', `/objections/${id}`);
    return `${id}/tasks/${detail.tasks[0].id as string}`;
  };
  const extending = async () => {
    const path = await task();
    await call(u['police.reviewer'], 'POST', `/objections/${path}/extension`, { days: 1, reason: '调取档案' });
    return path;
  };
  const pair = async (make: () => Promise<string>): Promise<SubjectPair> => {
    const [shared, fresh] = await Promise.all([make(), make()]);
    return { shared, fresh };
  };
  const submitted = await raised();
  const evidence = await send(u['market.requester'], {
    method: 'POST',
    url: `/api/v1/objections/${submitted}/evidence?fileName=${encodeURIComponent('证明.pdf')}`,
    payload: pdfFile('证明'),
    headers: { 'content-type': PDF },
  });
  if (evidence.statusCode !== 201) throw new Error(`set-up: evidence answered ${evidence.statusCode}: ${evidence.body}`);
  return {
    shown: await accepted(),
    submitted: { objectionId: submitted, evidenceId: evidence.json<{ id: string }>().id },
    accept: await pair(raised),
    reject: await pair(raised),
    verify: await pair(task),
    extend: await pair(task),
    decideExtension: await pair(extending),
  };
}
