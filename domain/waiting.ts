/**
 * Why a need waits: the reason codes of the HTTP contract (api.md, "Why a
 * need waits"), computed from the same eligibility rules the round applied
 * (checkEligibility, whose failures carry these codes) and from what the
 * round did with the capacity of the offerings that could have served the
 * need. Pure: the round calls it for each need it leaves waiting and stores
 * the result on the need.
 *
 * `count` is how many offerings fell to a reason. An offering that fails
 * several rules counts under each (an SME reads "3 offerings do not serve
 * your province, 2 do not speak your language": each is something it could
 * change). Capacity reasons count only offerings that pass every other rule,
 * since a full offering that could not serve the need anyway explains nothing.
 */
import type { Need } from './model.ts';
import { checkEligibility, type Eligibility, type EligibilityCandidate, type EligibilityRule, type NeedFacts } from './scoring.ts';

export { WAITING_REASON_CODES, type WaitingReasonCode } from './waiting-codes.ts';
import { WAITING_REASON_CODES, type WaitingReasonCode } from './waiting-codes.ts';

export interface WaitingReason {
  code: WaitingReasonCode;
  /** How many offerings fell to this reason (absent when the reason is about the need or SME itself). */
  count?: number;
  /** Which finer rule or party, where the code covers several: see waitingReasons. */
  detail?: string;
}

/** What the round did with capacity. */
export interface RoundOutcome {
  /** Units of each offering the round assigned, by offering id (every assignment of the solution). */
  assigned: ReadonlyMap<string, number>;
  /** The offering the round assigned to this need, if it did and the proposal then failed: that unit was not given to another. */
  assignedToThisNeed?: string;
  /** False when the round left the need out: a round takes a bounded number of waiting needs. @default true */
  considered?: boolean;
}

export interface WaitingInput {
  need: Need;
  /** The market's offerings as the round saw them, paused ones included, with provider standing and capacity at the round's start. */
  offerings: readonly EligibilityCandidate[];
  now: Date;
  outcome: RoundOutcome;
  /** Facts about the need the need item does not hold (its voucher's balance). */
  facts?: NeedFacts;
  /** The SME is suspended by an operator: nothing is matched for it. */
  smeSuspended?: boolean;
}

/** Counts the solver's assignments per offering, for RoundOutcome.assigned. */
export function assignedPerOffering(assignments: readonly { offering: string }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of assignments) out.set(a.offering, (out.get(a.offering) ?? 0) + 1);
  return out;
}

/** Rules that take the offering off the market for everyone: the need's own facts are beside the point. */
const STANDING_RULES: readonly EligibilityRule[] = ['providerSuspended', 'providerNotApproved'];

type FailureKind =
  | { kind: 'offMarket' }
  | { kind: 'paused' }
  | { kind: 'suspended' }
  | { kind: 'notApproved' }
  | { kind: 'full' }
  | { kind: 'rules'; codes: readonly WaitingReasonCode[]; eligibility: readonly string[] };

/**
 * What a failed check means for a waiting need, worked out once per set of
 * failed rules (checkEligibility shares one answer per set): a round explains
 * thousands of needs against every offering of its market.
 */
const failureKinds = new WeakMap<object, FailureKind>();
function failureKind(e: Extract<Eligibility, { eligible: false }>): FailureKind {
  let f = failureKinds.get(e);
  if (!f) {
    const { reasons } = e;
    if (reasons.includes('serviceType')) f = { kind: 'offMarket' };
    else if (reasons.includes('paused')) f = { kind: 'paused' };
    else if (reasons.includes('providerSuspended')) f = { kind: 'suspended' };
    else if (reasons.some((r) => STANDING_RULES.includes(r))) f = { kind: 'notApproved' };
    else {
      const pairRules = reasons.filter((r) => r !== 'noCapacity');
      f =
        pairRules.length === 0
          ? { kind: 'full' }
          : {
              kind: 'rules',
              codes: [...new Set(e.codes.filter((k) => k !== 'CAPACITY_FULL'))],
              eligibility: (['sizeClass', 'tier'] as const).filter((r) => pairRules.includes(r)),
            };
    }
    failureKinds.set(e, f);
  }
  return f;
}

/**
 * The reasons this need waits, in WAITING_REASON_CODES order; never empty.
 *
 * - `SUSPENDED` with detail `sme`: the SME is suspended (the only reason given);
 *   with detail `provider`: offerings whose provider is suspended.
 * - `NO_OFFERING`: no active offering of the service type (detail: how many are paused).
 * - `PROVIDER_NOT_APPROVED`: offerings whose provider awaits approval.
 * - `REGION`, `LANGUAGE`, `MARKETS`, `BUDGET`, `VOUCHER`, `LEAD_TIME`, `EXCLUDED`,
 *   `ELIGIBILITY` (detail: `sizeClass`, `tier` or both): offerings failing that rule.
 * - `CAPACITY_FULL`: offerings that could serve the need but had no unit left
 *   when the round began; with detail `claim-refused`, the offering the round gave
 *   this need whose ledger then refused the claim (capacity lowered meanwhile).
 * - `OUTRANKED`: offerings that could serve the need and whose free units the
 *   round gave to other needs; with detail `not-in-round`, the round did not
 *   take this need (bounded rounds), counting the offerings that could serve it.
 */
export function waitingReasons(input: WaitingInput): WaitingReason[] {
  const { need, offerings, now, outcome, facts } = input;
  if (input.smeSuspended) return [{ code: 'SUSPENDED', detail: 'sme' }];

  const counts = new Map<WaitingReasonCode, number>();
  const details = new Map<WaitingReasonCode, Set<string>>();
  const note = (code: WaitingReasonCode, detail: string) => details.set(code, (details.get(code) ?? new Set()).add(detail));
  const add = (code: WaitingReasonCode, detail?: string) => {
    counts.set(code, (counts.get(code) ?? 0) + 1);
    if (detail) note(code, detail);
  };
  let onMarket = 0;
  let paused = 0;

  for (const c of offerings) {
    const e = checkEligibility(need, c, now, facts);
    if (e.eligible) {
      onMarket++;
      couldServe(c, outcome, need.id, add);
      continue;
    }
    const f = failureKind(e);
    if (f.kind === 'offMarket') continue; // another market's offering
    if (f.kind === 'paused') {
      paused++;
      continue;
    }
    onMarket++;
    if (f.kind === 'suspended') add('SUSPENDED', 'provider');
    else if (f.kind === 'notApproved') add('PROVIDER_NOT_APPROVED');
    else if (f.kind === 'full') add('CAPACITY_FULL');
    else {
      // One count per code and offering, whatever the number of rules behind it.
      for (const code of f.codes) add(code);
      for (const d of f.eligibility) note('ELIGIBILITY', d);
    }
  }

  if (onMarket === 0) return [paused > 0 ? { code: 'NO_OFFERING', detail: `${paused} paused` } : { code: 'NO_OFFERING' }];
  return WAITING_REASON_CODES.filter((code) => counts.has(code)).map((code) => {
    const d = details.get(code);
    return d ? { code, count: counts.get(code)!, detail: [...d].sort().join(' ') } : { code, count: counts.get(code)! };
  });
}

/** An offering that could serve the need with capacity at the round's start: what did the round do with it? */
function couldServe(c: EligibilityCandidate, outcome: RoundOutcome, needId: string, add: (code: WaitingReasonCode, detail?: string) => void) {
  if (outcome.considered === false) return add('OUTRANKED', 'not-in-round');
  // The round chose this offering for this need and the claim failed: the
  // ledger refused it, which happens only when its limit fell meanwhile.
  const own = outcome.assignedToThisNeed === c.offering.id;
  const toOthers = (outcome.assigned.get(c.offering.id) ?? 0) - (own ? 1 : 0);
  if (own && toOthers < c.limit - c.used) return add('CAPACITY_FULL', 'claim-refused');
  // Otherwise its free units went to other needs (with the exact solver, the
  // only way an offering that could serve a need leaves it unserved).
  return add('OUTRANKED');
}
