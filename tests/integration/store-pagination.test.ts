/**
 * Pagination against dynalite: lists over several pages return every item
 * exactly once, in order, and end with a null cursor; cursors are opaque and
 * tamper-checked, and only valid on the list that issued them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationFailed } from '#domain/errors.ts';
import { Store, type Page, type PageRequest } from '#functions/store/store.ts';
import { TEST_CURSOR_SECRET, freshTable } from '#tests/support/db.ts';
import {
  BASE_TIME,
  makeNotification,
  makeProvider,
  makeSme,
  matchOf,
  minutesAfter,
  needOf,
  offeringOf,
  testSub,
} from '#tests/support/factories.ts';

const t = (minutes: number) => minutesAfter(BASE_TIME, minutes);

let db: Awaited<ReturnType<typeof freshTable>>;
let store: Store;
beforeAll(async () => {
  db = await freshTable('pages');
  store = db.store();
});

/**
 * Follows cursors to the end. DynamoDB may answer a full last page with a
 * cursor whose next page is empty: a final empty page is accepted, an empty
 * page in the middle is not.
 */
async function pages<T>(list: (p: PageRequest) => Promise<Page<T>>, limit: number, maxPages = 10): Promise<T[][]> {
  const out: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await list({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(page.items);
    if (page.nextCursor === null) return out;
    expect(page.items.length, 'only the last page may be empty').toBeGreaterThan(0);
    cursor = page.nextCursor;
  }
  throw new Error(`no end after ${maxPages} pages`);
}

function expectPaged<T extends { id: string }>(got: T[][], expectedIds: string[], limit: number) {
  const flat = got.flat().map((x) => x.id);
  expect(flat).toEqual(expectedIds); // every item once, in order, none lost, none twice
  const full = Math.floor(expectedIds.length / limit);
  for (let i = 0; i < full; i++) expect(got[i]).toHaveLength(limit);
  const nonEmpty = got.filter((p) => p.length > 0).length;
  expect(nonEmpty).toBe(Math.ceil(expectedIds.length / limit));
  expect(got.length - nonEmpty).toBeLessThanOrEqual(1);
}

describe('several pages', () => {
  it('25 offerings of a provider in pages of 10: 10, 10, 5, then a null cursor', async () => {
    const provider = makeProvider();
    const offerings = Array.from({ length: 25 }, (_, i) => offeringOf(provider, { createdAt: t(i) }));
    await Promise.all(offerings.map((o) => db.seed('offering', o)));

    const got = await pages((p) => store.listOfferingsOfProvider(provider.id, p), 10);

    expectPaged(got, offerings.map((o) => o.id), 10);
  });

  it('20 needs of an SME in pages of 10, newest first across pages (a final empty page allowed)', async () => {
    const sme = makeSme();
    const needs = Array.from({ length: 20 }, (_, i) => needOf(sme, { postedAt: t(i) }));
    await Promise.all(needs.map((n) => db.seed('need', n)));

    const got = await pages((p) => store.listNeedsOfSme(sme.id, p), 10);

    expectPaged(got, needs.map((n) => n.id).reverse(), 10);
  });

  it('the review queue pages newest first and oldest first alike', async () => {
    const sme = makeSme();
    const offering = offeringOf(makeProvider(), { serviceType: 'energy-saving-diagnosis' });
    const matches = Array.from({ length: 23 }, (_, i) => matchOf(needOf(sme, { serviceType: 'energy-saving-diagnosis' }), offering, { createdAt: t(i) }));
    await Promise.all(matches.map((m) => db.seed('match', m)));
    const inOrder = matches.map((m) => m.id);

    expectPaged(await pages((p) => store.listMatchesByStatus('PROPOSED', 'energy-saving-diagnosis', p), 7), inOrder, 7);
    expectPaged(
      await pages((p) => store.listMatchesByStatus('PROPOSED', 'energy-saving-diagnosis', { ...p, newestFirst: true }), 7),
      [...inOrder].reverse(),
      7,
    );
  });

  it('the inbox pages newest first', async () => {
    const me = testSub();
    const notes = Array.from({ length: 12 }, (_, i) => makeNotification({ recipientSub: me, at: t(i) }));
    await Promise.all(notes.map((n) => store.putNotification(n)));

    expectPaged(await pages((p) => store.listInbox(me, p), 5), notes.map((n) => n.id).reverse(), 5);
  });

  it('a list of exactly one page has a null cursor', async () => {
    const provider = makeProvider();
    const offering = offeringOf(provider);
    await db.seed('offering', offering);
    const page = await store.listOfferingsOfProvider(provider.id, { limit: 10 });
    expect(page).toEqual({ items: [offering], nextCursor: null });
  });
});

describe('cursors', () => {
  const alice = testSub();
  const bob = testSub();
  let aliceCursor: string;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      await db.seed('provider', makeProvider({ ownerSub: alice, createdAt: t(i) }));
      await db.seed('provider', makeProvider({ ownerSub: bob, createdAt: t(i) }));
    }
    const first = await store.listProvidersOfOwner(alice, { limit: 1 });
    expect(first.nextCursor).toEqual(expect.any(String));
    aliceCursor = first.nextCursor!;
  });

  it('a genuine cursor continues its own list (also from another Store with the same secret)', async () => {
    const again = new Store(db.doc, db.tableName, TEST_CURSOR_SECRET);
    const page = await again.listProvidersOfOwner(alice, { limit: 10, cursor: aliceCursor });
    expect(page.items).toHaveLength(2);
    expect(page.items.every((p) => p.ownerSub === alice)).toBe(true);
  });

  it('is opaque: it does not show the table’s keys in clear text', () => {
    expect(aliceCursor).not.toContain('PROVIDER#');
    expect(aliceCursor).not.toContain(alice);
  });

  it.each([
    ['a random string', 'bm90LWEtY3Vyc29y'],
    ['a random string with a dot', 'abc.def'],
    ['an empty string', ''],
    ['three parts', 'a.b.c'],
    ['an oversized cursor', `${'a'.repeat(3000)}.${'b'.repeat(43)}`],
  ])('refuses %s with ValidationFailed', async (_name, cursor) => {
    await expect(store.listProvidersOfOwner(alice, { limit: 10, cursor })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('refuses a cursor whose payload was edited but whose signature was kept', async () => {
    const [payload, mac] = aliceCursor.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { s: string; k: Record<string, string> };
    // Point it at bob's list, as an attacker would.
    const edited = {
      s: decoded.s.replace(alice, bob),
      k: Object.fromEntries(Object.entries(decoded.k).map(([k, v]) => [k, v.replace(alice, bob)])),
    };
    const forged = `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${mac}`;

    await expect(store.listProvidersOfOwner(bob, { limit: 10, cursor: forged })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(store.listProvidersOfOwner(alice, { limit: 10, cursor: forged })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('refuses a cursor with a flipped signature character', async () => {
    const last = aliceCursor.at(-1)!;
    const flipped = aliceCursor.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    await expect(store.listProvidersOfOwner(alice, { limit: 10, cursor: flipped })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('refuses a cursor for the same list signed with another secret', async () => {
    const foreign = new Store(db.doc, db.tableName, 'another-secret-entirely-9876543210');
    const theirs = await foreign.listProvidersOfOwner(alice, { limit: 1 });
    expect(theirs.nextCursor).toEqual(expect.any(String));

    const refused = store.listProvidersOfOwner(alice, { limit: 10, cursor: theirs.nextCursor! });
    await expect(refused).rejects.toBeInstanceOf(ValidationFailed);
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_FAILED', statusCode: 400 });
    await expect(foreign.listProvidersOfOwner(alice, { limit: 10, cursor: aliceCursor })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('refuses a cursor made for one owner’s list on another owner’s list', async () => {
    await expect(store.listProvidersOfOwner(bob, { limit: 10, cursor: aliceCursor })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('refuses a cursor of one list on another list of the same owner', async () => {
    await db.seed('sme', makeSme({ ownerSub: alice }));
    await expect(store.listSmesOfOwner(alice, { limit: 10, cursor: aliceCursor })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(store.listAllProviders({ limit: 10, cursor: aliceCursor })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('refuses a cursor of the oldest-first review queue on the newest-first one, and across markets', async () => {
    const sme = makeSme();
    const offering = offeringOf(makeProvider(), { serviceType: 'cleaner-production-audit' });
    for (let i = 0; i < 3; i++) {
      await db.seed('match', matchOf(needOf(sme, { serviceType: 'cleaner-production-audit' }), offering, { createdAt: t(i) }));
    }
    const page = await store.listMatchesByStatus('PROPOSED', 'cleaner-production-audit', { limit: 1 });
    const cursor = page.nextCursor!;
    expect(cursor).toEqual(expect.any(String));

    await expect(store.listMatchesByStatus('PROPOSED', 'cleaner-production-audit', { limit: 1, cursor })).resolves.toMatchObject({
      items: [expect.anything()],
    });
    await expect(
      store.listMatchesByStatus('PROPOSED', 'cleaner-production-audit', { limit: 1, cursor, newestFirst: true }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    await expect(store.listMatchesByStatus('PROPOSED', 'energy-audit', { limit: 1, cursor })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(store.listMatchesByStatus('APPROVED', 'cleaner-production-audit', { limit: 1, cursor })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
  });
});
