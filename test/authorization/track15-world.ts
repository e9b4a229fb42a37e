/**
 * The matrix's track-15 subjects, made through the API as the parties would: coordinations
 * (with meetings), agreements awaiting the owner's delivery, decisions not to share awaiting the
 * written explanation, refusals within their dispute window, disputes awaiting the competent
 * authority, and one of each printable record (explanation, minutes, dispute decision).
 */
import type { LightMyRequestResponse } from 'fastify';
import type { UserRow } from '../../src/identity/service.js';
import { draftFor, type RequestWorld } from '../helpers/requests.js';
import type { HttpCall, SignedInCaller, SubjectPair } from './world.js';

type Send = (user: UserRow | null, call: HttpCall) => Promise<LightMyRequestResponse>;

export interface Track15Fixtures {
  coordination: string;
  /** Requests in coordination with one meeting each (without minutes), and that meeting. */
  minutes: SubjectPair;
  meetingOf: Record<string, string>;
  agree: SubjectPair;
  notToShare: SubjectPair;
  aggregation: SubjectPair;
  explanation: SubjectPair;
  dispute: SubjectPair;
  uphold: SubjectPair;
  order: SubjectPair;
  /** A refused request with its explanation, minutes of a meeting and a decided dispute. */
  documents: { requestId: string; meetingId: string };
}

export async function createTrack15Fixtures(options: {
  send: Send;
  users: Record<SignedInCaller, UserRow>;
  world: RequestWorld;
  commitmentVersion(): Promise<number>;
}): Promise<Track15Fixtures> {
  const { send, users: u, world } = options;
  const call = async (user: UserRow, method: HttpCall['method'], url: string, payload?: object, expected = 200) => {
    const res = await send(user, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
    if (res.statusCode !== expected) throw new Error(`set-up: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const requester = u['market.requester'];
  const owner = u['police.reviewer'];
  const center = u['center.center_operator'];
  const supervisor = u['authority.supervisor'];

  /** Files a track-15 request (coordination) on the dataset and waits for its workflow to open it. */
  const coordinate = async (datasetId: string, fields: string[]) => {
    const id = (await call(requester, 'POST', '/requests', draftFor(datasetId, { fields }), 201)).request.id as string;
    await call(
      requester,
      'POST',
      `/requests/${id}/filing`,
      { commitmentVersion: await options.commitmentVersion(), acceptCommitment: true },
      201,
    );
    for (let i = 0; i < 400; i++) {
      const detail = await call(requester, 'GET', `/requests/${id}`);
      if (detail.request.state === 'coordination') return id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`set-up: request ${id} did not reach coordination`);
  };
  const notShareable = () => coordinate(world.notShareable.id, ['案件编号']);
  const meeting = async (id: string) =>
    (
      await call(center, 'POST', `/requests/${id}/coordination/meetings`, {
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        place: '市大数据中心 3 楼会议室',
        participants: ['市市场监管局', '市公安局', '市大数据中心'],
      })
    ).coordination.meetings.at(-1).id as string;
  const notToShare = async (id: string) => {
    await call(center, 'POST', `/requests/${id}/coordination/refusal`, { reasons: '涉及侦查秘密' });
    return id;
  };
  const explain = async (id: string) => {
    await call(owner, 'POST', `/requests/${id}/explanation`, { reasons: '属于侦查秘密', alternatives: '可申请核验服务' });
    return id;
  };
  const dispute = async (id: string) => {
    await call(requester, 'POST', `/requests/${id}/dispute`, { reasons: '确有必要' });
    return id;
  };
  const pair = async (make: () => Promise<string>): Promise<SubjectPair> => {
    const [shared, fresh] = await Promise.all([make(), make()]);
    return { shared, fresh };
  };

  const coordination = await notShareable();
  const minutes = await pair(notShareable);
  const meetingOf = {
    [minutes.shared]: await meeting(minutes.shared),
    [minutes.fresh]: await meeting(minutes.fresh),
  };
  const [agree, refusing, aggregation, explanation, disputable, uphold, order] = await Promise.all([
    pair(notShareable),
    pair(notShareable),
    pair(async () => {
      const id = await coordinate(world.notAggregated.id, ['号牌号码']);
      await call(center, 'POST', `/requests/${id}/coordination/agreement`, {});
      return id;
    }),
    pair(async () => notToShare(await notShareable())),
    pair(async () => explain(await notToShare(await notShareable()))),
    pair(async () => dispute(await explain(await notToShare(await notShareable())))),
    pair(async () => dispute(await explain(await notToShare(await notShareable())))),
  ]);
  const documents = await notShareable();
  const documentMeeting = await meeting(documents);
  await call(center, 'POST', `/requests/${documents}/coordination/minutes`, {
    meetingId: documentMeeting,
    minutes: '三方意见不一致，决定不予共享。',
  });
  await dispute(await explain(await notToShare(documents)));
  await call(supervisor, 'POST', `/requests/${documents}/dispute/upholding`, { reasons: '依法属于不予共享范围' });
  return {
    coordination,
    minutes,
    meetingOf,
    agree,
    notToShare: refusing,
    aggregation,
    explanation,
    dispute: disputable,
    uphold,
    order,
    documents: { requestId: documents, meetingId: documentMeeting },
  };
}
