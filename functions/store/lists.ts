/**
 * The named access patterns of the design: each a Query of one index
 * partition (never a Scan). API lists return signed-cursor pages; the
 * matcher, analytics and jobs read whole partitions.
 */
import type { Match, MatchStatus, Need, Offering, Provider, Sme } from '#domain/model.ts';
import { queryAll, queryInput, queryPage, queryRaw, type PageRequest, type StoreContext } from './core.ts';
import { allPk, entityOfKey, expiryPk, marketPk, needPk, ownerPk, providerPk, smePk, statusPk, providerStatusPk } from './keys.ts';

export const listProvidersOfOwner = (ctx: StoreContext, sub: string, p: PageRequest) =>
  queryPage<Provider>(ctx, 'GSI1', ownerPk(sub), { ...p, skPrefix: 'PROVIDER#' });
export const listAllProviders = (ctx: StoreContext, p: PageRequest) => queryPage<Provider>(ctx, 'GSI2', allPk('PROVIDER'), p);
/** Providers by onboarding status (GSI5, shared with matches by status: the partition names the kind). */
export const listProvidersByStatus = (ctx: StoreContext, status: string, p: PageRequest) =>
  queryPage<Provider>(ctx, 'GSI5', providerStatusPk(status), { ...p, keep: (x) => x.status === status });
export const listSmesOfOwner = (ctx: StoreContext, sub: string, p: PageRequest) =>
  queryPage<Sme>(ctx, 'GSI1', ownerPk(sub), { ...p, skPrefix: 'SME#' });
export const listAllSmes = (ctx: StoreContext, p: PageRequest) => queryPage<Sme>(ctx, 'GSI2', allPk('SME'), p);
export const listOfferingsOfProvider = (ctx: StoreContext, providerId: string, p: PageRequest) =>
  queryPage<Offering>(ctx, 'GSI1', providerPk(providerId), { ...p, skPrefix: 'OFFERING#' });
export const listNeedsOfSme = (ctx: StoreContext, smeId: string, p: PageRequest) =>
  queryPage<Need>(ctx, 'GSI1', smePk(smeId), { ...p, skPrefix: 'NEED#', newestFirst: true });
export const listMatchesOfNeed = (ctx: StoreContext, needId: string, p: PageRequest) =>
  queryPage<Match>(ctx, 'GSI1', needPk(needId), { ...p, skPrefix: 'MATCH#', newestFirst: true });
export const listMatchesOfProvider = (ctx: StoreContext, providerId: string, p: PageRequest) =>
  queryPage<Match>(ctx, 'GSI3', providerPk(providerId), { ...p, newestFirst: true });
export const listMatchesOfSme = (ctx: StoreContext, smeId: string, p: PageRequest) =>
  queryPage<Match>(ctx, 'GSI4', smePk(smeId), { ...p, newestFirst: true });

/** The operators' review queue: by status (optionally one market), oldest first unless asked otherwise. */
export const listMatchesByStatus = (
  ctx: StoreContext,
  status: MatchStatus,
  serviceType: string | undefined,
  p: PageRequest & { newestFirst?: boolean },
) => queryPage<Match>(ctx, serviceType ? 'GSI6' : 'GSI5', statusPk(status, serviceType), { ...p, keep: (m) => m.status === status });

/** Matcher: the market's offerings (every status; the caller filters). */
export const offeringsOfMarket = (ctx: StoreContext, serviceType: string) => queryAll<Offering>(ctx, 'GSI2', marketPk(serviceType), 'OFFERING#');

/** Matcher: the market's waiting needs, oldest first. */
export const waitingNeedsOfMarket = (ctx: StoreContext, serviceType: string, limit?: number) =>
  queryAll<Need>(ctx, 'GSI2', marketPk(serviceType), 'NEED#', { keep: (n) => n.status === 'WAITING', ...(limit ? { limit } : {}) });

/** Jobs: needs and open matches of a market whose deadline or expiry is before `at` (ISO). */
export async function dueInMarket(
  ctx: StoreContext,
  serviceType: string,
  at: string,
  limit = 500,
): Promise<Array<{ kind: 'need' | 'match'; id: string }>> {
  const input = queryInput(ctx, 'EXPIRY', expiryPk(serviceType), undefined, at);
  input.Limit = limit;
  const { entries } = await queryRaw(ctx, input);
  // KEYS_ONLY: the table key names the entity; only needs and matches have deadlines.
  return entries.flatMap((i) => {
    const ref = entityOfKey({ pk: i.pk, sk: i.sk });
    return ref && (ref.kind === 'need' || ref.kind === 'match') ? [{ kind: ref.kind, id: ref.id }] : [];
  });
}
