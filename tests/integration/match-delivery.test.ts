/**
 * Parties who can work together (issue 12): the context every match carries,
 * the contact rule, delivery (deliver, confirm, dispute, resolve, the
 * automatic confirmation and the delivery timers), profile edits that follow
 * onto live matches, and idempotency keys scoped by path. Through the HTTP
 * handlers on dynalite, events delivered by the test's drain.
 */
import { describe, expect, it } from 'vitest';
import { actor, lambdaContext, testApp, type Actor } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

type App = Awaited<ReturnType<typeof testApp>>;

const NOW = '2026-12-01T08:00:00.000Z';
const DAY = 86_400_000;
const LONG = '节能诊断'.repeat(80);
const PROVIDER_CONTACT = { name: 'Li Na', phone: '+862887654321', email: 'li.na@example.cn' };
const SME_CONTACT = { name: '王经理', phone: '13812345678' };

interface Pair {
  app: App;
  prov: Actor;
  sme: Actor;
  op: Actor;
  providerId: string;
  offeringId: string;
  smeId: string;
  needId: string;
  matchId: string;
}

/** A provider with an offering, an SME with a need, one round: a PROPOSED match between them. */
async function proposedPair(env: Record<string, string> = {}): Promise<Pair> {
  const app = await testApp({ NOW, ...env });
  const prov = actor('provider');
  const sme = actor('sme');
  const op = actor('operator');
  const p = await app.call('POST', '/v1/providers', {
    as: prov,
    body: {
      name: 'Sichuan Green Audit',
      kind: 'GREEN_AUDIT_FIRM',
      regions: ['CN-SC'],
      languages: ['zh-CN'],
      certifications: [{ type: 'CMA', number: '211912345678', validUntil: '2028-12-31' }],
      contact: PROVIDER_CONTACT,
    },
  });
  expect(p.status).toBe(201);
  expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op })).status).toBe(200);
  const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, {
    as: prov,
    body: {
      serviceType: 'energy-audit',
      title: 'On-site energy audit',
      regions: ['CN-SC'],
      remote: false,
      languages: ['zh-CN'],
      capacityPerMonth: 2,
      priceMin: 0,
      priceMax: 3000,
      publicWelfare: true,
      leadTimeDays: 3,
    },
  });
  expect(o.status).toBe(201);
  const s = await app.call('POST', '/v1/smes', {
    as: sme,
    body: {
      name: 'Chengdu Valve Co.',
      uscc: testUscc('CN-SC'),
      sizeClass: 'SMALL',
      tier: 'INNOVATIVE',
      industry: 'valves',
      region: { province: 'CN-SC', city: 'Chengdu' },
      contact: SME_CONTACT,
    },
  });
  expect(s.status).toBe(201);
  const n = await app.call('POST', `/v1/smes/${s.body.id}/needs`, {
    as: sme,
    body: { serviceType: 'energy-audit', description: LONG, remoteOk: false, budgetMax: 5000, deadline: '2026-12-20' },
  });
  expect(n.status).toBe(201);
  await app.drain();
  const need = await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme });
  expect(need.body.status).toBe('PROPOSED');
  return { app, prov, sme, op, providerId: p.body.id, offeringId: o.body.id, smeId: s.body.id, needId: n.body.id, matchId: need.body.currentMatch.id };
}

async function confirmedPair(env: Record<string, string> = {}): Promise<Pair> {
  const x = await proposedPair(env);
  const { app, matchId: id } = x;
  expect((await app.call('POST', `/v1/matches/${id}/approve`, { as: x.op })).status).toBe(200);
  expect((await app.call('POST', `/v1/matches/${id}/accept`, { as: x.sme })).status).toBe(200);
  expect((await app.call('POST', `/v1/matches/${id}/accept`, { as: x.prov })).body.status).toBe('CONFIRMED');
  return x;
}

const get = (x: Pair, as: Actor) => x.app.call('GET', `/v1/matches/${x.matchId}`, { as });
const expiry = (app: App) => app.handlers.expiry({}, lambdaContext('expiry'));

describe('the context on a match', () => {
  it('carries SME, provider, offering and need summaries for both parties, in every list and in the review queue', async () => {
    const x = await proposedPair();
    const context = {
      sme: { id: x.smeId, name: 'Chengdu Valve Co.', province: 'CN-SC', city: 'Chengdu', industry: 'valves', tier: 'NONE' },
      provider: { id: x.providerId, name: 'Sichuan Green Audit', rating: null, ratingCount: 0 },
      offering: { id: x.offeringId, title: 'On-site energy audit', priceMin: 0, priceMax: 3000, remote: false },
      need: { id: x.needId, deadline: '2026-12-20', budgetMax: 5000 },
    };
    const seen = [
      (await get(x, x.sme)).body,
      (await get(x, x.prov)).body,
      (await x.app.call('GET', '/v1/matches?status=PROPOSED', { as: x.op })).body.items[0],
      (await x.app.call('GET', `/v1/smes/${x.smeId}/matches`, { as: x.sme })).body.items[0],
      (await x.app.call('GET', `/v1/providers/${x.providerId}/matches`, { as: x.prov })).body.items[0],
      (await x.app.call('GET', `/v1/needs/${x.needId}/matches`, { as: x.sme })).body.items[0],
    ];
    for (const m of seen) expect(m).toMatchObject({ id: x.matchId, ...context });
    // The description is cut to 200 characters (not UTF-16 units) to keep the match item small.
    const description: string = seen[0].need.description;
    expect(Array.from(description)).toHaveLength(200);
    expect(description.endsWith('…')).toBe(true);
    expect(LONG.startsWith(description.slice(0, -1))).toBe(true);
    // Bookkeeping of the timers stays inside.
    expect(seen[0]).not.toHaveProperty('nextCheckAt');
  });

  it('stores no summaries on the match (its item stays under 1 KB) and shows the parties as they are now, replacing any an older version stored', async () => {
    const x = await proposedPair();
    const stored = (await x.app.ports.store.get('match', x.matchId, true))!;
    for (const k of ['sme', 'provider', 'offering', 'need']) expect(stored).not.toHaveProperty(k);
    // DynamoDB sizes an item by its attribute names and UTF-8 values: JSON is a close upper bound.
    expect(Buffer.byteLength(JSON.stringify(stored), 'utf8')).toBeLessThan(1024);

    const { pendingEvents: _pe, version: _v, updatedAt: _u, ...bare } = stored;
    const staleSme = { id: x.smeId, name: 'Old Name Co.', province: 'CN-SC', industry: 'C34', tier: 'NONE' } as const;
    const old = await x.app.ports.store.insert('match', { ...bare, id: 'mt_writtenWithSummaries0000', status: 'CONFIRMED', sme: staleSme });
    const read = await x.app.call('GET', `/v1/matches/${old.id}`, { as: x.sme });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      sme: { id: x.smeId, name: 'Chengdu Valve Co.' },
      provider: { id: x.providerId, name: 'Sichuan Green Audit', contact: PROVIDER_CONTACT },
      offering: { id: x.offeringId, title: 'On-site energy audit' },
      need: { id: x.needId, deadline: '2026-12-20' },
    });
  });
});

describe('contacts', () => {
  it('shows the other party its contact only once the match is CONFIRMED, and operators always', async () => {
    const x = await proposedPair();
    const beforeSme = (await get(x, x.sme)).body;
    expect(beforeSme.provider).not.toHaveProperty('contact');
    expect(beforeSme.sme.contact).toEqual(SME_CONTACT);
    const beforeProv = (await get(x, x.prov)).body;
    expect(beforeProv.sme).not.toHaveProperty('contact');
    expect(beforeProv.provider.contact).toEqual(PROVIDER_CONTACT);
    const opView = (await get(x, x.op)).body;
    expect([opView.sme.contact, opView.provider.contact]).toEqual([SME_CONTACT, PROVIDER_CONTACT]);

    await x.app.call('POST', `/v1/matches/${x.matchId}/approve`, { as: x.op });
    const accepted = await x.app.call('POST', `/v1/matches/${x.matchId}/accept`, { as: x.sme });
    expect(accepted.body.status).toBe('APPROVED');
    expect(accepted.body.provider).not.toHaveProperty('contact');
    const confirmed = await x.app.call('POST', `/v1/matches/${x.matchId}/accept`, { as: x.prov });
    expect(confirmed.body.status).toBe('CONFIRMED');
    expect(confirmed.body.sme.contact).toEqual(SME_CONTACT);
    expect((await get(x, x.sme)).body.provider.contact).toEqual(PROVIDER_CONTACT);
  });

  it('never shows a match, contacts included, to another SME or provider', async () => {
    const x = await confirmedPair();
    for (const stranger of [actor('sme'), actor('provider')]) {
      const res = await get(x, stranger);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(PROVIDER_CONTACT.phone);
      expect(JSON.stringify(res.body)).not.toContain(SME_CONTACT.phone);
    }
  });

  it('refuses a malformed contact with 400 and writes nothing', async () => {
    const app = await testApp({ NOW });
    const prov = actor('provider');
    for (const contact of [{ name: 'A', phone: '12345' }, { name: 'A', email: 'not-an-email' }, { name: 'A', fax: '1' }, { phone: '13812345678' }]) {
      const res = await app.call('POST', '/v1/providers', {
        as: prov,
        body: { name: 'X', kind: 'GREEN_AUDIT_FIRM', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [], contact },
      });
      expect(res.status, JSON.stringify(contact)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await app.call('GET', '/v1/providers', { as: prov })).body.items).toEqual([]);
  });
});

describe('delivery', () => {
  it('goes CONFIRMED -> DELIVERED (provider) -> COMPLETED (SME), fulfils the need and then takes feedback', async () => {
    const x = await confirmedPair();
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.sme })).status).toBe(403);
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/feedback`, { as: x.sme, body: { rating: 5 } })).status).toBe(409);
    const delivered = await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.prov });
    expect(delivered.body).toMatchObject({ status: 'DELIVERED', deliveredAt: NOW, autoConfirmAt: new Date(Date.parse(NOW) + 14 * DAY).toISOString() });
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/confirm`, { as: x.prov })).status).toBe(403);
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/confirm`, { as: x.sme })).body.status).toBe('COMPLETED');
    expect((await x.app.call('GET', `/v1/needs/${x.needId}`, { as: x.sme })).body.status).toBe('FULFILLED');
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/feedback`, { as: x.sme, body: { rating: 5 } })).status).toBe(200);
    const events = x.app.publisher.published.map((e) => e.detailType);
    expect(events).toEqual(expect.arrayContaining(['MatchDelivered', 'MatchCompleted']));
  });

  it('settles a dispute as CANCELLED: capacity released, the need waits again without that offering', async () => {
    const x = await confirmedPair();
    await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.prov });
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/dispute`, { as: x.sme, body: {} })).status).toBe(400);
    const disputed = await x.app.call('POST', `/v1/matches/${x.matchId}/dispute`, { as: x.sme, body: { reason: 'the report is missing' } });
    expect(disputed.body.status).toBe('DISPUTED');
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/resolve`, { as: x.op, body: { outcome: 'REFUNDED', note: 'x' } })).status).toBe(400);
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/resolve`, { as: x.sme, body: { outcome: 'CANCELLED', note: 'x' } })).status).toBe(403);
    const resolved = await x.app.call('POST', `/v1/matches/${x.matchId}/resolve`, { as: x.op, body: { outcome: 'CANCELLED', note: 'no report after two reminders' } });
    expect(resolved.body.status).toBe('CANCELLED');
    expect(resolved.body.history.at(-1)).toMatchObject({ status: 'CANCELLED', by: 'operator', reason: 'no report after two reminders' });
    expect(await x.app.ports.store.getCapacity(x.offeringId, '2026-12')).toMatchObject({ used: 0 });
    const need = (await x.app.call('GET', `/v1/needs/${x.needId}`, { as: x.sme })).body;
    expect(need).toMatchObject({ status: 'WAITING', excludedOfferingIds: [x.offeringId] });
    expect(x.app.publisher.published.map((e) => e.detailType)).toEqual(expect.arrayContaining(['MatchDisputed', 'MatchCancelled']));
  });

  it('settles a dispute as COMPLETED: the need is fulfilled', async () => {
    const x = await confirmedPair();
    await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.prov });
    await x.app.call('POST', `/v1/matches/${x.matchId}/dispute`, { as: x.sme, body: { reason: 'late' } });
    const resolved = await x.app.call('POST', `/v1/matches/${x.matchId}/resolve`, { as: x.op, body: { outcome: 'COMPLETED', note: 'delivered in full' } });
    expect(resolved.body.status).toBe('COMPLETED');
    expect((await x.app.call('GET', `/v1/needs/${x.needId}`, { as: x.sme })).body.status).toBe('FULFILLED');
  });

  it('completes a delivery the SME leaves alone after AUTO_CONFIRM_DAYS, not before', async () => {
    const x = await confirmedPair({ AUTO_CONFIRM_DAYS: '5' });
    await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.prov });
    x.app.advance(5 * DAY - 60_000);
    expect(await expiry(x.app)).toMatchObject({ autoConfirmed: 0 });
    expect((await get(x, x.sme)).body.status).toBe('DELIVERED');
    x.app.advance(2 * 60_000);
    expect(await expiry(x.app)).toMatchObject({ autoConfirmed: 1 });
    const m = (await get(x, x.sme)).body;
    expect(m.status).toBe('COMPLETED');
    expect(m.history.at(-1)).toMatchObject({ status: 'COMPLETED', by: 'system' });
    expect(await expiry(x.app)).toMatchObject({ autoConfirmed: 0 });
  });

  it('reminds the provider before delivery is due and escalates once when it passes, each once', async () => {
    // Deadline 2026-12-20 is 19 days away, more than DELIVERY_MIN_DAYS: delivery is due at its end.
    const x = await confirmedPair({ DELIVERY_REMINDER_DAYS: '3' });
    const due = '2026-12-20T23:59:59.999Z';
    expect((await get(x, x.prov)).body.deliveryDueAt).toBe(due);
    const fired = () => x.app.publisher.published.filter((e) => e.detailType === 'DeliveryDueSoon' || e.detailType === 'DeliveryOverdue').map((e) => e.detailType);
    x.app.setNow(new Date(Date.parse(due) - 3 * DAY - 1000));
    expect(await expiry(x.app)).toMatchObject({ deliveryReminders: 0, deliveryOverdue: 0 });
    x.app.setNow(new Date(Date.parse(due) - 3 * DAY + 1000));
    expect(await expiry(x.app)).toMatchObject({ deliveryReminders: 1 });
    expect(await expiry(x.app)).toMatchObject({ deliveryReminders: 0 });
    x.app.setNow(new Date(Date.parse(due) + 1000));
    expect(await expiry(x.app)).toMatchObject({ deliveryOverdue: 1 });
    expect(await expiry(x.app)).toMatchObject({ deliveryOverdue: 0 });
    expect(fired()).toEqual(['DeliveryDueSoon', 'DeliveryOverdue']);
    // Late is not lost: the provider can still deliver.
    expect((await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.prov })).body.status).toBe('DELIVERED');
  });

  it('gives a match confirmed on the eve of the deadline DELIVERY_MIN_DAYS to deliver', async () => {
    const x = await proposedPair({ DELIVERY_MIN_DAYS: '7' });
    x.app.setNow('2026-12-19T08:00:00.000Z');
    await x.app.call('POST', `/v1/matches/${x.matchId}/approve`, { as: x.op });
    await x.app.call('POST', `/v1/matches/${x.matchId}/accept`, { as: x.sme });
    const confirmed = await x.app.call('POST', `/v1/matches/${x.matchId}/accept`, { as: x.prov });
    expect(confirmed.body.deliveryDueAt).toBe('2026-12-26T08:00:00.000Z');
  });

  it('no longer has POST /complete', async () => {
    const x = await confirmedPair();
    await expect(x.app.call('POST', `/v1/matches/${x.matchId}/complete`, { as: x.prov })).rejects.toThrow(/no route/);
  });
});

describe('profile edits', () => {
  it('lets the owner change name, industry, city and contact, and the match shows them at once', async () => {
    const x = await confirmedPair();
    const patched = await x.app.call('PATCH', `/v1/smes/${x.smeId}`, {
      as: x.sme,
      body: { name: 'Chengdu Valve Group', region: { city: 'Deyang' }, contact: { name: '赵', email: 'zhao@example.cn' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Chengdu Valve Group', region: { province: 'CN-SC', city: 'Deyang' }, industry: 'valves' });
    const p = await x.app.call('PATCH', `/v1/providers/${x.providerId}`, { as: x.prov, body: { name: 'Sichuan Green Audit Ltd', languages: ['zh-CN', 'en'] } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ name: 'Sichuan Green Audit Ltd', languages: ['zh-CN', 'en'] });

    await x.app.drain();
    const m = (await get(x, x.prov)).body;
    expect(m.sme).toMatchObject({ name: 'Chengdu Valve Group', city: 'Deyang', contact: { name: '赵', email: 'zhao@example.cn' } });
    expect(m.provider).toMatchObject({ name: 'Sichuan Green Audit Ltd' });
  });

  it('shows an operator verification of the tier on the live match, as the matcher sees it', async () => {
    const x = await confirmedPair();
    expect((await get(x, x.prov)).body.sme.tier).toBe('NONE');
    const v = await x.app.call('PATCH', `/v1/smes/${x.smeId}/verification`, {
      as: x.op,
      body: { tier: 'SPECIALIZED', tierValidUntil: '2027-12-31', note: '专精特新名单第三批' },
    });
    expect(v.status).toBe(200);
    await x.app.drain();
    expect((await get(x, x.prov)).body.sme.tier).toBe('SPECIALIZED');
  });

  it('shows a closed match with the parties as they are now, without rewriting the match', async () => {
    const x = await confirmedPair();
    await x.app.call('POST', `/v1/matches/${x.matchId}/deliver`, { as: x.prov });
    await x.app.call('POST', `/v1/matches/${x.matchId}/confirm`, { as: x.sme });
    const closed = (await x.app.ports.store.get('match', x.matchId, true))!;
    await x.app.call('PATCH', `/v1/smes/${x.smeId}`, { as: x.sme, body: { name: 'Renamed later' } });
    await x.app.drain();
    expect((await get(x, x.sme)).body.sme.name).toBe('Renamed later');
    expect((await x.app.ports.store.get('match', x.matchId, true))?.version).toBe(closed.version);
  });

  it('refuses a province, tier or unknown field, an empty patch, and another owner, writing nothing', async () => {
    const x = await proposedPair();
    const before = await x.app.ports.store.get('sme', x.smeId, true);
    for (const body of [{ region: { province: 'CN-BJ' } }, { tier: 'LITTLE_GIANT' }, { sizeClass: 'MICRO' }, {}, { contact: { name: 'A', phone: '999' } }]) {
      const res = await x.app.call('PATCH', `/v1/smes/${x.smeId}`, { as: x.sme, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await x.app.call('PATCH', `/v1/smes/${x.smeId}`, { as: actor('sme'), body: { name: 'Hijack' } })).status).toBe(404);
    expect((await x.app.call('PATCH', `/v1/smes/${x.smeId}`, { as: x.op, body: { name: 'Op' } })).status).toBe(403);
    for (const body of [{ kind: 'LAW_FIRM' }, { regions: ['CN-BJ'] }, { rating: 5 }]) {
      expect((await x.app.call('PATCH', `/v1/providers/${x.providerId}`, { as: x.prov, body })).status).toBe(400);
    }
    expect((await x.app.call('PATCH', `/v1/providers/${x.providerId}`, { as: actor('provider'), body: { name: 'Hijack' } })).status).toBe(404);
    expect((await x.app.ports.store.get('sme', x.smeId, true))?.version).toBe(before?.version);
  });
});

describe('idempotency keys on posting a need', () => {
  it('scopes a key by its path: the same key under another SME of the same owner makes a new need', async () => {
    const x = await proposedPair();
    const body = { serviceType: 'energy-audit', description: 'Audit', remoteOk: false, deadline: '2027-06-30' };
    const second = await x.app.call('POST', '/v1/smes', {
      as: x.sme,
      body: { name: 'Second Co.', uscc: testUscc('CN-SC'), sizeClass: 'MICRO', tier: 'NONE', industry: 'x', region: { province: 'CN-SC' } },
    });
    const headers = { 'Idempotency-Key': 'audit-2027' };
    const a = await x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body, headers });
    const again = await x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body, headers });
    const b = await x.app.call('POST', `/v1/smes/${second.body.id}/needs`, { as: x.sme, body, headers });
    expect([a.status, again.status, b.status]).toEqual([201, 201, 201]);
    expect(again.body.id).toBe(a.body.id);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.smeId).toBe(second.body.id);

    const other = await x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body: { ...body, description: 'Another' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/another request on this path/);
  });

  it('writes no record besides the need, concurrent twins make one need, and a key lapsed after IDEMPOTENCY_TTL_HOURS names a new need that its own retry finds', async () => {
    const x = await proposedPair();
    const body = { serviceType: 'energy-audit', description: 'Audit', remoteOk: false, deadline: '2027-06-30' };
    const headers = { 'Idempotency-Key': 'twins-1' };
    const twins = await Promise.all(Array.from({ length: 5 }, () => x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body, headers })));
    expect(twins.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(twins.map((r) => r.body.id)).size).toBe(1);
    const first = twins[0]!.body;
    expect(first).not.toHaveProperty('idempotency');

    // Past the key's life (24 h by default) the same key is free for another request.
    x.app.advance(25 * 3_600_000);
    const later = { ...body, description: 'Audit, next year' };
    const reused = await x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body: later, headers });
    expect(reused.status).toBe(201);
    expect(reused.body.id).not.toBe(first.id);
    const retried = await x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body: later, headers });
    expect(retried.body.id).toBe(reused.body.id);
    // While the new need holds the key, the first body is another request.
    expect((await x.app.call('POST', `/v1/smes/${x.smeId}/needs`, { as: x.sme, body, headers })).status).toBe(409);
  });
});
