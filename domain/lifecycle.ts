/**
 * The need and match state machines. Every legal move is listed in a table;
 * anything else throws Conflict (409), so a late or duplicated command can
 * never move an entity backwards or out of a final state.
 */
import { Conflict } from './errors.ts';
import type { Actor, HistoryEntry, MatchStatus, NeedStatus } from './model.ts';

// ---------------------------------------------------------------- needs
export type NeedTransition = 'propose' | 'reopen' | 'confirm' | 'fulfil' | 'withdraw' | 'expire';

const NEED_TRANSITIONS: Readonly<Record<NeedTransition, Partial<Record<NeedStatus, NeedStatus>>>> = {
  propose: { WAITING: 'PROPOSED' },
  // The proposed match was rejected, declined, expired or cancelled, or a
  // confirmed one was cancelled when its dispute was resolved: wait again.
  reopen: { PROPOSED: 'WAITING', MATCHED: 'WAITING' },
  confirm: { PROPOSED: 'MATCHED' },
  fulfil: { MATCHED: 'FULFILLED' },
  // A MATCHED need has both parties committed: it ends by fulfilment, not withdrawal.
  withdraw: { WAITING: 'WITHDRAWN', PROPOSED: 'WITHDRAWN' },
  expire: { WAITING: 'EXPIRED', PROPOSED: 'EXPIRED' },
};

export function nextNeedStatus(from: NeedStatus, t: NeedTransition): NeedStatus {
  const to = NEED_TRANSITIONS[t]?.[from];
  if (to === undefined) throw new Conflict(`cannot ${t} a need that is ${from}`);
  return to;
}

// ---------------------------------------------------------------- matches
export type MatchCommand =
  | 'approve'
  | 'reject'
  | 'accept'
  | 'decline'
  | 'deliver'
  | 'confirm'
  | 'dispute'
  | 'resolveCompleted'
  | 'resolveCancelled'
  | 'expire'
  | 'cancel';

export interface MatchState {
  status: MatchStatus;
  smeAccepted: boolean;
  providerAccepted: boolean;
}

interface MatchRule {
  from: readonly MatchStatus[];
  by: readonly Actor[];
  /** Absent for accept, whose outcome depends on the other party's flag. */
  to?: MatchStatus;
}

const MATCH_RULES: Readonly<Record<MatchCommand, MatchRule>> = {
  approve: { from: ['PROPOSED'], by: ['operator'], to: 'APPROVED' },
  reject: { from: ['PROPOSED'], by: ['operator'], to: 'REJECTED' },
  accept: { from: ['APPROVED'], by: ['sme', 'provider'] },
  decline: { from: ['APPROVED'], by: ['sme', 'provider'], to: 'DECLINED' },
  // Delivery: the provider says the work is done; the SME confirms or disputes it.
  deliver: { from: ['CONFIRMED'], by: ['provider'], to: 'DELIVERED' },
  // The system confirms for an SME who left a delivery alone for AUTO_CONFIRM_DAYS.
  confirm: { from: ['DELIVERED'], by: ['sme', 'system'], to: 'COMPLETED' },
  dispute: { from: ['DELIVERED'], by: ['sme'], to: 'DISPUTED' },
  // An operator settles a dispute one way or the other (POST /resolve { outcome }).
  resolveCompleted: { from: ['DISPUTED'], by: ['operator'], to: 'COMPLETED' },
  resolveCancelled: { from: ['DISPUTED'], by: ['operator'], to: 'CANCELLED' },
  expire: { from: ['PROPOSED', 'APPROVED'], by: ['system'], to: 'EXPIRED' },
  cancel: { from: ['PROPOSED', 'APPROVED'], by: ['system'], to: 'CANCELLED' },
};

/**
 * The state after `cmd` by `by`, and the history entry to record. Accept sets
 * the acting party's flag; the second acceptance confirms the match.
 */
export function applyMatchCommand(
  s: MatchState,
  cmd: MatchCommand,
  by: Actor,
): MatchState & { entry: HistoryEntry['status'] } {
  const rule = MATCH_RULES[cmd];
  if (rule === undefined) throw new Conflict(`unknown match command ${String(cmd)}`);
  // The actor is checked first: a wrong actor is the caller's bug whatever the status.
  if (!rule.by.includes(by)) {
    throw new Conflict(`the ${by} cannot ${cmd} a match (only the ${rule.by.join(' or the ')} can)`);
  }
  if (!rule.from.includes(s.status)) throw new Conflict(`cannot ${cmd} a match that is ${s.status}`);

  if (cmd === 'accept') {
    const sme = by === 'sme';
    if (sme ? s.smeAccepted : s.providerAccepted) throw new Conflict(`the ${by} has already accepted this match`);
    const smeAccepted = s.smeAccepted || sme;
    const providerAccepted = s.providerAccepted || !sme;
    if (smeAccepted && providerAccepted) return { status: 'CONFIRMED', smeAccepted, providerAccepted, entry: 'CONFIRMED' };
    return { status: 'APPROVED', smeAccepted, providerAccepted, entry: sme ? 'SME_ACCEPTED' : 'PROVIDER_ACCEPTED' };
  }

  // Every rule but accept's names its target status.
  const to = rule.to!;
  return { status: to, smeAccepted: s.smeAccepted, providerAccepted: s.providerAccepted, entry: to };
}

/** Ending in one of these gives the claimed capacity back. */
export const RELEASING_STATUSES: readonly MatchStatus[] = ['REJECTED', 'DECLINED', 'EXPIRED', 'CANCELLED'];
/** The offering was refused for the need: never propose it again for that need. */
export const EXCLUDING_STATUSES: readonly MatchStatus[] = ['REJECTED', 'DECLINED'];
/** Matches still waiting on someone; these expire after the configured time. */
export const OPEN_MATCH_STATUSES: readonly MatchStatus[] = ['PROPOSED', 'APPROVED'];
/** Both parties committed and the work not settled yet: delivery timers run. */
export const DELIVERY_STATUSES: readonly MatchStatus[] = ['CONFIRMED', 'DELIVERED'];
/** Not final: a profile change refreshes the summaries these carry. */
export const LIVE_MATCH_STATUSES: readonly MatchStatus[] = ['PROPOSED', 'APPROVED', 'CONFIRMED', 'DELIVERED', 'DISPUTED'];
/**
 * From CONFIRMED on, each party may see the other's contact: both committed,
 * so they must be able to reach each other. Before that (and to anyone else)
 * a contact is private; operators always see both.
 */
export const CONTACT_VISIBLE_STATUSES: readonly MatchStatus[] = ['CONFIRMED', 'DELIVERED', 'DISPUTED', 'COMPLETED'];
