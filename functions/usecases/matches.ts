/**
 * Matches as their parties and operators see and move them: the review
 * queue, reading one, and each step of its lifecycle (the state machine is
 * domain/lifecycle.ts; writing and follow-ups are lifecycle.ts here).
 *
 * Visibility: operators see every match; the SME and the provider of a match
 * see it; anyone else is told it does not exist. Every match returned carries
 * its context, each party's contact only as match-context.ts allows.
 */
import { standingOf } from '#domain/credentials.ts';
import { Conflict, Forbidden, NotFound } from '#domain/errors.ts';
import { OPEN_MATCH_STATUSES, type MatchCommand } from '#domain/lifecycle.ts';
import type { Match, MatchStatus, Provider, ResolveBody, Sme } from '#domain/model.ts';
import { SYSTEM_REASONS } from '#domain/system-reasons.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { transitionMatch } from './lifecycle.ts';
import { presentMatch, presentPage } from './match-context.ts';

type Party = 'sme' | 'provider';

/** Absent, and not the caller's to see, look the same. */
export const matchNotFound = () => new NotFound('match not found');
const notFound = matchNotFound;

function partyOf(caller: Caller, m: Match): Party | 'operator' | undefined {
  if (caller.role === 'operator') return 'operator';
  if (caller.role === 'sme' && m.smeOwnerSub === caller.sub) return 'sme';
  if (caller.role === 'provider' && m.providerOwnerSub === caller.sub) return 'provider';
  return undefined;
}

/** Throws unless the caller is one of `allowed` parties of the match (an operator is no party). */
export function assertParty(caller: Caller, m: Match, allowed: readonly Party[]): Party {
  const party = partyOf(caller, m);
  if (!party || party === 'operator') throw notFound();
  if (!allowed.includes(party)) throw new Forbidden(`the ${party} of a match may not do this`);
  return party;
}

export async function reviewQueue(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  caller: Caller,
  q: { status: MatchStatus; serviceType: string | undefined; newestFirst: boolean; page: PageRequest },
): Promise<Page<Stored<Match>>> {
  return presentPage(ports, caller, await ports.store.listMatchesByStatus(q.status, q.serviceType, { ...q.page, newestFirst: q.newestFirst }));
}

export async function getMatch(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, matchId: string): Promise<Stored<Match>> {
  const m = await ports.store.get('match', matchId);
  if (!m || !partyOf(caller, m)) throw notFound();
  return presentMatch(ports, caller, m);
}

/** A step of the lifecycle by `caller`, answered with the match as that caller sees it. */
async function step(ports: AppPorts, caller: Caller, moved: Promise<Stored<Match>>): Promise<Stored<Match>> {
  return presentMatch(ports, caller, await moved);
}

/** The parties of a match, read strongly consistent. */
interface Parties {
  sme: Stored<Sme> | undefined;
  provider: Stored<Provider> | undefined;
}

async function readParties(ports: Pick<AppPorts, 'store'>, m: Match): Promise<Parties> {
  const [sme, provider] = await Promise.all([ports.store.get('sme', m.smeId, true), ports.store.get('provider', m.providerId, true)]);
  return { sme, provider };
}

/**
 * Why a party of the match may not go on with it now, or undefined: the SME
 * is suspended, or the provider is suspended or not (or no longer) APPROVED
 * (its designation lapsed).
 */
function outOfStanding({ sme, provider }: Parties, now: Date): string | undefined {
  if (sme?.suspension) return SYSTEM_REASONS.MATCH_SME_SUSPENDED.en;
  if (!provider) return undefined;
  const standing = standingOf(provider, now);
  if (standing.providerSuspended) return SYSTEM_REASONS.MATCH_PROVIDER_SUSPENDED.en;
  if (!standing.providerApproved) return SYSTEM_REASONS.MATCH_PROVIDER_NOT_APPROVED.en;
  return undefined;
}

/**
 * A step that moves a match forward (approve, accept) rechecks both parties
 * first. Why here and not only in the suspension's scan: a market round that
 * read the parties before a suspension can write its PROPOSED match after the
 * suspension's scan of open matches, so the scan never sees it. Any match
 * exists before it can be approved or accepted, and the suspension is
 * written before its scan, so this read sees every suspension whose scan
 * could have missed the match; one landing after this read is caught by that
 * scan (it finds the match open, or this step's write loses to its cancel).
 * The match is then cancelled through the lifecycle (capacity and voucher
 * hold released, MatchCancelled in the outbox) and the caller told 409.
 *
 * Each record is read once: the step starts from the match read here, and
 * the answer's party summaries come from the standing read (tests/integration/match-step-reads.test.ts).
 */
async function forward(
  ports: AppPorts,
  caller: Caller,
  matchId: string,
  cmd: Extract<MatchCommand, 'approve' | 'accept'>,
  by: 'operator' | Party,
  authorize?: (m: Stored<Match>) => void,
): Promise<Stored<Match>> {
  const m = await ports.store.get('match', matchId, true);
  if (!m) throw notFound();
  // Visibility first: a stranger learns nothing of the parties' standing.
  authorize?.(m);
  // A closed match gets the state machine's own 409 below.
  const parties = OPEN_MATCH_STATUSES.includes(m.status) ? await readParties(ports, m) : undefined;
  const fault = parties && outOfStanding(parties, ports.clock.now());
  if (fault) {
    try {
      await transitionMatch(ports, m.id, 'cancel', 'system', { reason: fault, current: m });
    } catch (e) {
      // Closed meanwhile by someone else: left to its own follow-up.
      if (!(e instanceof Conflict)) throw e;
    }
    throw new Conflict(`cannot ${cmd} this match: ${fault}, so the match is cancelled`);
  }
  const moved = await transitionMatch(ports, matchId, cmd, by, { ...(authorize ? { authorize } : {}), notFound, current: m });
  return presentMatch(ports, caller, moved, parties);
}

export const approveMatch = (ports: AppPorts, caller: Caller, matchId: string) => forward(ports, caller, matchId, 'approve', 'operator');

export const rejectMatch = (ports: AppPorts, caller: Caller, matchId: string, reason: string) =>
  step(ports, caller, transitionMatch(ports, matchId, 'reject', 'operator', { reason, notFound }));

/** By the SME or the provider of the match; CONFIRMED once both accepted. */
export const acceptMatch = (ports: AppPorts, caller: Caller, matchId: string) =>
  forward(ports, caller, matchId, 'accept', caller.role as Party, (m) => {
    assertParty(caller, m, ['sme', 'provider']);
  });

export const declineMatch = (ports: AppPorts, caller: Caller, matchId: string, reason: string | undefined) =>
  step(
    ports,
    caller,
    transitionMatch(ports, matchId, 'decline', caller.role as Party, {
      ...(reason ? { reason } : {}),
      authorize: (m) => assertParty(caller, m, ['sme', 'provider']),
      notFound,
    }),
  );

/** The provider of the match says the work is done: CONFIRMED -> DELIVERED; the SME has AUTO_CONFIRM_DAYS to answer. */
export const deliverMatch = (ports: AppPorts, caller: Caller, matchId: string) =>
  step(ports, caller, transitionMatch(ports, matchId, 'deliver', 'provider', { authorize: (m) => assertParty(caller, m, ['provider']), notFound }));

/** The SME of the match accepts the delivery: DELIVERED -> COMPLETED; the need is fulfilled. */
export const confirmDelivery = (ports: AppPorts, caller: Caller, matchId: string) =>
  step(ports, caller, transitionMatch(ports, matchId, 'confirm', 'sme', { authorize: (m) => assertParty(caller, m, ['sme']), notFound }));

/** The SME of the match disputes the delivery: DELIVERED -> DISPUTED, for an operator to resolve. */
export const disputeDelivery = (ports: AppPorts, caller: Caller, matchId: string, reason: string) =>
  step(ports, caller, transitionMatch(ports, matchId, 'dispute', 'sme', { reason, authorize: (m) => assertParty(caller, m, ['sme']), notFound }));

/**
 * An operator settles a dispute: COMPLETED (the need is fulfilled) or
 * CANCELLED (the capacity is released and the need waits again, never to be
 * offered that offering). The note is kept in the match's history.
 */
export const resolveDispute = (ports: AppPorts, caller: Caller, matchId: string, body: ResolveBody) =>
  step(
    ports,
    caller,
    transitionMatch(ports, matchId, body.outcome === 'COMPLETED' ? 'resolveCompleted' : 'resolveCancelled', 'operator', { reason: body.note, notFound }),
  );
