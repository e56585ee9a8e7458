/**
 * Who and what a match is about, as the people reading it need it: short
 * summaries of its SME, provider, offering and need, added when a match is
 * read: one batch read per kind for a whole page. They are not stored on the
 * match: a write unit costs five to ten times a read unit and every status
 * move rewrites the match, so summaries on the item tripled each write (and a
 * profile change had to rewrite every live match); read here, they are
 * always as the profile is now. Matches written by an earlier version still
 * carry theirs; those are used as stored.
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
import type { Entities } from '#functions/store/store.ts';

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

/**
 * Matches with their summaries, as the profiles are now: one batch read per
 * kind for the whole list (summaries an older version stored on the item are
 * replaced, so they cannot be stale).
 */
export async function withContext<M extends Match>(ports: Pick<AppPorts, 'store' | 'clock'>, matches: readonly M[], known: KnownParties = {}): Promise<M[]> {
  if (matches.length === 0) return [];
  const idsOf = (id: (m: Match) => string) => [...new Set(matches.map(id))];
  // Parties the caller has just read are not read again.
  const read = async <K extends 'sme' | 'provider'>(kind: K, ids: string[], have: Stored<Entities[K]> | undefined) => {
    const found = await ports.store.batchGet(kind, ids.filter((id) => id !== have?.id));
    if (have) found.set(have.id, have);
    return found;
  };
  const [smes, providers, offerings, needs] = await Promise.all([
    read('sme', idsOf((m) => m.smeId), known.sme),
    read('provider', idsOf((m) => m.providerId), known.provider),
    ports.store.batchGet('offering', idsOf((m) => m.offeringId)),
    ports.store.batchGet('need', idsOf((m) => m.needId)),
  ]);
  const now = ports.clock.now();
  return matches.map((m) => {
    const sme = smes.get(m.smeId) as Sme | undefined;
    const provider = providers.get(m.providerId) as Provider | undefined;
    const offering = offerings.get(m.offeringId) as Offering | undefined;
    const need = needs.get(m.needId) as Need | undefined;
    return {
      ...m,
      ...(sme ? { sme: smeSummary(sme, now) } : {}),
      ...(provider ? { provider: providerSummary(provider) } : {}),
      ...(offering ? { offering: offeringSummary(offering) } : {}),
      ...(need ? { need: needSummary(need) } : {}),
    };
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
/** Parties of the matches already in hand (a step's standing check read them). */
export interface KnownParties {
  sme?: Stored<Sme> | undefined;
  provider?: Stored<Provider> | undefined;
}

export async function presentMatch<M extends Match>(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, m: M, known?: KnownParties): Promise<M> {
  const [full] = await withContext(ports, [m], known);
  return forCaller(caller, full!);
}

/** A page of matches with their context (one batch read per page at most), as the caller may see them. */
export async function presentPage(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, page: Page<Stored<Match>>): Promise<Page<Stored<Match>>> {
  const items = await withContext(ports, page.items);
  return { ...page, items: items.map((m) => forCaller(caller, m)) };
}
