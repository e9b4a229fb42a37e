/**
 * Objections as the engine's supervised cases: who reads an objection's clocks and notices, and the
 * responsible department's answer to a supervision notice (督办) — recorded as a step of the
 * objection that keeps its state (history entry, the center told, audit), with the engine's reply
 * in the same transaction.
 */
import { subject as asSubject } from '@casl/ability';
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../identity/index.js';
import { Action, Subject } from '../identity/rules/abilities.js';
import type { Db } from '../platform/db/client.js';
import { objections } from '../platform/db/schema.js';
import * as sla from '../sla/index.js';
import { runObjectionStep } from './case.js';
import { verifierDepartments } from './queries.js';
import type { ObjectionActor } from './rules/actions.js';

/** Whether the caller may read the objection (its objector, owner and verifying departments, the center, supervisors, auditors). */
export async function canReadObjection(ctx: RequestContext, id: string): Promise<boolean> {
  const [row] = await ctx.db.select().from(objections).where(eq(objections.id, id));
  if (!row) return false;
  const subject = { ...row, verifierDepartmentIds: await verifierDepartments(ctx.db, id) };
  return ctx.actor.ability.can(Action.read, asSubject(Subject.Objection, subject) as never);
}

export const supervisedObjections = (db: Db): sla.SupervisedCase => ({
  canRead: canReadObjection,
  async recordReply({ notice, actor, at, text }) {
    const party = notice.chargedParty.startsWith('verifier:') ? 'verifier' : (notice.chargedParty as ObjectionActor['party']);
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
