/**
 * Reading a market's state back for the reliability checks: every match of
 * some offerings, their ledgers, the needs; and the invariants that must
 * hold once things settle (no overbooking; each ledger holds exactly the
 * matches holding it (claims are held by match ids); one holding match per need at most).
 */
import type { SQSRecord } from 'aws-lambda';
import { expect } from 'vitest';
import type { Match, MatchStatus, Need } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import type { Store } from '#functions/store/store.ts';
import { marketRecord } from '#tests/support/app.ts';

/** Statuses in which a match holds its claim on the ledger (a completed one used its unit). */
export const HOLDING: readonly MatchStatus[] = ['PROPOSED', 'APPROVED', 'CONFIRMED', 'COMPLETED'];
export const OPEN: readonly MatchStatus[] = ['PROPOSED', 'APPROVED'];

export async function pages<T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** No index lists an offering's matches (no endpoint needs one): its provider's matches, filtered. */
export async function matchesOfOfferings(store: Store, offeringIds: readonly string[]): Promise<Match[]> {
  const offerings = await store.batchGet('offering', [...offeringIds]);
  const providers = [...new Set([...offerings.values()].map((o) => o.providerId))];
  const lists = await Promise.all(providers.map((id) => pages<Match>((cursor) => store.listMatchesOfProvider(id, { limit: 100, cursor }))));
  const wanted = new Set(offeringIds);
  return lists.flat().filter((m) => wanted.has(m.offeringId));
}

export interface LedgerView {
  offeringId: string;
  period: string;
  limit: number;
  used: number;
  claims: string[];
}

/**
 * The settled-state invariants over some offerings (with their monthly
 * capacity) and needs. Returns the matches and ledgers read, for further checks.
 */
export async function expectConsistentLedgers(
  store: Store,
  offerings: readonly { id: string; capacityPerMonth: number }[],
  needIds: readonly string[],
  periods: readonly string[],
  context = '',
): Promise<{ matches: Match[]; ledgers: LedgerView[]; needs: Need[] }> {
  const matches = await matchesOfOfferings(
    store,
    offerings.map((o) => o.id),
  );
  const ids = matches.map((m) => m.id);
  expect(new Set(ids).size, `duplicate match ids ${context}`).toBe(ids.length);
  const ledgers: LedgerView[] = [];
  const allPeriods = [...new Set([...periods, ...matches.map((m) => m.period)])];
  for (const o of offerings) {
    for (const period of allPeriods) {
      const l = await store.getCapacity(o.id, period);
      // The ledger's holders are the matches (store.claimCapacity's holderId), one unit each.
      const holding = matches.filter((m) => m.offeringId === o.id && m.period === period && HOLDING.includes(m.status));
      const holders = holding.map((m) => m.id);
      const view = { offeringId: o.id, period, limit: l?.limit ?? o.capacityPerMonth, used: l?.used ?? 0, claims: [...(l?.claims ?? [])].sort() };
      ledgers.push(view);
      const detail = `${context}\nledger ${JSON.stringify(view)}\nmatches of the offering ${JSON.stringify(
        matches.filter((m) => m.offeringId === o.id).map((m) => ({ id: m.id, need: m.needId, status: m.status, period: m.period, history: m.history.map((h) => h.status) })),
      )}`;
      expect(view.used, `offering ${o.id} over its capacity in ${period} ${detail}`).toBeLessThanOrEqual(o.capacityPerMonth);
      expect(view.used, `ledger used != |claims| ${detail}`).toBe(view.claims.length);
      expect(view.claims, `ledger of ${o.id} ${period} does not hold exactly its holding matches ${detail}`).toEqual([...holders].sort());
    }
  }
  const needs: Need[] = [];
  for (const id of needIds) {
    const n = await store.get('need', id, true);
    expect(n, `need ${id} is lost ${context}`).toBeDefined();
    needs.push(n!);
    const holding = matches.filter((m) => m.needId === id && HOLDING.includes(m.status));
    expect(holding.length, `need ${id} holds ${holding.length} matches ${context}`).toBeLessThanOrEqual(1);
    if (n!.status === 'WAITING' || n!.status === 'WITHDRAWN' || n!.status === 'EXPIRED') {
      expect(holding.map((m) => m.status), `${n!.status} need ${id} still holds a match ${context}`).toEqual([]);
    }
    if (n!.status === 'PROPOSED') {
      expect(holding.map((m) => m.id), `proposed need ${id} without its open match ${context}`).toEqual([n!.currentMatchId]);
      expect(OPEN).toContain(holding[0]!.status);
    }
  }
  return { matches, ledgers, needs };
}

/** SQS FIFO records of the matcher's queue for these events (message group = market), in order. */
export function fifoRecords(events: readonly AppEvent[]): SQSRecord[] {
  return events.map((e) => marketRecord(e));
}

/** A Store whose calls throw for the chosen (method, arguments): one bad item among good ones. */
export function failingStore(store: Store, fails: (method: string, args: readonly unknown[]) => boolean): Store & { failures: string[] } {
  const failures: string[] = [];
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'failures') return failures;
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (fails(String(prop), args)) {
          const what = `${String(prop)}(${args.slice(0, 2).map((a) => JSON.stringify(a)).join(', ')})`;
          failures.push(what);
          return Promise.reject(new Error(`injected failure: ${what}`));
        }
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store & { failures: string[] };
}
