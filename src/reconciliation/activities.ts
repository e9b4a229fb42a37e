/**
 * The reconciler's activities (对账): each compares one page of one kind of case between the
 * database and Temporal, repairs what differs — the one repair `REPAIR_OF` names — and returns
 * what it did. Every repair is idempotent (a start finds a running workflow, a refresh re-reads,
 * a terminate of an ended workflow is refused harmlessly), so a retried page changes nothing twice.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { caseRefresh, clockChanged } from '../../workflows/case-api.js';
import type { Db } from '../platform/db/client.js';
import { temporalUnimplemented } from '../platform/temporal/connection.js';
import { markAnnounced, unannouncedClocks } from '../sla/index.js';
import type { ReconciledCase, ReconciledCases } from './cases.js';
import {
  divergenceOfOpenCase,
  divergenceOfRunningWorkflow,
  REPAIR_OF,
  sameView,
  type CaseKind,
  type Divergence,
  type PageResult,
  type RepairRecord,
  type RunReport,
  type WorkflowStatus,
} from './rules/divergence.js';
import { recordRun } from './service.js';

export interface ReconciliationDeps {
  db: Db;
  log: Logger;
  cases: ReconciledCases;
  /** The worker's Temporal client and task queue: the workflows compared are those of this queue. */
  temporal?: { client: Client; taskQueue: string };
}

/** A view read back after this long before a difference counts: a step may be between commit and reply. */
const SETTLE_MS = 1_000;

/**
 * Tells Temporal the page is still being worked through (per case compared): a worker that dies
 * mid-page is noticed after the heartbeat timeout, not after the page's whole time limit.
 */
function beat(): void {
  Context.current().heartbeat();
}

/** The comparisons and repairs, one method per activity (and the helpers they share). */
class Reconciler {
  constructor(private readonly deps: ReconciliationDeps) {}

  private temporal() {
    if (!this.deps.temporal) throw new Error('the reconciler needs the worker’s Temporal client');
    return this.deps.temporal;
  }

  private async repair(kind: CaseKind, caseId: string, divergence: Divergence, at: Date): Promise<RepairRecord> {
    const { client, taskQueue } = this.temporal();
    const adapter: ReconciledCase = this.deps.cases[kind];
    const workflowId = adapter.workflowId(caseId);
    const record: RepairRecord = { kind, caseId, workflowId, divergence, repair: REPAIR_OF[divergence], done: true };
    try {
      if (record.repair === 'start') {
        await client.workflow.start(adapter.workflowType, {
          taskQueue,
          workflowId,
          args: adapter.startArgs(caseId),
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
        await adapter.markStarted(this.deps.db, caseId, at);
      } else if (record.repair === 'refresh') {
        await client.workflow.getHandle(workflowId).signal(caseRefresh);
      } else if (record.repair === 'terminate') {
        await client.workflow.getHandle(workflowId).terminate('reconciler: the database holds no such case');
      }
    } catch (error) {
      failed(record, error);
    }
    this.deps.log.warn(
      { reconciliation: record },
      `reconciler: ${divergence} of ${kind} ${caseId} — ${record.repair}${record.done ? '' : ' failed'}`,
    );
    return record;
  }

  private async statusOf(workflowId: string): Promise<WorkflowStatus> {
    try {
      const described = await this.temporal().client.workflow.getHandle(workflowId).describe();
      return described.status.name === 'RUNNING' ? 'running' : 'closed';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'absent';
      throw error;
    }
  }

  /**
   * The workflow's view (null while it opens) against the database's, already read; when they
   * differ both are read again 1 s later (a step may be between its commit and its reply).
   */
  private async viewsAgree(adapter: ReconciledCase, caseId: string, stored: unknown): Promise<boolean> {
    const handle = this.temporal().client.workflow.getHandle(adapter.workflowId(caseId));
    const agree = async (dbView: unknown) => {
      const held = await handle.query<unknown>('view');
      return held === null || sameView(held, dbView);
    };
    if (await agree(stored)) return true;
    await delay(SETTLE_MS);
    return agree(await adapter.view(this.deps.db, caseId));
  }

  /** Cases whose workflow never started: started now, and recorded. */
  async unstarted(input: { kind: CaseKind; before: string; at: string; limit: number }): Promise<PageResult> {
    const ids = await this.deps.cases[input.kind].unstarted(this.deps.db, new Date(input.before), input.limit);
    const repairs: RepairRecord[] = [];
    for (const id of ids) {
      beat();
      repairs.push(await this.repair(input.kind, id, 'workflow_not_started', new Date(input.at)));
    }
    return { checked: ids.length, repairs, next: null };
  }

  /** A page of the database's open cases against their workflows: missing, ended or holding another view. */
  async openCases(input: { kind: CaseKind; after: string | null; before: string; at: string; limit: number }): Promise<PageResult> {
    const adapter: ReconciledCase = this.deps.cases[input.kind];
    const ids = await adapter.openCandidates(this.deps.db, input.after, new Date(input.before), input.limit);
    const repairs: RepairRecord[] = [];
    let checked = 0;
    for (const id of ids) {
      beat();
      const view = await adapter.view(this.deps.db, id);
      if (view === null || !adapter.isOpen(view)) continue;
      checked++;
      const status = await this.statusOf(adapter.workflowId(id));
      const divergence = divergenceOfOpenCase(status, status !== 'running' || (await this.viewsAgree(adapter, id, view)));
      if (divergence) repairs.push(await this.repair(input.kind, id, divergence, new Date(input.at)));
    }
    return { checked, repairs, next: ids.length < input.limit ? null : ids[ids.length - 1]! };
  }

  /** A page of Temporal's running workflows of a kind against the database: a case closed or not held. */
  async runningWorkflows(input: { kind: CaseKind; pageToken: string | null; startedBefore: string; limit: number }): Promise<PageResult> {
    const { client, taskQueue } = this.temporal();
    const adapter: ReconciledCase = this.deps.cases[input.kind];
    let page;
    try {
      page = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        pageSize: input.limit,
        nextPageToken: input.pageToken ? Buffer.from(input.pageToken, 'base64') : undefined,
        query: `WorkflowType = '${adapter.workflowType}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}' AND StartTime < '${input.startedBefore}'`,
      });
    } catch (error) {
      // A server without visibility (the SDK's time-skipping test server) cannot list workflows:
      // this half of the comparison is skipped there, and said so.
      if (temporalUnimplemented(error)) {
        this.deps.log.warn('reconciler: this Temporal server cannot list workflows; running workflows not compared');
        return { checked: 0, repairs: [], next: null };
      }
      throw error;
    }
    const repairs: RepairRecord[] = [];
    let checked = 0;
    for (const execution of page.executions ?? []) {
      beat();
      const caseId = adapter.caseIdOf(execution.execution?.workflowId ?? '');
      if (!caseId) continue;
      checked++;
      const divergence = await this.divergenceOfRunning(adapter, caseId);
      if (divergence) repairs.push(await this.repair(input.kind, caseId, divergence, new Date()));
    }
    const token = page.nextPageToken?.length ? Buffer.from(page.nextPageToken).toString('base64') : null;
    return { checked, repairs, next: token };
  }

  private async divergenceOfRunning(adapter: ReconciledCase, caseId: string): Promise<Divergence | null> {
    const view = await adapter.view(this.deps.db, caseId);
    const divergence = divergenceOfRunningWorkflow(view === null ? 'absent' : adapter.isOpen(view) ? 'open' : 'closed');
    if (divergence !== 'case_closed') return divergence;
    // A workflow whose own view is closed is finishing the step that closed it: nothing to repair.
    const held = await this.temporal().client.workflow.getHandle(adapter.workflowId(caseId)).query<unknown>('view');
    return held !== null && !adapter.isOpen(held) ? null : divergence;
  }

  /** Clocks moved while their workflow could not be told: told now. */
  async clocks(input: { before: string; limit: number }): Promise<PageResult> {
    const { client } = this.temporal();
    const owed = await unannouncedClocks(this.deps.db, new Date(input.before), input.limit);
    const repairs: RepairRecord[] = [];
    for (const clock of owed) {
      beat();
      const owner = ownerOf(this.deps.cases, clock.workflowId);
      const record: RepairRecord = {
        kind: owner?.kind ?? 'request',
        caseId: owner?.caseId ?? clock.clockId,
        workflowId: clock.workflowId,
        divergence: 'clock_unannounced',
        repair: 'announce',
        done: true,
      };
      try {
        await client.workflow.getHandle(clock.workflowId).signal(clockChanged, { clockId: clock.clockId, version: clock.version });
      } catch (error) {
        failed(record, error);
      }
      if (record.done) await markAnnounced(this.deps.db, [clock]);
      repairs.push(record);
    }
    // What is left (or failed) is the next run's: a run never loops on a clock it cannot tell.
    return { checked: owed.length, repairs, next: null };
  }
}

/** A repair that did not take (an ended workflow has nothing left to repair: that is not a failure). */
function failed(record: RepairRecord, error: unknown): void {
  if (error instanceof WorkflowNotFoundError) return;
  record.done = false;
  record.note = error instanceof Error ? error.message.slice(0, 200) : String(error);
}

export function createReconciliationActivities(deps: ReconciliationDeps) {
  const reconciler = new Reconciler(deps);
  return {
    reconcileUnstarted: (input: Parameters<Reconciler['unstarted']>[0]) => reconciler.unstarted(input),
    reconcileOpenCases: (input: Parameters<Reconciler['openCases']>[0]) => reconciler.openCases(input),
    reconcileRunningWorkflows: (input: Parameters<Reconciler['runningWorkflows']>[0]) => reconciler.runningWorkflows(input),
    reconcileClocks: (input: Parameters<Reconciler['clocks']>[0]) => reconciler.clocks(input),
    /** Keeps the run's report (and, when it repaired anything, its audit entry); returns the run's id. */
    recordReconciliation: (input: { startedAt: string; finishedAt: string; report: RunReport }) =>
      recordRun(deps.db, { startedAt: new Date(input.startedAt), finishedAt: new Date(input.finishedAt), report: input.report }),
  };
}

/** The case a workflow id names, of whichever kind. */
function ownerOf(cases: ReconciledCases, workflowId: string): { kind: CaseKind; caseId: string } | null {
  for (const c of Object.values(cases)) {
    const caseId = c.caseIdOf(workflowId);
    if (caseId) return { kind: c.kind, caseId };
  }
  return null;
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;
