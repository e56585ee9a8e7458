/**
 * The matcher's SQS FIFO batch handler: one round per market (message group)
 * however many of its records a batch holds; FIFO order kept on failure (a
 * record whose follow-up throws fails itself and every later record of its
 * group, never another group's); partial batch responses that name exactly
 * the failed message ids. Faults come from a Proxy around the real store.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceTypeId } from '#domain/catalog.ts';
import type { Need } from '#domain/model.ts';
import { buildHandlers } from '#functions/app.ts';
import type { Store } from '#functions/store/store.ts';
import { needEvent } from '#functions/usecases/lifecycle.ts';
import { lambdaContext, testApp } from '#tests/support/app.ts';
import { BASE_TIME, OTHER_MARKET, minutesAfter, needPosted } from '#tests/support/factories.ts';
import { marketRecord, seedNeed, seedOffering, sqsBatch } from '#tests/support/market.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const A: ServiceTypeId = 'energy-audit';
const B: ServiceTypeId = OTHER_MARKET;

/**
 * The app's store behind a Proxy that counts each market's rounds (a round
 * reads one window of the market's waiting needs) and throws where `fault` says so.
 */
function instrumented(app: App, fault: (method: string, args: unknown[]) => boolean = () => false) {
  const rounds = new Map<string, number>();
  const store = new Proxy(app.ports.store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (prop === 'waitingWindow') rounds.set(String(args[0]), (rounds.get(String(args[0])) ?? 0) + 1);
        if (fault(String(prop), args)) return Promise.reject(new Error(`injected: ${String(prop)} unavailable`));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store;
  const handlers = buildHandlers({ ...app.ports, store });
  return { rounds, matcher: handlers.matcher };
}

/** A market with one offering of `capacity` units and `count` waiting needs. */
async function market(app: App, serviceType: ServiceTypeId, count: number, capacity = 10) {
  await seedOffering(app.ports.store, { serviceType, capacityPerMonth: capacity });
  const needs: Need[] = [];
  for (let i = 0; i < count; i++) needs.push(await seedNeed(app.ports.store, { serviceType, postedAt: minutesAfter(BASE_TIME, -60 + i) }));
  return needs;
}

const statuses = async (app: App, needs: readonly Need[]) =>
  Promise.all(needs.map(async (n) => (await app.ports.store.get('need', n.id, true))!.status));

describe('the matcher batch handler', () => {
  it('runs one round per market for a batch mixing the records of two markets', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const [a1, a2, a3] = (await market(app, A, 3)) as [Need, Need, Need];
    const [b1, b2] = (await market(app, B, 2)) as [Need, Need];
    const { rounds, matcher } = instrumented(app);

    const res = await matcher(sqsBatch([a1, b1, a2, a3, b2].map((n) => marketRecord(needPosted(n)))), lambdaContext('matcher'));

    expect(res.batchItemFailures).toEqual([]);
    expect(Object.fromEntries(rounds)).toEqual({ [A]: 1, [B]: 1 });
    expect(await statuses(app, [a1, a2, a3, b1, b2])).toEqual(Array(5).fill('PROPOSED'));
  });

  it('fails a record whose follow-up throws and every later record of its market, but no record of another market', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const [a1, a2, a3] = (await market(app, A, 3)) as [Need, Need, Need];
    const [b1, b2] = (await market(app, B, 2)) as [Need, Need];
    // A withdrawn need whose follow-up (cancel its match) cannot read it.
    const poisoned = await seedNeed(app.ports.store, { serviceType: A, status: 'WITHDRAWN', postedAt: minutesAfter(BASE_TIME, -90) });
    const withdrawnB = await seedNeed(app.ports.store, { serviceType: B, status: 'WITHDRAWN', postedAt: minutesAfter(BASE_TIME, -90) });
    const { rounds, matcher } = instrumented(app, (method, args) => method === 'get' && args[0] === 'need' && args[1] === poisoned.id);

    const records = [
      marketRecord(needPosted(a1), 'a-1'),
      marketRecord(needPosted(b1), 'b-1'),
      marketRecord(needEvent(poisoned, 'NeedWithdrawn'), 'a-2-poisoned'),
      marketRecord(needEvent(withdrawnB, 'NeedWithdrawn'), 'b-2'),
      marketRecord(needPosted(a2), 'a-3'),
      marketRecord(needPosted(b2), 'b-3'),
      marketRecord(needPosted(a3), 'a-4'),
    ];
    const res = await matcher(sqsBatch(records), lambdaContext('matcher'));

    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a-2-poisoned', 'a-3', 'a-4']);
    // Both markets still had their round for the records that succeeded.
    expect(Object.fromEntries(rounds)).toEqual({ [A]: 1, [B]: 1 });
    expect(await statuses(app, [b1, b2])).toEqual(['PROPOSED', 'PROPOSED']);
    expect((await app.ports.store.get('need', a1.id, true))!.status).toBe('PROPOSED');
  });

  it('fails every record of a market whose round throws, and only those', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const [a1, a2] = (await market(app, A, 2)) as [Need, Need];
    const [b1, b2] = (await market(app, B, 2)) as [Need, Need];
    const { matcher } = instrumented(app, (method, args) => method === 'offeringsOfMarket' && args[0] === B);

    const res = await matcher(
      sqsBatch([marketRecord(needPosted(b1), 'b-1'), marketRecord(needPosted(a1), 'a-1'), marketRecord(needPosted(b2), 'b-2'), marketRecord(needPosted(a2), 'a-2')]),
      lambdaContext('matcher'),
    );

    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['b-1', 'b-2']);
    expect(await statuses(app, [a1, a2])).toEqual(['PROPOSED', 'PROPOSED']);
    expect(await statuses(app, [b1, b2])).toEqual(['WAITING', 'WAITING']);
  });

  it('drops a malformed record without failing it or blocking the records after it', async () => {
    const app = await testApp({ NOW: BASE_TIME });
    const [a1] = (await market(app, A, 1)) as [Need];
    const { rounds, matcher } = instrumented(app);
    const malformed = { ...marketRecord(needPosted(a1), 'bad'), body: '{"detail-type":"NeedPosted","detail":{}}' };

    const res = await matcher(sqsBatch([malformed, marketRecord(needPosted(a1), 'good')]), lambdaContext('matcher'));

    expect(res.batchItemFailures).toEqual([]);
    expect(rounds.get(A)).toBe(1);
    expect((await app.ports.store.get('need', a1.id, true))!.status).toBe('PROPOSED');
  });
});
