/**
 * The case engine's workflow side: what every case workflow (a request today; grants and
 * objections next) is built on. A case keeps a view read from PostgreSQL (the only place its
 * state and deadlines are stored), runs one step at a time, turns a step's refusal into the
 * update's failure, follows its clocks when the clock service changes them (a signal carrying the
 * clock's version), and sleeps until the next timed event of its clocked steps.
 */
import { ActivityFailure, ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { dueEvents, nextWake, type ClockedStep, type TimedEvent } from '../src/sla/rules/step.js';
import { caseRefresh, clockChanged } from './case-api.js';

/** A refusal the API turns into its typed error (status and code). */
export function refusal(problem: { status: number; code: string; message: string; details?: unknown }): never {
  throw ApplicationFailure.create({
    type: problem.code,
    message: problem.message,
    nonRetryable: true,
    details: [{ status: problem.status, details: problem.details ?? null }],
  });
}

export interface CaseOptions<V> {
  isOpen(view: V): boolean;
  /** The clocked steps the engine reminds, breaches and supervises. */
  supervised(view: V): ClockedStep[];
  /** Every clock the case follows (supervised or not, e.g. a supplement's that expires). */
  followed(view: V): ClockedStep[];
  /** Reads the view again (after a clock changed outside the workflow). */
  reload(): Promise<V>;
}

const IDLE_MS = 60 * 60 * 1000;

export class CaseEngine<V> {
  private current: V | null = null;
  private poke = 0;
  private busy = false;
  private stale = false;
  private seq = 0;
  private lastAttempt: string | null = null;
  private idle = false;

  constructor(private readonly options: CaseOptions<V>) {
    setHandler(clockChanged, ({ clockId, version }) => {
      const known = this.current ? this.options.followed(this.current).find((c) => c.clockId === clockId) : undefined;
      if (known && known.version < version) {
        this.stale = true;
        this.poke++;
      }
    });
    setHandler(caseRefresh, () => {
      this.stale = true;
      this.poke++;
    });
  }

  get view(): V | null {
    return this.current;
  }

  set(view: V): V {
    this.current = view;
    this.poke++;
    return view;
  }

  /**
   * A step key unique to this run: a retried activity finds its own key and changes nothing twice,
   * and a run the reconciler starts again never meets a key of an earlier run.
   */
  key(name: string): string {
    return `${name}#${++this.seq}@${workflowInfo().runId}`;
  }

  /** One step at a time: a person's action and a timed step never interleave. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.busy);
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  /** Runs a step's activity and keeps its view; a business-rule failure of the step becomes the caller's. */
  async run(step: () => Promise<V>): Promise<V> {
    try {
      return this.set(await step());
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) throw error.cause;
      throw error;
    }
  }

  /**
   * Until the case closes: sleep until its next timed event (or a person's action, or a moved
   * clock), then run what is due: the case's own timed steps (`ownWake`, `runOwn`) first, then
   * its supervised clocks' events.
   */
  async runUntilClosed(timed: {
    onClockEvent(clock: ClockedStep, event: TimedEvent, at: number): Promise<void>;
    ownWake?(view: V): number | null;
    runOwn?(view: V, now: number): Promise<boolean>;
  }): Promise<V> {
    while (this.current !== null && this.options.isOpen(this.current)) {
      const seen = this.poke;
      const view: V = this.current;
      const wakes = [...this.options.supervised(view).map((c) => nextWake(c, Date.now())), timed.ownWake?.(view) ?? null].filter(
        (w): w is number => w !== null,
      );
      const wake = this.idle ? Date.now() + IDLE_MS : wakes.length ? Math.min(...wakes) : null;
      this.idle = false;
      const moved = () => this.poke !== seen;
      if (wake === null) await condition(moved);
      else if (wake > Date.now()) await condition(moved, wake - Date.now());
      await this.exclusive(async () => {
        if (this.stale) {
          this.stale = false;
          this.set(await this.options.reload());
        }
        if (!this.current || !this.options.isOpen(this.current)) return;
        if (timed.runOwn && (await timed.runOwn(this.current, Date.now()))) return;
        for (const clock of this.options.supervised(this.current)) {
          // Timed steps record the instant they were due, not the moment the timer was handled.
          const [due] = dueEvents(clock, Date.now());
          if (!due) continue;
          const { event, at } = due;
          // A step that finds nothing to do returns the same view; waiting for a change (or an
          // hour) then keeps a disagreement between the view and the clock from spinning.
          const attempt = `${clock.clockId}:${clock.version}:${event}`;
          if (attempt === this.lastAttempt) {
            this.idle = true;
            return;
          }
          this.lastAttempt = attempt;
          return timed.onClockEvent(clock, event, at);
        }
      });
    }
    // Let an update that is still answering finish before the workflow completes.
    await condition(() => !this.busy);
    return this.current!;
  }
}
