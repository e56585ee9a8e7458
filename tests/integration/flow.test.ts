import { describe, expect, it } from 'vitest';
import { actor, testApp } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';

const offeringBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  title: 'On-site energy audit',
  regions: ['CN-SC'],
  remote: false,
  languages: ['zh-CN'],
  capacityPerMonth: 2,
  publicWelfare: true,
  leadTimeDays: 3,
  ...over,
});
const smeBody = (over: Record<string, unknown> = {}) => ({
  name: 'Chengdu Valve Co.',
  uscc: testUscc('CN-SC'),
  sizeClass: 'SMALL',
  tier: 'INNOVATIVE',
  industry: 'valves',
  region: { province: 'CN-SC', city: 'Chengdu' },
  ...over,
});
const needBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  description: 'Annual energy audit of our plant',
  remoteOk: false,
  deadline: '2027-03-31',
  ...over,
});

describe('a match from posting to feedback', () => {
  it('proposes, confirms, delivers, completes and rates, telling both parties', async () => {
    const app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
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
      },
    });
    expect(p.status).toBe(201);
    // A new provider is PENDING until an operator approves it.
    expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op })).status).toBe(200);
    const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, { as: prov, body: offeringBody() });
    expect(o.status).toBe(201);
    const s = await app.call('POST', '/v1/smes', { as: sme, body: smeBody() });
    expect(s.status).toBe(201);
    // Only a verified tier counts: an operator vouches for the declared one.
    const v = await app.call('PATCH', `/v1/smes/${s.body.id}/verification`, { as: op, body: { tier: 'INNOVATIVE', note: 'on the provincial list' } });
    expect(v.body).toMatchObject({ declaredTier: 'INNOVATIVE', tier: 'INNOVATIVE' });
    const n = await app.call('POST', `/v1/smes/${s.body.id}/needs`, { as: sme, body: needBody() });
    expect(n.status).toBe(201);
    expect(n.body.status).toBe('WAITING');

    await app.drain();

    const need = await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme });
    expect(need.body.status).toBe('PROPOSED');
    const m = need.body.currentMatch;
    expect(m).toMatchObject({ status: 'PROPOSED', offeringId: o.body.id, providerId: p.body.id, period: '2026-12' });
    expect(m.breakdown.priorityReasons).toContain('tier:INNOVATIVE');

    const cap = await app.call('GET', `/v1/offerings/${o.body.id}/capacity?period=2026-12`, { as: prov });
    expect(cap.body).toMatchObject({ limit: 2, used: 1 });

    const queue = await app.call('GET', '/v1/matches?status=PROPOSED', { as: op });
    expect(queue.body.items.map((x: { id: string }) => x.id)).toEqual([m.id]);

    // Each step a minute apart, as people act: the inbox is ordered by time.
    app.advance(60_000);
    expect((await app.call('POST', `/v1/matches/${m.id}/approve`, { as: op })).body.status).toBe('APPROVED');
    app.advance(60_000);
    expect((await app.call('POST', `/v1/matches/${m.id}/accept`, { as: sme })).body.status).toBe('APPROVED');
    app.advance(60_000);
    expect((await app.call('POST', `/v1/matches/${m.id}/accept`, { as: prov })).body.status).toBe('CONFIRMED');
    expect((await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body.status).toBe('MATCHED');
    app.advance(60_000);
    expect((await app.call('POST', `/v1/matches/${m.id}/deliver`, { as: prov })).body.status).toBe('DELIVERED');
    app.advance(60_000);
    expect((await app.call('POST', `/v1/matches/${m.id}/confirm`, { as: sme })).body.status).toBe('COMPLETED');
    expect((await app.call('GET', `/v1/needs/${n.body.id}`, { as: sme })).body.status).toBe('FULFILLED');
    // Feedback a minute later: two notifications of one instant have no order the inbox promises.
    app.advance(60_000);
    const fb = await app.call('POST', `/v1/matches/${m.id}/feedback`, { as: sme, body: { rating: 4 } });
    expect(fb.status).toBe(200);
    expect((await app.call('POST', `/v1/matches/${m.id}/feedback`, { as: sme, body: { rating: 5 } })).status).toBe(409);
    expect((await app.call('GET', `/v1/providers/${p.body.id}`, { as: prov })).body).toMatchObject({ rating: 4, ratingCount: 1 });

    await app.drain();
    const smeInbox = await app.call('GET', '/v1/inbox', { as: sme });
    expect(smeInbox.body.items.map((x: { type: string }) => x.type)).toEqual(['MATCH_COMPLETED', 'MATCH_DELIVERED', 'MATCH_CONFIRMED', 'MATCH_APPROVED']);
    const provInbox = await app.call('GET', '/v1/inbox', { as: prov });
    expect(provInbox.body.items.map((x: { type: string }) => x.type)).toEqual([
      'FEEDBACK_RECEIVED',
      'MATCH_COMPLETED',
      'MATCH_CONFIRMED',
      'MATCH_ACCEPTED',
      'MATCH_APPROVED',
      'PROVIDER_APPROVED',
    ]);
    const read = await app.call('POST', `/v1/inbox/${provInbox.body.items[0].id}/read`, { as: prov });
    expect(read.status).toBe(200);
    expect((await app.call('POST', `/v1/inbox/${provInbox.body.items[0].id}/read`, { as: sme })).status).toBe(404);

    const analytics = await app.call('GET', '/v1/analytics/markets?period=2026-12', { as: op });
    expect(analytics.body.items[0]).toMatchObject({ serviceType: 'energy-audit', completed: 1, capacity: 2, used: 1 });
  });

  it('a rejected match sends the capacity to the next need and never back to the rejected pair', async () => {
    const app = await testApp({ NOW: '2026-12-01T08:00:00.000Z' });
    const prov = actor('provider');
    const op = actor('operator');
    const p = await app.call('POST', '/v1/providers', {
      as: prov,
      body: { name: 'Audit', kind: 'GREEN_AUDIT_FIRM', regions: ['CN-SC'], languages: ['zh-CN'], certifications: [] },
    });
    expect((await app.call('POST', `/v1/providers/${p.body.id}/approve`, { as: op })).status).toBe(200);
    const o = await app.call('POST', `/v1/providers/${p.body.id}/offerings`, { as: prov, body: offeringBody({ capacityPerMonth: 1 }) });
    const a = actor('sme');
    const b = actor('sme');
    const sa = await app.call('POST', '/v1/smes', { as: a, body: smeBody({ tier: 'LITTLE_GIANT' }) });
    const sb = await app.call('POST', '/v1/smes', { as: b, body: smeBody({ tier: 'NONE' }) });
    // The little giant is one by an operator's verification (a declared tier alone never counts).
    const va = await app.call('PATCH', `/v1/smes/${sa.body.id}/verification`, { as: op, body: { tier: 'LITTLE_GIANT', note: 'MIIT list' } });
    expect(va.body.tier).toBe('LITTLE_GIANT');
    const nb = await app.call('POST', `/v1/smes/${sb.body.id}/needs`, { as: b, body: needBody() });
    const na = await app.call('POST', `/v1/smes/${sa.body.id}/needs`, { as: a, body: needBody() });
    await app.drain();
    // Same round, scarce capacity: the little giant (posted last) is placed.
    const ga = await app.call('GET', `/v1/needs/${na.body.id}`, { as: a });
    expect(ga.body.status).toBe('PROPOSED');
    expect((await app.call('GET', `/v1/needs/${nb.body.id}`, { as: b })).body.status).toBe('WAITING');

    const rej = await app.call('POST', `/v1/matches/${ga.body.currentMatchId}/reject`, { as: op, body: { reason: 'wrong scope' } });
    expect(rej.body.status).toBe('REJECTED');
    await app.drain();
    const afterA = await app.call('GET', `/v1/needs/${na.body.id}`, { as: a });
    expect(afterA.body).toMatchObject({ status: 'WAITING', excludedOfferingIds: [o.body.id] });
    const afterB = await app.call('GET', `/v1/needs/${nb.body.id}`, { as: b });
    expect(afterB.body.status).toBe('PROPOSED');
    expect(afterB.body.currentMatch.offeringId).toBe(o.body.id);

    // B withdraws: capacity comes back, but A never gets that offering again.
    const w = await app.call('POST', `/v1/needs/${nb.body.id}/withdraw`, { as: b });
    expect(w.body.status).toBe('WITHDRAWN');
    await app.drain();
    expect((await app.call('GET', `/v1/offerings/${o.body.id}/capacity?period=2026-12`, { as: prov })).body.used).toBe(0);
    expect((await app.call('GET', `/v1/needs/${na.body.id}`, { as: a })).body.status).toBe('WAITING');
  });
});
