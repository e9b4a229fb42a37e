import type { Db } from '../platform/db/client.js';
import * as sla from './service.js';

const system = { actor: { kind: 'system', role: 'workflow' } as const };

export interface ClockView {
  id: string;
  state: sla.ClockRow['state'];
  deadline: string;
  outcome: sla.ClockRow['outcome'];
}

const view = (row: sla.ClockRow): ClockView => ({
  id: row.id,
  state: row.state,
  deadline: row.deadlineAt.toISOString(),
  outcome: row.outcome,
});

/** The clock service for workflows; every instant comes from the workflow. */
export function createSlaActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    async startSlaClock(input: Omit<sla.StartInput, 'at'> & { at: string }): Promise<ClockView> {
      return view(await db.transaction((tx) => sla.startSlaClock(tx, { ...input, at: new Date(input.at) }, system)));
    },
    async readSlaClock(clockId: string): Promise<ClockView> {
      const row = await sla.getClock(db, clockId);
      if (!row) throw new Error(`no SLA clock ${clockId}`);
      return view(row);
    },
    async breachSlaClock(clockId: string, at: string): Promise<ClockView> {
      return view(await db.transaction((tx) => sla.breachSlaClock(tx, clockId, new Date(at), system)));
    },
    async stopSlaClock(clockId: string, at: string): Promise<ClockView> {
      return view(await db.transaction((tx) => sla.stopSlaClock(tx, clockId, new Date(at), system)));
    },
  };
}

export type SlaActivities = ReturnType<typeof createSlaActivities>;
