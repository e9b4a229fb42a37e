/**
 * Policy profiles (政策配置): the limits of every timed step, as versioned data. The center
 * edits a profile by creating a new version; open clocks keep the version they started with.
 * `shanghai-1515` is the default; another profile (e.g. a national one) needs no code.
 */

export interface PolicySettings {
  /** Working days of each track, filing to delivery. */
  trackDays: { track1: number; track5: number; track15: number };
  /** The requester's time to answer a supplement request (补正) before the request lapses. */
  supplementAnswerDays: number;
  /** Reply due on a supervision notice (督办). */
  supervisionReplyDays: number;
  /** Working days after a breach before a still-open step goes to level 2. */
  levelTwoAfterDays: number;
  /**
   * Working days a party receiving an overdue step has before it is charged (the center after a
   * late approval): the lateness so far is the previous party's.
   */
  handoverGraceDays: number;
  /** Longest extension (延期) of a step; null: the step's own length. */
  extensionCapDays: number | null;
  disputeWindowDays: number;
  disputeDecisionDays: number;
  grantExpiryReminderDays: number;
  /**
   * The objection process (异议核实): the center accepts, traces fused data, gives feedback and
   * decides a contest; each source department verifies; the objector may contest after feedback.
   */
  objectionDays: ObjectionDays;
  /** Approve automatically when the owner lets the deadline pass (off by default). */
  autoApproveOnTimeout: boolean;
}

export interface ObjectionDays {
  accept: number;
  trace: number;
  verify: number;
  feedback: number;
  contest: number;
  contestDecision: number;
}

export interface PolicyProfile {
  name: string;
  version: number;
  settings: PolicySettings;
}

export const DEFAULT_POLICY_NAME = 'shanghai-1515';

export const SHANGHAI_1515: PolicySettings = {
  trackDays: { track1: 1, track5: 5, track15: 15 },
  supplementAnswerDays: 10,
  supervisionReplyDays: 3,
  levelTwoAfterDays: 5,
  handoverGraceDays: 1,
  extensionCapDays: null,
  disputeWindowDays: 10,
  disputeDecisionDays: 10,
  grantExpiryReminderDays: 10,
  objectionDays: { accept: 1, trace: 2, verify: 5, feedback: 1, contest: 5, contestDecision: 5 },
  autoApproveOnTimeout: false,
};

const DAY_LIMITS: [string, (s: PolicySettings) => number][] = [
  ['trackDays.track1', (s) => s.trackDays.track1],
  ['trackDays.track5', (s) => s.trackDays.track5],
  ['trackDays.track15', (s) => s.trackDays.track15],
  ['supplementAnswerDays', (s) => s.supplementAnswerDays],
  ['supervisionReplyDays', (s) => s.supervisionReplyDays],
  ['levelTwoAfterDays', (s) => s.levelTwoAfterDays],
  ['handoverGraceDays', (s) => s.handoverGraceDays],
  ['disputeWindowDays', (s) => s.disputeWindowDays],
  ['disputeDecisionDays', (s) => s.disputeDecisionDays],
  ['grantExpiryReminderDays', (s) => s.grantExpiryReminderDays],
  ['objectionDays.accept', (s) => s.objectionDays.accept],
  ['objectionDays.trace', (s) => s.objectionDays.trace],
  ['objectionDays.verify', (s) => s.objectionDays.verify],
  ['objectionDays.feedback', (s) => s.objectionDays.feedback],
  ['objectionDays.contest', (s) => s.objectionDays.contest],
  ['objectionDays.contestDecision', (s) => s.objectionDays.contestDecision],
];

/**
 * Settings as stored, with the defaults of settings added since the version was written (a
 * version keeps meaning what it meant: the defaults are the behaviour before the setting existed
 * or the city's rule, whichever the setting's comment names).
 */
export function withSettingDefaults(
  stored: Omit<PolicySettings, 'handoverGraceDays' | 'objectionDays'> & Partial<PolicySettings>,
): PolicySettings {
  return {
    ...stored,
    handoverGraceDays: stored.handoverGraceDays ?? SHANGHAI_1515.handoverGraceDays,
    // The city's defaults for the objection process (DESIGN: accept 1, trace 2, verify 5, feedback 1; contest 5 / decide 5).
    objectionDays: stored.objectionDays ?? SHANGHAI_1515.objectionDays,
  };
}

/** Every reason the settings cannot be a profile version; empty when they can. */
export function policyProblems(settings: PolicySettings): string[] {
  const problems: string[] = [];
  for (const [path, read] of DAY_LIMITS) {
    const days = read(settings);
    if (!Number.isInteger(days) || days < 1 || days > 250) problems.push(`${path}: a limit is 1 to 250 working days`);
  }
  const { track1, track5, track15 } = settings.trackDays;
  if (track1 > track5 || track5 > track15) problems.push('trackDays: track 1 ≤ track 5 ≤ track 15');
  if (
    settings.extensionCapDays !== null &&
    (!Number.isInteger(settings.extensionCapDays) || settings.extensionCapDays < 1 || settings.extensionCapDays > 250)
  ) {
    problems.push('extensionCapDays: null (the step’s own length) or 1 to 250 working days');
  }
  // DESIGN allows a profile to approve on timeout; no issue has asked for it, so a profile that
  // turns it on is refused rather than silently ignored.
  if (settings.autoApproveOnTimeout)
    problems.push('autoApproveOnTimeout: automatic approval on timeout is not available; a person decides every request');
  return problems;
}

export type Track = 1 | 5 | 15;

export function trackDays(settings: PolicySettings, track: Track): number {
  return track === 1 ? settings.trackDays.track1 : track === 5 ? settings.trackDays.track5 : settings.trackDays.track15;
}

/** The longest extension of a step of the given length. */
export function extensionCap(settings: PolicySettings, stepDays: number): number {
  return settings.extensionCapDays ?? stepDays;
}

/** The longest extension a track's step may have under these settings. */
export function trackExtensionCap(settings: PolicySettings, track: Track): number {
  return extensionCap(settings, trackDays(settings, track));
}
