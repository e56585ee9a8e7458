/**
 * Helpers for the matcher and jobs tests: seed a market straight into the
 * store (ids shaped like the API's, so seeded records are reachable over
 * HTTP too), deliver market events to the matcher as SQS FIFO records, read
 * a market back as a normalised snapshot, and check the invariants every
 * market must keep whatever ran (no overbooking, one open match per need,
 * every capacity-holding match holds its claim, no leaked claims).
 */
import { randomBytes } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RELEASING_STATUSES } from '#domain/lifecycle.ts';
import type { Match, MatchStatus, Need, Offering, Provider, Sme } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import type { AppHandlers } from '#functions/app.ts';
import { entityOf, type Changes, type Store } from '#functions/store/store.ts';
import { lambdaContext, marketRecord } from './app.ts';
import { makeNeed, makeOffering, makeProvider, makeSme, testUscc } from './factories.ts';

/** An id the API's path validation accepts (`nd_...`, `of_...`). */
export const apiId = (prefix: 'pr' | 'of' | 'sm' | 'nd') => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** A provider and one offering of it, written to the store. */
export async function seedOffering(store: Store, over: Partial<Offering> = {}, providerOver: Partial<Provider> = {}): Promise<Offering> {
  const provider = makeProvider({ id: apiId('pr'), ...providerOver });
  const offering = makeOffering({ id: apiId('of'), providerId: provider.id, ownerSub: provider.ownerSub, ...over });
  await Promise.all([store.insert('provider', provider), store.insert('offering', offering)]);
  return offering;
}

/** An SME and one WAITING need of it (the need carries the SME's profile), written to the store. */
export async function seedNeed(store: Store, over: Partial<Need> = {}, smeOver: Partial<Sme> = {}): Promise<Need> {
  const sme = makeSme({ id: apiId('sm'), ...smeOver });
  const need = makeNeed({
    id: apiId('nd'),
    smeId: sme.id,
    ownerSub: sme.ownerSub,
    // The test's `tier` stands for the verified tier the need's profile carries.
    sme: { sizeClass: sme.sizeClass, tier: sme.tier ?? 'NONE', region: sme.region, weakFoundation: sme.weakFoundation },
    ...over,
  });
  await Promise.all([store.insert('sme', sme), store.insert('need', need)]);
  return need;
}

export { marketRecord } from './app.ts';

export const sqsBatch = (records: SQSRecord[]): SQSEvent => ({ Records: records });

/** Delivers `events` to the matcher as one SQS batch, in order. */
export function deliverToMatcher(handlers: Pick<AppHandlers, 'matcher'>, events: readonly AppEvent[]): Promise<SQSBatchResponse> {
  return handlers.matcher(sqsBatch(events.map((e) => marketRecord(e))), lambdaContext('matcher'));
}

/** Every match of the given needs, oldest first per need. */
export async function matchesOfNeeds(store: Store, needIds: readonly string[]): Promise<Match[]> {
  const pages = await Promise.all(needIds.map((id) => store.listMatchesOfNeed(id, { limit: 100 })));
  return pages.flatMap((page) => page.items.map(({ pendingEvents: _p, ...m }) => m as Match).reverse());
}

export interface MarketSnapshot {
  needs: Record<string, { status: string; version: number; currentMatchId: string | null; excluded: string[] }>;
  matches: Record<string, { needId: string; offeringId: string; status: string }>;
  ledgers: Record<string, { limit: number | null; used: number; claims: string[] }>;
}

/**
 * The state of a market that a redelivered event must not change: needs'
 * statuses and versions (a follow-up that writes again bumps the version),
 * the match holding each and its exclusions, every match (id, pair, status)
 * and every ledger of `period`. Match ids derive from the need's version, so
 * they are the same across fresh apps seeded alike.
 */
export async function marketSnapshot(
  store: Store,
  needIds: readonly string[],
  offeringIds: readonly string[],
  period: string,
): Promise<MarketSnapshot> {
  const needs: MarketSnapshot['needs'] = {};
  const loaded = await Promise.all(needIds.map((id) => store.get('need', id, true)));
  for (const [i, id] of needIds.entries()) {
    const n = loaded[i];
    needs[id] = { status: n?.status ?? 'MISSING', version: n?.version ?? 0, currentMatchId: n?.currentMatchId ?? null, excluded: [...(n?.excludedOfferingIds ?? [])].sort() };
  }
  const matches: MarketSnapshot['matches'] = {};
  for (const m of await matchesOfNeeds(store, needIds)) matches[m.id] = { needId: m.needId, offeringId: m.offeringId, status: m.status };
  const ledgers: MarketSnapshot['ledgers'] = {};
  const caps = await Promise.all(offeringIds.map((id) => store.getCapacity(id, period)));
  for (const [i, id] of offeringIds.entries()) {
    const c = caps[i];
    ledgers[id] = { limit: c?.limit ?? null, used: c?.used ?? 0, claims: [...(c?.claims ?? [])].sort() };
  }
  return { needs, matches, ledgers };
}

/** Matches that still hold their need's claim on the offering's capacity. */
export const holdsCapacity = (m: Pick<Match, 'status'>) => !RELEASING_STATUSES.includes(m.status);

/**
 * What is wrong with a market at rest (no round or follow-up in flight); empty when sound:
 * - no ledger over its limit, and `used` equals the number of claims;
 * - no offering with more capacity-holding matches than its limit;
 * - each need has at most one capacity-holding match;
 * - every capacity-holding match's need is in its offering's claims;
 * - every claim belongs to a capacity-holding match (nothing leaked);
 * - a PROPOSED need points at a match that exists and holds capacity.
 */
export async function marketViolations(
  store: Store,
  needIds: readonly string[],
  offerings: readonly Pick<Offering, 'id'>[],
  period: string,
): Promise<string[]> {
  const out: string[] = [];
  const matches = await matchesOfNeeds(store, needIds);
  const holding = matches.filter(holdsCapacity);
  const perNeed = new Map<string, number>();
  for (const m of holding) perNeed.set(m.needId, (perNeed.get(m.needId) ?? 0) + 1);
  for (const [needId, k] of perNeed) if (k > 1) out.push(`need ${needId} has ${k} open matches`);

  const caps = await Promise.all(offerings.map((o) => store.getCapacity(o.id, period)));
  for (const [i, o] of offerings.entries()) {
    const c = caps[i];
    const claims = new Set(c?.claims ?? []);
    const used = c?.used ?? 0;
    if (c && used > c.limit) out.push(`offering ${o.id}: used ${used} > limit ${c.limit}`);
    if (used !== claims.size) out.push(`offering ${o.id}: used ${used} but ${claims.size} claims`);
    const mine = holding.filter((m) => m.offeringId === o.id && m.period === period);
    if (c && mine.length > c.limit) out.push(`offering ${o.id}: ${mine.length} open matches > limit ${c.limit} (overbooked)`);
    // Claims are held by matches (one per proposal), see Store.claimCapacity.
    for (const m of mine) if (!claims.has(m.id)) out.push(`match ${m.id} (${m.status}) holds no claim on ${o.id}`);
    const held = new Set(mine.map((m) => m.id));
    for (const holder of claims) if (!held.has(holder)) out.push(`offering ${o.id}: claim of ${holder} without a match`);
  }

  const byId = new Map(matches.map((m) => [m.id, m]));
  const needs = await Promise.all(needIds.map((id) => store.get('need', id, true)));
  for (const [i, id] of needIds.entries()) {
    const n = needs[i];
    if (n?.status !== 'PROPOSED') continue;
    const m = n.currentMatchId ? byId.get(n.currentMatchId) : undefined;
    if (!m || !holdsCapacity(m)) out.push(`need ${id} is PROPOSED without an open match`);
  }
  return out;
}

/**
 * Writes a match's new status as its authoritative write does, and nothing
 * else: the state a crash leaves right after that write, before its
 * follow-ups (release, reopen, exclude) ran. Returns the new match. `at` is
 * the history entry's time; the store stamps updatedAt with its own clock.
 */
export async function writeMatchStatusOnly(store: Store, matchId: string, status: MatchStatus, at: string): Promise<Match> {
  const cur = await store.get('match', matchId, true);
  if (!cur) throw new Error(`no match ${matchId}`);
  const closed = status !== 'PROPOSED' && status !== 'APPROVED';
  const next = await store.update('match', cur, {
    status,
    history: [...cur.history, { status, at, by: 'system' }],
    ...(closed ? { expiresAt: undefined } : {}),
  });
  return entityOf(next);
}

/** Writes a need's new fields alone (no follow-up), e.g. ended before its open match was cancelled. */
export async function writeNeedOnly(store: Store, needId: string, patch: Changes<Need>): Promise<Need> {
  const cur = await store.get('need', needId, true);
  if (!cur) throw new Error(`no need ${needId}`);
  return entityOf(await store.update('need', cur, patch));
}

/** A store whose every call first waits a pseudo-random 0..maxMs (seeded), to vary how concurrent runs interleave. */
export function jitteredStore(store: Store, seed: number, maxMs = 3): Store {
  let s = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: deterministic per seed, so a failing interleaving can be replayed.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, Math.floor(next() * (maxMs + 1))));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

// ---------------------------------------------------------------- over HTTP (testApp's `call`)

type Caller = { role: 'sme' | 'provider' | 'operator'; sub: string };
type Call = (method: string, path: string, opts?: { as?: Caller; body?: unknown }) => Promise<{ status: number; body: any }>;

/** A provider (over HTTP) and an offering of it; body fields override the defaults. */
export async function postOffering(call: Call, as: Caller, over: Record<string, unknown> = {}): Promise<{ id: string; providerId: string }> {
  const p = await call('POST', '/v1/providers', {
    as,
    body: { name: 'Sichuan Green Audit', kind: 'GREEN_AUDIT_FIRM', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [] },
  });
  if (p.status !== 201) throw new Error(`provider: ${p.status} ${JSON.stringify(p.body)}`);
  // A new provider is PENDING: an operator approves it so its offering is matched.
  const ok = await call('POST', `/v1/providers/${p.body.id}/approve`, { as: { role: 'operator', sub: 'operator-approver' } });
  if (ok.status !== 200) throw new Error(`approve: ${ok.status} ${JSON.stringify(ok.body)}`);
  const o = await call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as,
    body: {
      serviceType: 'energy-audit',
      title: 'On-site energy audit',
      regions: ['CN-SC'],
      remote: false,
      languages: ['zh-CN'],
      capacityPerMonth: 1,
      publicWelfare: true,
      leadTimeDays: 3,
      ...over,
    },
  });
  if (o.status !== 201) throw new Error(`offering: ${o.status} ${JSON.stringify(o.body)}`);
  return { id: o.body.id, providerId: p.body.id };
}

/** An SME (over HTTP) and one need of it; returns the need's id. */
export async function postNeed(
  call: Call,
  as: Caller,
  sme: Record<string, unknown> = {},
  need: Record<string, unknown> = {},
): Promise<string> {
  const s = await call('POST', '/v1/smes', {
    as,
    body: { name: 'Chengdu Valve Co.', uscc: testUscc('CN-SC'), sizeClass: 'SMALL', tier: 'INNOVATIVE', industry: 'valves', region: { province: 'CN-SC', city: 'Chengdu' }, ...sme },
  });
  if (s.status !== 201) throw new Error(`sme: ${s.status} ${JSON.stringify(s.body)}`);
  const n = await call('POST', `/v1/smes/${s.body.id}/needs`, {
    as,
    body: { serviceType: 'energy-audit', description: 'Annual energy audit of our plant', remoteOk: false, deadline: '2027-03-31', ...need },
  });
  if (n.status !== 201) throw new Error(`need: ${n.status} ${JSON.stringify(n.body)}`);
  return n.body.id;
}
