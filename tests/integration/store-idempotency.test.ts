/**
 * Idempotency records against dynalite: stored once per (scope, key); an
 * expired record (dynalite never expires TTL items) is treated as absent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { IdempotencyRecord, Store } from '#functions/store/store.ts';
import { freshTable } from '#tests/support/db.ts';
import { BASE_TIME, testId } from '#tests/support/factories.ts';

let store: Store;
beforeAll(async () => {
  store = (await freshTable('idem')).store();
});

const NOW = Math.floor(Date.parse(BASE_TIME) / 1000);
const record = (over: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  requestHash: 'sha256:aaaa',
  resultId: testId('need'),
  expiresAt: NOW + 24 * 3600,
  ...over,
});

describe('idempotency records', () => {
  it('a stored record is read back by scope and key', async () => {
    const key = testId('idem');
    const rec = record();

    expect(await store.putIdempotency('POST /v1/needs', key, rec, NOW)).toEqual({ stored: true });

    expect(await store.getIdempotency('POST /v1/needs', key, NOW)).toEqual(rec);
    expect(await store.getIdempotency('POST /v1/needs', testId('idem'), NOW)).toBeUndefined();
  });

  it('a second put with the same key stores nothing and returns the existing record', async () => {
    const key = testId('idem');
    const first = record({ requestHash: 'sha256:first' });
    await store.putIdempotency('POST /v1/needs', key, first, NOW);

    const second = await store.putIdempotency('POST /v1/needs', key, record({ requestHash: 'sha256:second' }), NOW + 60);

    expect(second).toEqual({ stored: false, existing: first });
    expect(await store.getIdempotency('POST /v1/needs', key, NOW + 60)).toEqual(first);
  });

  it('the same key in another scope is another record', async () => {
    const key = testId('idem');
    const a = record();
    const b = record();
    await store.putIdempotency('POST /v1/needs', key, a, NOW);

    expect(await store.putIdempotency('POST /v1/providers', key, b, NOW)).toEqual({ stored: true });
    expect(await store.getIdempotency('POST /v1/needs', key, NOW)).toEqual(a);
    expect(await store.getIdempotency('POST /v1/providers', key, NOW)).toEqual(b);
  });

  it('an expired record reads as absent and can be overwritten', async () => {
    const key = testId('idem');
    const old = record({ requestHash: 'sha256:old', expiresAt: NOW - 10 });
    await store.putIdempotency('POST /v1/needs', key, old, NOW - 3600);
    expect(await store.getIdempotency('POST /v1/needs', key, NOW - 3600)).toEqual(old); // live back then

    expect(await store.getIdempotency('POST /v1/needs', key, NOW)).toBeUndefined();
    const fresh = record({ requestHash: 'sha256:fresh' });
    expect(await store.putIdempotency('POST /v1/needs', key, fresh, NOW)).toEqual({ stored: true });
    expect(await store.getIdempotency('POST /v1/needs', key, NOW)).toEqual(fresh);
  });

  it('of concurrent puts with the same key exactly one is stored and the others get it back', async () => {
    const key = testId('idem');
    const recs = Array.from({ length: 8 }, (_, i) => record({ requestHash: `sha256:${i}` }));

    const results = await Promise.all(recs.map((r) => store.putIdempotency('POST /v1/needs', key, r, NOW)));

    const stored = recs.filter((_, i) => results[i]!.stored);
    expect(stored).toHaveLength(1);
    for (const r of results) if (!r.stored) expect(r.existing).toEqual(stored[0]);
  });
});
