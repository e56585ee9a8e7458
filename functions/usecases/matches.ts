/**
 * Matches as their parties and operators see and move them: the review
 * queue, reading one, and each step of its lifecycle (the state machine is
 * domain/lifecycle.ts; writing and follow-ups are lifecycle.ts here).
 *
 * Visibility: operators see every match; the SME and the provider of a match
 * see it; anyone else is told it does not exist.
 */
import { Forbidden, NotFound } from '#domain/errors.ts';
import type { Match, MatchStatus } from '#domain/model.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { transitionMatch } from './lifecycle.ts';

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
  ports: Pick<AppPorts, 'store'>,
  q: { status: MatchStatus; serviceType: string | undefined; newestFirst: boolean; page: PageRequest },
): Promise<Page<Stored<Match>>> {
  return ports.store.listMatchesByStatus(q.status, q.serviceType, { ...q.page, newestFirst: q.newestFirst });
}

export async function getMatch(ports: Pick<AppPorts, 'store'>, caller: Caller, matchId: string): Promise<Stored<Match>> {
  const m = await ports.store.get('match', matchId);
  if (!m || !partyOf(caller, m)) throw notFound();
  return m;
}

export const approveMatch = (ports: AppPorts, matchId: string) => transitionMatch(ports, matchId, 'approve', 'operator', { notFound });

export const rejectMatch = (ports: AppPorts, matchId: string, reason: string) =>
  transitionMatch(ports, matchId, 'reject', 'operator', { reason, notFound });

/** By the SME or the provider of the match; CONFIRMED once both accepted. */
export const acceptMatch = (ports: AppPorts, caller: Caller, matchId: string) =>
  transitionMatch(ports, matchId, 'accept', caller.role as Party, {
    authorize: (m) => assertParty(caller, m, ['sme', 'provider']),
    notFound,
  });

export const declineMatch = (ports: AppPorts, caller: Caller, matchId: string, reason: string | undefined) =>
  transitionMatch(ports, matchId, 'decline', caller.role as Party, {
    ...(reason ? { reason } : {}),
    authorize: (m) => assertParty(caller, m, ['sme', 'provider']),
    notFound,
  });

export const completeMatch = (ports: AppPorts, caller: Caller, matchId: string) =>
  transitionMatch(ports, matchId, 'complete', 'provider', { authorize: (m) => assertParty(caller, m, ['provider']), notFound });
