/**
 * The grant lifecycle (DESIGN.md, grants), pure: `active → expiring (the reminder before the end)
 * → expired`, `suspended ⇄ active` and `revoked`, each person's action with who may take it. The
 * grant's workflow asks this before it changes anything; the database stores the result.
 */
export const GRANT_STATES = ['active', 'expiring', 'suspended', 'expired', 'revoked'] as const;
export type GrantState = (typeof GRANT_STATES)[number];

export const GRANT_STATE_LABELS: Record<GrantState, string> = {
  active: '有效',
  expiring: '即将到期',
  suspended: '已暂停',
  expired: '已到期',
  revoked: '已撤销',
};

/** The grant's end states: nothing changes a grant in them. */
export const FINAL_GRANT_STATES: readonly GrantState[] = ['expired', 'revoked'];

/** Who acts on a grant: its holder (the requester department), the data's owner, the center, or the platform's timers. */
export type GrantParty = 'requester' | 'owner' | 'center' | 'system';

export const GRANT_ACTIONS = ['remind', 'expire', 'suspend', 'resume', 'revoke'] as const;
export type GrantAction = (typeof GRANT_ACTIONS)[number];

interface Rule {
  from: readonly GrantState[];
  parties: readonly GrantParty[];
  /** Where it leads; `resume` returns to where the grant would be had it not been suspended. */
  to: GrantState | ((reminded: boolean) => GrantState);
  /** The owner or the center states why (shown to the holder, kept in the history). */
  reasonRequired: boolean;
}

const LIVE: readonly GrantState[] = ['active', 'expiring'];

export const GRANT_RULES: Record<GrantAction, Rule> = {
  remind: { from: ['active'], parties: ['system'], to: 'expiring', reasonRequired: false },
  // A suspended grant still ends on its date: suspension stops use, not time.
  expire: { from: ['active', 'expiring', 'suspended'], parties: ['system'], to: 'expired', reasonRequired: false },
  suspend: { from: LIVE, parties: ['owner', 'center'], to: 'suspended', reasonRequired: true },
  resume: { from: ['suspended'], parties: ['owner', 'center'], to: (reminded) => (reminded ? 'expiring' : 'active'), reasonRequired: true },
  revoke: { from: [...LIVE, 'suspended'], parties: ['owner', 'center'], to: 'revoked', reasonRequired: true },
};

/** Where the action leads from `state`, or null when it is not allowed (for that party, in that state). */
export function nextGrantState(state: GrantState, action: GrantAction, party: GrantParty, reminded = false): GrantState | null {
  const rule = GRANT_RULES[action];
  if (!rule.from.includes(state) || !rule.parties.includes(party)) return null;
  return typeof rule.to === 'function' ? rule.to(reminded) : rule.to;
}

/** A grant the exchange may deliver under (its validity checked apart). */
export const isUsable = (state: GrantState): boolean => LIVE.includes(state);
