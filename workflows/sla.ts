/**
 * Keeping a workflow's timer in step with its SLA clock. The clock service (PostgreSQL) owns the
 * deadline; when a calendar correction moves it, the service signals the workflow, and the
 * tracker re-arms its wait on the new deadline.
 */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const slaDeadlineChanged = defineSignal<[{ clockId: string; deadline: string }]>('slaDeadlineChanged');

export interface DeadlineTracker {
  /** The deadline (epoch ms) the workflow currently waits for. */
  readonly deadline: number;
  /** Waits until `done()` holds or the deadline passes, following moved deadlines. */
  wait(done: () => boolean): Promise<'done' | 'deadline'>;
}

export function trackDeadline(clockId: string, deadline: string): DeadlineTracker {
  let current = Date.parse(deadline);
  let moved = false;
  setHandler(slaDeadlineChanged, (change) => {
    if (change.clockId !== clockId) return;
    current = Date.parse(change.deadline);
    moved = true;
  });
  return {
    get deadline() {
      return current;
    },
    async wait(done) {
      for (;;) {
        if (done()) return 'done';
        const left = current - Date.now();
        if (left < 0) return 'deadline';
        moved = false;
        // Wake for the step's end, a moved deadline, or the deadline itself (+1 ms: "after the end").
        await condition(() => done() || moved, left + 1);
        if (!moved && !done() && Date.now() > current) return 'deadline';
      }
    },
  };
}
