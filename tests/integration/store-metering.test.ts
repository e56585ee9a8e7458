/**
 * Consumed capacity: with a meter installed on its client (an SDK middleware,
 * as only the benchmark does), every read and write of the store adds the
 * units DynamoDB (here dynalite, for ReturnConsumedCapacity TOTAL) reports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDocumentClient } from '#functions/store/client.ts';
import { installCapacityMeter, type CapacityMeter } from '#functions/store/metering.ts';
import { Store } from '#functions/store/store.ts';
import { freshTable, TEST_CURSOR_SECRET } from '#tests/support/db.ts';
import {
  makeNotification,
  makeProvider,
  makeSme,
  needOf,
  needPosted,
  offeringOf,
  testId,
} from '#tests/support/factories.ts';

class Meter implements CapacityMeter {
  read = 0;
  write = 0;
  add(kind: 'read' | 'write', units: number) {
    this[kind] += units;
  }
}

let db: Awaited<ReturnType<typeof freshTable>>;
let meter: Meter;
let store: Store;
let unmetered: Store;
beforeAll(async () => {
  db = await freshTable('meter');
  meter = new Meter();
  store = meteredStore(meter).store;
  unmetered = db.store();
});

/** A store over its own client with `meter` installed: the table's other clients stay unmetered. */
function meteredStore(m: CapacityMeter) {
  const doc = makeDocumentClient({ endpoint: db.endpoint });
  const uninstall = installCapacityMeter(doc, m);
  return { store: new Store(doc, db.tableName, TEST_CURSOR_SECRET), uninstall };
}

/** The units `op` added to the meter. */
async function units(op: () => Promise<unknown>): Promise<{ read: number; write: number }> {
  const before = { read: meter.read, write: meter.write };
  await op();
  return { read: meter.read - before.read, write: meter.write - before.write };
}

describe('consumed capacity', () => {
  it('insert and update add write units', async () => {
    const need = needOf(makeSme());
    const created = await units(() => store.insert('need', need, [needPosted(need)]));
    expect(created.write).toBeGreaterThan(0);
    expect(created.read).toBe(0);

    const saved = await units(() => store.update('need', need, { status: 'WITHDRAWN' }));
    expect(saved.write).toBeGreaterThan(0);
  });

  it('write units grow with the item’s size', async () => {
    const small = needOf(makeSme(), { description: 'audit' });
    const large = needOf(makeSme(), { description: '能源审计'.repeat(1500) }); // ~18 KB in UTF-8
    const s = await units(() => store.insert('need', small));
    const l = await units(() => store.insert('need', large));
    expect(l.write).toBeGreaterThan(s.write);
  });

  it('get and batchGet add read units', async () => {
    const provider = makeProvider();
    await unmetered.insert('provider', provider);

    const got = await units(() => store.get('provider', provider.id, true));
    expect(got.read).toBeGreaterThan(0);
    expect(got.write).toBe(0);
    expect((await units(() => store.batchGet('provider', [provider.id]))).read).toBeGreaterThan(0);
  });

  it('list queries, market queries and dueInMarket add read units', async () => {
    const sme = makeSme();
    const need = needOf(sme, { serviceType: 'carbon-neutral-registration', deadline: '2026-03-10' });
    const provider = makeProvider();
    await unmetered.insert('need', need);
    await unmetered.insert('offering', offeringOf(provider, { serviceType: 'carbon-neutral-registration' }));

    expect((await units(() => store.listNeedsOfSme(sme.id, { limit: 10 }))).read).toBeGreaterThan(0);
    expect((await units(() => store.listOfferingsOfProvider(provider.id, { limit: 10 }))).read).toBeGreaterThan(0);
    expect((await units(() => store.waitingNeedsOfMarket('carbon-neutral-registration'))).read).toBeGreaterThan(0);
    expect((await units(() => store.offeringsOfMarket('carbon-neutral-registration'))).read).toBeGreaterThan(0);
    expect((await units(() => store.dueInMarket('carbon-neutral-registration', '2026-04-01T00:00:00.000Z'))).read).toBeGreaterThan(0);
  });

  it('the capacity ledger’s claims, releases and limit changes add write units, its reads read units', async () => {
    const offeringId = testId('off');
    expect((await units(() => store.claimCapacity(offeringId, '2026-03', 2, 'need_a'))).write).toBeGreaterThan(0);
    expect((await units(() => store.setCapacityLimit(offeringId, '2026-03', 3))).write).toBeGreaterThan(0);
    expect((await units(() => store.releaseCapacity(offeringId, '2026-03', 'need_a'))).write).toBeGreaterThan(0);
    expect((await units(() => store.getCapacity(offeringId, '2026-03'))).read).toBeGreaterThan(0);
    expect((await units(() => store.batchGetCapacities([offeringId], '2026-03'))).read).toBeGreaterThan(0);
  });

  it('the outbox’s listPending adds read units, markPublished read and write units', async () => {
    const need = needOf(makeSme());
    const posted = needPosted(need);
    await unmetered.insert('need', need, [posted]);

    expect((await units(() => store.listPending())).read).toBeGreaterThan(0);
    const marked = await units(() => store.markPublished({ kind: 'need', id: need.id }, [posted.id]));
    expect(marked.read).toBeGreaterThan(0);
    expect(marked.write).toBeGreaterThan(0);
  });

  it('the inbox: putNotification adds write units, listInbox read units', async () => {
    const n = makeNotification();
    expect((await units(() => store.putNotification(n))).write).toBeGreaterThan(0);
    expect((await units(() => store.listInbox(n.recipientSub, { limit: 10 }))).read).toBeGreaterThan(0);
  });

  it('markRead adds write units', async () => {
    const n = makeNotification();
    await unmetered.putNotification(n);

    const marked = await units(() => store.markRead(n.recipientSub, n.at, n.id));

    expect(marked.write).toBeGreaterThan(0);
  });

  it('a store without a meter adds nothing to another store’s meter', async () => {
    const before = { read: meter.read, write: meter.write };
    const sme = makeSme();
    await unmetered.insert('sme', sme);
    await unmetered.get('sme', sme.id);
    expect({ read: meter.read, write: meter.write }).toEqual(before);
  });

  it('a meter removed from its client adds nothing more', async () => {
    const own = new Meter();
    const { store: metered, uninstall } = meteredStore(own);
    const sme = makeSme();
    await metered.insert('sme', sme);
    const installed = { read: own.read, write: own.write };
    expect(installed.write).toBeGreaterThan(0);

    uninstall();
    await metered.get('sme', sme.id, true);
    await metered.update('sme', sme, { name: `${sme.name} 2` });

    expect({ read: own.read, write: own.write }).toEqual(installed);
  });
});
