/**
 * Model-based race test of the capacity ledger. A run is a random set of
 * claim / release / set-limit commands on a few offerings and needs, all
 * started at once on the real Store over dynalite; fast-check's scheduler
 * decides the order in which their requests reach the table. The trace of
 * requests is then replayed on a plain model (limit, used, claims per
 * offering): every conditional write must succeed exactly when the model
 * says it may, every read must see the model's state, every command must
 * return what the model implies, and the final ledger must equal the model.
 * Along the way: used = |claims| always, and a claim never succeeds unless
 * used < limit (so used never exceeds the limit unless an operator lowered
 * the limit below what was already held).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Store } from '#functions/store/store.ts';
import { freshTable, TEST_CURSOR_SECRET } from '#tests/support/db.ts';
import { testId } from '#tests/support/factories.ts';
import { owner, scheduledDoc, serialScheduler, type TraceEntry } from './scheduled-db.ts';

export const PERIOD = '2026-12';

export type LedgerCommand =
  | { kind: 'claim'; offering: number; need: number; limitIfNew: number }
  | { kind: 'release'; offering: number; need: number }
  | { kind: 'setLimit'; offering: number; limit: number };

export const OFFERINGS = 2;
export const NEEDS = 6;

export const commandArb: fc.Arbitrary<LedgerCommand> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      offering: fc.nat(OFFERINGS - 1),
      need: fc.nat(NEEDS - 1),
      // Mostly one limit per offering (the offering's capacity); sometimes another (a capacity change since).
      limitIfNew: fc.oneof({ weight: 4, arbitrary: fc.constant(3) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), offering: fc.nat(OFFERINGS - 1), need: fc.nat(NEEDS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setLimit' as const), offering: fc.nat(OFFERINGS - 1), limit: fc.integer({ min: 0, max: 5 }) }) },
);

interface Ledger {
  limit: number;
  used: number;
  claims: Set<string>;
  /** A set-limit put the limit below what was held: used may then exceed it until releases. */
  loweredBelowUsed: boolean;
}

export interface LedgerRunStats {
  runs: number;
  commands: number;
  requests: number;
  claimed: number;
  full: number;
  alreadyHeld: number;
}

type Result = 'claimed' | 'already-held' | 'full' | boolean | undefined;

/** The shared table of the property's runs (one per test file); each run uses fresh offering and need ids. */
export async function ledgerTable() {
  return freshTable('ledger-race');
}

export function ledgerRaceProperty(table: Awaited<ReturnType<typeof ledgerTable>>, stats: LedgerRunStats) {
  const plain = new Store(table.doc, table.tableName, TEST_CURSOR_SECRET);
  return fc.asyncProperty(serialScheduler(), fc.array(commandArb, { minLength: 13, maxLength: 16 }), async (s, commands) => {
    const offerings = Array.from({ length: OFFERINGS }, () => testId('off'));
    const needs = Array.from({ length: NEEDS }, () => testId('need'));
    const trace: TraceEntry[] = [];
    const store = new Store(scheduledDoc(table.doc, s, trace), table.tableName, TEST_CURSOR_SECRET);

    const results: Result[] = new Array(commands.length);
    const all = Promise.all(
      commands.map((c, i) =>
        owner.run(i, async () => {
          if (c.kind === 'claim') results[i] = await store.claimCapacity(offerings[c.offering]!, PERIOD, c.limitIfNew, needs[c.need]!);
          else if (c.kind === 'release') results[i] = await store.releaseCapacity(offerings[c.offering]!, PERIOD, needs[c.need]!);
          else {
            await store.setCapacityLimit(offerings[c.offering]!, PERIOD, c.limit);
            results[i] = undefined;
          }
        }),
      ),
    );
    await s.waitFor(all);

    // Replay the linearisation on the model.
    const model = new Map<number, Ledger>();
    const updateOk = new Map<number, boolean>();
    const heldAtRead = new Map<number, boolean>();
    for (const [step, t] of trace.entries()) {
      const c = commands[t.owner!]!;
      const where = `step ${step} (${t.name} of command ${t.owner} ${JSON.stringify(c)})\nschedule:\n${s.report().map((r) => r.label).join(' ')}`;
      const led = model.get(c.offering);
      if (t.name === 'GetCommand') {
        const item = (t.output as { Item?: Record<string, unknown> }).Item;
        if (!led) expect(item, where).toBeUndefined();
        else {
          expect(item, where).toBeDefined();
          const claims = item!.claims instanceof Set ? [...(item!.claims as Set<string>)].sort() : [];
          expect({ limit: item!.limit, used: item!.used, claims }, where).toEqual({ limit: led.limit, used: led.used, claims: [...led.claims].sort() });
        }
        if (c.kind === 'claim') heldAtRead.set(t.owner!, !!led?.claims.has(needs[c.need]!));
        continue;
      }
      expect(t.name, where).toBe('UpdateCommand');
      let predicted: boolean;
      if (c.kind === 'claim') {
        const need = needs[c.need]!;
        if (!led) {
          predicted = 1 <= c.limitIfNew;
          if (predicted) model.set(c.offering, { limit: c.limitIfNew, used: 1, claims: new Set([need]), loweredBelowUsed: false });
        } else {
          predicted = led.used < led.limit && !led.claims.has(need);
          if (predicted) {
            // The property's core: a claim is only ever granted below the limit.
            expect(led.used, where).toBeLessThan(led.limit);
            led.used++;
            led.claims.add(need);
          }
        }
      } else if (c.kind === 'release') {
        const need = needs[c.need]!;
        predicted = !!led?.claims.has(need);
        if (predicted) {
          led!.used--;
          led!.claims.delete(need);
        }
      } else {
        // A limit change always lands, and makes the month's ledger when no claim has:
        // the claims after it are checked against its limit, not the one they bring.
        predicted = true;
        if (led) {
          led.limit = c.limit;
          led.loweredBelowUsed = led.used > c.limit;
        } else model.set(c.offering, { limit: c.limit, used: 0, claims: new Set(), loweredBelowUsed: false });
      }
      const actual = t.ok;
      if (!t.ok) expect((t.error as { name?: string }).name, where).toBe('ConditionalCheckFailedException');
      expect(actual, `${where}\nthe table ${actual ? 'granted' : 'refused'} a conditional write the model ${predicted ? 'grants' : 'refuses'}`).toBe(predicted);
      updateOk.set(t.owner!, actual);
      const now = model.get(c.offering);
      if (now) expect(now.used, where).toBe(now.claims.size);
    }

    // What each command returned follows from its place in the linearisation.
    for (const [i, c] of commands.entries()) {
      const where = `command ${i} ${JSON.stringify(c)} returned ${JSON.stringify(results[i])}`;
      if (c.kind === 'claim') {
        const expected = updateOk.get(i) ? 'claimed' : heldAtRead.get(i) ? 'already-held' : 'full';
        expect(results[i], where).toBe(expected);
        if (expected === 'claimed') stats.claimed++;
        else if (expected === 'full') stats.full++;
        else stats.alreadyHeld++;
      } else if (c.kind === 'release') expect(results[i], where).toBe(updateOk.get(i));
    }

    // The ledger as stored equals the model: used = |claims|, and used <= limit unless the limit was lowered under it.
    for (let o = 0; o < OFFERINGS; o++) {
      const stored = await plain.getCapacity(offerings[o]!, PERIOD);
      const led = model.get(o);
      if (!led) {
        expect(stored).toBeUndefined();
        continue;
      }
      expect(stored).toBeDefined();
      expect(stored!.used).toBe(stored!.claims.length);
      expect({ limit: stored!.limit, used: stored!.used, claims: [...stored!.claims].sort() }).toEqual({
        limit: led.limit,
        used: led.used,
        claims: [...led.claims].sort(),
      });
      if (!led.loweredBelowUsed) expect(stored!.used).toBeLessThanOrEqual(stored!.limit);
    }
    stats.runs++;
    stats.commands += commands.length;
    stats.requests += trace.length;
  });
}
