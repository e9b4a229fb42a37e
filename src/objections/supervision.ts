/**
 * Objections as the engine's supervised cases: who reads an objection's clocks and notices, and the
 * responsible department's answer to a supervision notice (督办) — recorded as a step of the
 * objection that keeps its state (history entry, the center told, audit), with the engine's reply
 * in the same transaction.
 */
import type { Db } from '../platform/db/client.js';
import * as sla from '../sla/index.js';
import { runObjectionStep } from './case.js';
import { canReadObjection } from './queries.js';
import type { ObjectionActor } from './rules/actions.js';
import { partyOfCharge } from './rules/lifecycle.js';

export const supervisedObjections = (db: Db): sla.SupervisedCase => ({
  canRead: canReadObjection,
  async recordReply({ notice, actor, at, text }) {
    const party = partyOfCharge(notice.chargedParty) as ObjectionActor['party'];
    await runObjectionStep(db, notice.subjectId, `supervision:${notice.id}:reply`, at, {
      transition: null,
      kind: 'supervision_replied',
      actor: { ...actor, party },
      reason: text,
      details: { supervisionId: notice.id, level: notice.level },
      apply: async (tx) => {
        await sla.replyToSupervision(tx, notice.id, { departmentId: actor.departmentId, userId: actor.userId, text }, at);
      },
      notify: async (tx, row) => {
        const center = await sla.centerDepartment(tx);
        return center ? [{ departmentId: center, title: `异议 ${row.number} 督办答复（${notice.level}级）`, body: text }] : [];
      },
    });
  },
});
