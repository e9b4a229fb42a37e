/**
 * What the dashboard's figures mean, stated once. The cohort of a period is the requests filed in
 * it. A request's track step (its 1, 5 or 15 working-day clock) is **met** when it stopped in
 * time, **breached** when it is late — stopped late, or still open and already breached — and
 * **pending** while open and not late; the on-time rate is met ÷ (met + breached), pending not
 * counted. Working-day spans count the working days d with start date < d ≤ end date (the SLA
 * clock's own counting, DESIGN.md), so a decision on the filing date takes 0 days.
 */

export type Outcome = 'met' | 'breached' | 'pending';

/**
 * The due lists an open, running step is on now: overdue once its deadline instant has passed
 * (or its breach is recorded); due today on its deadline date; due the next working day when
 * that day is its deadline date (remaining = 1 in the clock's counting). The 90th percentile of
 * working days to decide is the nearest rank (PostgreSQL's percentile_disc).
 */
export const DUE_BUCKETS = ['overdue', 'due_today', 'due_next_working_day'] as const;
export type DueBucket = (typeof DUE_BUCKETS)[number];

/** The on-time rate: null when nothing is decided yet (no rate is better than a made-up 100 %). */
export function onTimeRate(met: number, breached: number): number | null {
  return met + breached === 0 ? null : met / (met + breached);
}

/** A request's track step as the dashboard counts it, from its clock's outcome (met, breached or none yet). */
export function outcomeOf(clockOutcome: string | null): Outcome {
  return clockOutcome === 'met' ? 'met' : clockOutcome === 'breached' ? 'breached' : 'pending';
}
