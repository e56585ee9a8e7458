/**
 * Who and what a match is about, as the people reading it need it: short
 * summaries of its SME, provider, offering and need, kept on the match itself
 * (the matcher writes them; the profiles consumer refreshes them when a
 * profile changes), so a page of matches costs no look-up per item. Matches
 * written before the summaries existed get them from one batch read per page.
 *
 * And the one rule on contacts: each party sees the other's contact only once
 * the match is CONFIRMED or later; operators always see both.
 */
import { CONTACT_VISIBLE_STATUSES } from '#domain/lifecycle.ts';
import { dayOf, effectiveTier } from '#domain/verification.ts';
import {
  NEED_SUMMARY_CHARS,
  type Match,
  type Need,
  type NeedSummary,
  type Offering,
  type OfferingSummary,
  type Provider,
  type ProviderSummary,
  type Sme,
  type SmeSummary,
} from '#domain/model.ts';
import type { AppPorts, Caller, Page, Stored } from '#functions/ports.ts';

/** `tier` is the verified tier as of `now` (the one the plan's priority counts), not the declared one. */
export function smeSummary(s: Sme, now: Date): SmeSummary {
  return {
    id: s.id,
    name: s.name,
    province: s.region.province,
    ...(s.region.city ? { city: s.region.city } : {}),
    industry: s.industry,
    tier: effectiveTier(s.tierVerification, dayOf(now)),
    ...(s.contact ? { contact: s.contact } : {}),
  };
}

export function providerSummary(p: Provider): ProviderSummary {
  return { id: p.id, name: p.name, rating: p.rating, ratingCount: p.ratingCount, ...(p.contact ? { contact: p.contact } : {}) };
}

export function offeringSummary(o: Offering): OfferingSummary {
  return {
    id: o.id,
    title: o.title,
    ...(o.priceMin !== undefined ? { priceMin: o.priceMin } : {}),
    ...(o.priceMax !== undefined ? { priceMax: o.priceMax } : {}),
    remote: o.remote,
  };
}

/** The description is cut (by characters, not UTF-16 units, so no Chinese character is split) to keep the match item small. */
export function needSummary(n: Need): NeedSummary {
  const chars = Array.from(n.description);
  const description = chars.length > NEED_SUMMARY_CHARS ? `${chars.slice(0, NEED_SUMMARY_CHARS - 1).join('')}…` : n.description;
  return { id: n.id, description, deadline: n.deadline, ...(n.budgetMax !== undefined ? { budgetMax: n.budgetMax } : {}) };
}

/** The summaries a new match carries; a profile that could not be read is left for the read path to fill in. */
export function matchContext(
  parts: { sme?: Sme | undefined; provider?: Provider | undefined; offering: Offering; need: Need },
  now: Date,
): Pick<Match, 'sme' | 'provider' | 'offering' | 'need'> {
  return {
    ...(parts.sme ? { sme: smeSummary(parts.sme, now) } : {}),
    ...(parts.provider ? { provider: providerSummary(parts.provider) } : {}),
    offering: offeringSummary(parts.offering),
    need: needSummary(parts.need),
  };
}

const lacks = (m: Match) => !m.sme || !m.provider || !m.offering || !m.need;

/**
 * Matches with every summary: those written without them (before they
 * existed) get them from one batch read per kind for the whole list.
 */
export async function withContext<M extends Match>(ports: Pick<AppPorts, 'store' | 'clock'>, matches: readonly M[]): Promise<M[]> {
  const lacking = matches.filter(lacks);
  if (lacking.length === 0) return [...matches];
  const idsOf = (missing: (m: Match) => boolean, id: (m: Match) => string) => [...new Set(lacking.filter(missing).map(id))];
  const load = async <K extends 'sme' | 'provider' | 'offering' | 'need'>(kind: K, ids: string[]) =>
    ids.length === 0 ? new Map() : ports.store.batchGet(kind, ids);
  const [smes, providers, offerings, needs] = await Promise.all([
    load('sme', idsOf((m) => !m.sme, (m) => m.smeId)),
    load('provider', idsOf((m) => !m.provider, (m) => m.providerId)),
    load('offering', idsOf((m) => !m.offering, (m) => m.offeringId)),
    load('need', idsOf((m) => !m.need, (m) => m.needId)),
  ]);
  return matches.map((m) => {
    if (!lacks(m)) return m;
    const sme = m.sme ?? (smes.get(m.smeId) ? smeSummary(smes.get(m.smeId) as Sme, ports.clock.now()) : undefined);
    const provider = m.provider ?? (providers.get(m.providerId) ? providerSummary(providers.get(m.providerId) as Provider) : undefined);
    const offering = m.offering ?? (offerings.get(m.offeringId) ? offeringSummary(offerings.get(m.offeringId) as Offering) : undefined);
    const need = m.need ?? (needs.get(m.needId) ? needSummary(needs.get(m.needId) as Need) : undefined);
    return { ...m, ...(sme ? { sme } : {}), ...(provider ? { provider } : {}), ...(offering ? { offering } : {}), ...(need ? { need } : {}) };
  });
}

function withoutContact<T extends { contact?: unknown }>(summary: T | undefined, show: boolean): T | undefined {
  if (!summary || show || summary.contact === undefined) return summary;
  const { contact: _hidden, ...rest } = summary;
  return rest as T;
}

/**
 * The match as `caller` may see it. Operators see both contacts. A party
 * sees its own contact, and the other party's only from CONFIRMED on (both
 * committed to work together). Anyone else sees no contact at all (they get
 * 404 before this anyway).
 */
export function forCaller<M extends Match>(caller: Caller, m: M): M {
  if (caller.role === 'operator') return m;
  const isSme = caller.role === 'sme' && m.smeOwnerSub === caller.sub;
  const isProvider = caller.role === 'provider' && m.providerOwnerSub === caller.sub;
  const committed = CONTACT_VISIBLE_STATUSES.includes(m.status);
  const sme = withoutContact(m.sme, isSme || (isProvider && committed));
  const provider = withoutContact(m.provider, isProvider || (isSme && committed));
  return { ...m, ...(sme ? { sme } : {}), ...(provider ? { provider } : {}) };
}

/** One match with its context, as the caller may see it. */
export async function presentMatch<M extends Match>(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, m: M): Promise<M> {
  const [full] = await withContext(ports, [m]);
  return forCaller(caller, full!);
}

/** A page of matches with their context (one batch read per page at most), as the caller may see them. */
export async function presentPage(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, page: Page<Stored<Match>>): Promise<Page<Stored<Match>>> {
  const items = await withContext(ports, page.items);
  return { ...page, items: items.map((m) => forCaller(caller, m)) };
}
