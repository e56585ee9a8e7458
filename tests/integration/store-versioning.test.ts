/**
 * The store owns `version` and `updatedAt` (insert and update), retryOnStale
 * replaces the callers' read-modify-save loops, and callers name entities by
 * kind and id (markPublished, listPending), never by table key. Against
 * dynalite, through the real SDK.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Conflict } from '#domain/errors.ts';
import type { Sme } from '#domain/model.ts';
import { retryOnStale, StaleWrite, Store, type Draft } from '#functions/store/store.ts';
import { freshTable, TEST_CURSOR_SECRET } from '#tests/support/db.ts';
import { BASE_TIME, makeSme, minutesAfter, needOf, needPosted, needWithdrawn } from '#tests/support/factories.ts';

/** A clock the test moves by hand, so each write's instant is known. */
const clock = {
  at: BASE_TIME,
  now() {
    return new Date(this.at);
  },
};

let store: Store;
beforeAll(async () => {
  const db = await freshTable('versioning');
  store = new Store(db.doc, db.tableName, TEST_CURSOR_SECRET, { clock });
});

function draftOf<T extends { version: number; updatedAt: string }>(e: T): Draft<T> {
  const { version: _v, updatedAt: _u, ...draft } = e;
  return draft;
}

function entityOnly<T extends { pendingEvents?: unknown }>(e: T): Omit<T, 'pendingEvents'> {
  const { pendingEvents: _p, ...rest } = e;
  return rest;
}

const pendingOf = async (kind: string, id: string) => (await store.listPending()).find((p) => p.ref.kind === kind && p.ref.id === id);

describe('insert', () => {
  it('stores version 1 and updatedAt from the store’s clock, and returns the entity as stored with its events pending', async () => {
    clock.at = minutesAfter(BASE_TIME, 1);
    const sme = makeSme();

    const created = await store.insert('sme', draftOf(sme));

    const expected: Sme = { ...sme, version: 1, updatedAt: clock.at };
    expect(created).toStrictEqual({ ...expected, pendingEvents: [] });
    expect(await store.get('sme', sme.id, true)).toStrictEqual(expected);
  });

  it('gives the draft and the events the same instant and the written entity', async () => {
    clock.at = minutesAfter(BASE_TIME, 2);
    const need = needOf(makeSme());

    const created = await store.insert('need', (now) => ({ ...draftOf(need), postedAt: now.toISOString() }), (n) => [needPosted(n)]);

    expect(created.postedAt).toBe(clock.at);
    expect(created.updatedAt).toBe(clock.at);
    const posted = needPosted({ ...need, postedAt: clock.at, updatedAt: clock.at, version: 1 });
    expect(created.pendingEvents).toEqual([posted]);
    expect((await pendingOf('need', need.id))?.events).toEqual([posted]);
  });

  it('refuses an id that exists with Conflict and leaves the stored entity as it was', async () => {
    const sme = makeSme();
    await store.insert('sme', draftOf(sme));

    const again = store.insert('sme', { ...draftOf(sme), name: 'someone else' });

    await expect(again).rejects.toBeInstanceOf(Conflict);
    expect((await store.get('sme', sme.id, true))?.name).toBe(sme.name);
  });
});

describe('update', () => {
  it('writes prev.version + 1 and updatedAt now with the changes applied; a change to undefined removes the field', async () => {
    const need = needOf(makeSme());
    const created = await store.insert('need', { ...draftOf(need), currentMatchId: 'mt_1' });
    clock.at = minutesAfter(BASE_TIME, 10);

    const next = await store.update('need', created, { status: 'WITHDRAWN', currentMatchId: undefined });

    expect(next.version).toBe(2);
    expect(next.updatedAt).toBe(clock.at);
    expect(next.status).toBe('WITHDRAWN');
    expect('currentMatchId' in next).toBe(false);
    expect(await store.get('need', need.id, true)).toStrictEqual(entityOnly(next));
  });

  it('appends its events, built from the entity as written, to those still pending and returns them all', async () => {
    const need = needOf(makeSme());
    const created = await store.insert('need', draftOf(need), (n) => [needPosted(n)]);
    clock.at = minutesAfter(BASE_TIME, 11);

    const next = await store.update('need', created, (now) => ({ status: 'WITHDRAWN', description: `withdrawn at ${now.toISOString()}` }), (n) => [
      needWithdrawn(n),
    ]);

    const withdrawn = needWithdrawn(entityOnly(next));
    expect(next.description).toBe(`withdrawn at ${clock.at}`);
    expect(withdrawn.detail).toMatchObject({ occurredAt: clock.at });
    expect(next.pendingEvents).toEqual([...created.pendingEvents!, withdrawn]);
    expect(await pendingOf('need', need.id)).toMatchObject({ version: 2, events: next.pendingEvents });
  });

  it('from a stale read fails with StaleWrite and writes nothing', async () => {
    const sme = makeSme();
    const v1 = await store.insert('sme', draftOf(sme));
    const v2 = await store.update('sme', v1, { name: 'first writer' });

    await expect(store.update('sme', v1, { name: 'second writer' })).rejects.toBeInstanceOf(StaleWrite);

    expect(await store.get('sme', sme.id, true)).toStrictEqual(entityOnly(v2));
  });
});

describe('retryOnStale', () => {
  it('lands every one of concurrent read-modify-writes of one entity, each on the version before it', async () => {
    const sme = makeSme({ name: 'n' });
    await store.insert('sme', draftOf(sme));
    const writers = 6;

    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        retryOnStale(
          async () => {
            const cur = (await store.get('sme', sme.id, true))!;
            return store.update('sme', cur, { name: `${cur.name}${i}` });
          },
          { attempts: writers + 1 },
        ),
      ),
    );

    const final = (await store.get('sme', sme.id, true))!;
    expect(final.version).toBe(writers + 1);
    expect([...final.name.slice(1)].sort()).toEqual(Array.from({ length: writers }, (_, i) => String(i)));
  });

  it('returns the first attempt that wins, after the stale ones', async () => {
    const seen: number[] = [];
    const result = await retryOnStale(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new StaleWrite('lost');
        return 'won';
      },
      { attempts: 5 },
    );
    expect(result).toBe('won');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives the last StaleWrite to the caller once the attempts are used up', async () => {
    let calls = 0;
    const run = retryOnStale(
      async () => {
        calls++;
        throw new StaleWrite(`lost ${calls}`);
      },
      { attempts: 3 },
    );
    await expect(run).rejects.toThrow('lost 3');
    expect(calls).toBe(3);
  });

  it('does not retry other errors, a plain Conflict included', async () => {
    let calls = 0;
    const run = retryOnStale(
      async () => {
        calls++;
        throw new Conflict('already exists');
      },
      { attempts: 3 },
    );
    await expect(run).rejects.toBeInstanceOf(Conflict);
    expect(calls).toBe(1);
  });

  it('refuses a number of attempts below one', async () => {
    await expect(retryOnStale(async () => 1, { attempts: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('entities named by kind and id', () => {
  it('markPublished by kind and id with the written version clears exactly what the write returned pending', async () => {
    const need = needOf(makeSme());
    const created = await store.insert('need', draftOf(need), (n) => [needPosted(n)]);

    await store.markPublished(
      { kind: 'need', id: need.id },
      created.pendingEvents!.map((e) => e.id),
      created.version,
    );

    expect(await pendingOf('need', need.id)).toBeUndefined();
    expect(await store.get('need', need.id, true)).toStrictEqual(entityOnly(created));
  });

  it('listPending names each item by kind and id, which markPublished takes back (the relay’s round trip)', async () => {
    const need = needOf(makeSme());
    const created = await store.insert('need', draftOf(need), (n) => [needPosted(n)]);
    const item = await pendingOf('need', need.id);
    expect(item).toMatchObject({ ref: { kind: 'need', id: need.id }, version: 1, events: created.pendingEvents });

    await store.markPublished(item!.ref, item!.events.map((e) => e.id), item!.version);

    expect(await pendingOf('need', need.id)).toBeUndefined();
  });
});
