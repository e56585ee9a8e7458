/**
 * Per-user quotas (api.md "Quotas"): conditional counters on dynalite through
 * the real AWS SDK, reached through the HTTP handlers.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { makeDocumentClient } from '#functions/store/client.ts';
import { quotaKey } from '#functions/store/keys.ts';
import { idempotencyScope } from '#functions/usecases/needs.ts';
import { derivedId } from '#functions/usecases/support.ts';
import { actor, testApp, type Actor } from '#tests/support/app.ts';
import { testUscc } from '#tests/support/factories.ts';
import { needBody, offeringBody, providerBody, smeBody } from '#tests/support/http.ts';

type App = Awaited<ReturnType<typeof testApp>>;

async function smeOf(app: App, owner: Actor): Promise<string> {
  const res = await app.call('POST', '/v1/smes', { as: owner, body: smeBody() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

const post = (app: App, owner: Actor, smeId: string, over: Record<string, unknown> = {}) =>
  app.call('POST', `/v1/smes/${smeId}/needs`, { as: owner, body: needBody({ serviceType: 'legal-aid', ...over }) });

async function needsOf(app: App, owner: Actor, smeId: string): Promise<Array<{ id: string; status: string }>> {
  const res = await app.call('GET', `/v1/smes/${smeId}/needs?limit=100`, { as: owner });
  expect(res.status).toBe(200);
  return res.body.items;
}

function expectQuota(res: { status: number; body: any }, name: string, message: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body.error.code).toBe('QUOTA_EXCEEDED');
  expect(res.body.error.details).toEqual([{ path: name, message }]);
}

describe('open needs per SME', () => {
  it('lets exactly 20 of 30 concurrent posts through, refuses 10 with 429, and writes nothing for them', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: '30' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const publishedBefore = app.publisher.published.length;

    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => post(app, owner, smeId, { description: `need ${i}` })));

    const statuses = JSON.stringify(results.map((r) => [r.status, r.body?.error?.code]));
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 429);
    expect(created, statuses).toHaveLength(20);
    expect(refused).toHaveLength(10);
    for (const r of refused) expectQuota(r, 'quota.openNeedsPerSme', 'at most 20 open needs per SME');
    const stored = await needsOf(app, owner, smeId);
    expect(stored.map((n) => n.id).sort()).toEqual(created.map((r) => r.body.id as string).sort());
    const posted = app.publisher.published.slice(publishedBefore).filter((e) => e.detailType === 'NeedPosted');
    expect(posted).toHaveLength(20);
    const counter = await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS`);
    expect(counter.n).toBe(20);
    expect(Object.keys(counter.holders).sort()).toEqual(stored.map((n) => n.id).sort());
  });

  it('gives a withdrawn need its slot back once, however often it is withdrawn', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME: '2' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const a = await post(app, owner, smeId);
    const b = await post(app, owner, smeId, { serviceType: 'energy-audit' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expectQuota(await post(app, owner, smeId, { serviceType: 'cloud-migration' }), 'quota.openNeedsPerSme', 'at most 2 open needs per SME');

    expect((await app.call('POST', `/v1/needs/${a.body.id}/withdraw`, { as: owner })).status).toBe(200);
    // A repeated withdrawal is refused or answers the same need; either way it gives back nothing more.
    await app.call('POST', `/v1/needs/${a.body.id}/withdraw`, { as: owner });
    expect((await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS`)).n).toBe(1);

    expect((await post(app, owner, smeId, { serviceType: 'cloud-migration' })).status).toBe(201);
    expectQuota(await post(app, owner, smeId, { serviceType: 'smart-manufacturing' }), 'quota.openNeedsPerSme', 'at most 2 open needs per SME');
  });

  it('refuses a keyed post over the quota writing nothing under its Idempotency-Key, and still answers a known key', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME: '1' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const keyed = (key: string) =>
      app.call('POST', `/v1/smes/${smeId}/needs`, { as: owner, body: needBody({ serviceType: 'legal-aid' }), headers: { 'Idempotency-Key': key } });
    const first = await keyed('key-1');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expectQuota(await keyed('key-2'), 'quota.openNeedsPerSme', 'at most 1 open needs per SME');
    // A key names its need (usecases/needs.ts): the refused key's need does not exist.
    const scope = idempotencyScope(owner, 'POST /v1/smes/{smeId}/needs', `/v1/smes/${smeId}/needs`);
    expect(first.body.id).toBe(derivedId('nd', scope, 'key-1'));
    expect(await app.ports.store.get('need', derivedId('nd', scope, 'key-2'), true)).toBeUndefined();
    // The retry of the first post is not a new need: it answers the first one, quota or not.
    const retry = await keyed('key-1');
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('gives the slot back when the need cannot be written (an unknown voucher)', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME: '1' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const bad = await post(app, owner, smeId, { voucherId: 'vc_doesnotexist00' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect((await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS`)).n).toBe(0);
    expect((await post(app, owner, smeId)).status).toBe(201);
  });

  it('refuses a provider whose USCC another profile holds with 409 before taking a quota slot: the refusal writes nothing', async () => {
    const app = await testApp();
    const first = actor('provider');
    const second = actor('provider');
    const uscc = testUscc('CN-SC');
    expect((await app.call('POST', '/v1/providers', { as: first, body: { ...providerBody(), uscc } })).status).toBe(201);
    const dup = await app.call('POST', '/v1/providers', { as: second, body: { ...providerBody(), uscc } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE');
    // Not even a taken-and-given-back slot: no counter item for the refused owner at all.
    const doc = makeDocumentClient({ endpoint: app.ports.config.DYNAMODB_ENDPOINT });
    const item = await doc.send(new GetCommand({ TableName: app.ports.config.TABLE_NAME, Key: quotaKey(`OWNER#${second.sub}#PROVIDERS`), ConsistentRead: true }));
    expect(item.Item).toBeUndefined();
  });

  it('repairs a slot whose need was never written once it is older than the grace period, and not before', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME: '1' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const scope = `SME#${smeId}#OPENNEEDS`;
    const now = app.ports.clock.now().getTime();
    // A crash between taking the slot and writing the need, a moment ago: the write may still be under way.
    expect(await app.ports.store.takeQuota(scope, 1, 'nd_crashedjustnow00', now - 60_000)).toBe('taken');
    expectQuota(await post(app, owner, smeId), 'quota.openNeedsPerSme', 'at most 1 open needs per SME');

    expect(await app.ports.store.releaseQuota(scope, 'nd_crashedjustnow00')).toBe(true);
    expect(await app.ports.store.takeQuota(scope, 1, 'nd_crashedlongago00', now - 60 * 60_000)).toBe('taken');
    const res = await post(app, owner, smeId);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Object.keys((await app.ports.store.getQuota(scope)).holders)).toEqual([res.body.id]);
  });
});

describe('open needs per SME and service type', () => {
  it('refuses a fourth open need in one service type, naming the limit, while another type still has room', async () => {
    // The default (3); tests/support raises it for the other suites.
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: '3' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    for (let i = 0; i < 3; i++) expect((await post(app, owner, smeId)).status).toBe(201);
    expectQuota(
      await post(app, owner, smeId),
      'quota.openNeedsPerSmeAndServiceType',
      'at most 3 open needs per SME in one service type (legal-aid)',
    );
    expect((await post(app, owner, smeId, { serviceType: 'energy-audit' })).status).toBe(201);
    // The refused post took no slot of the SME-wide quota either.
    const counter = await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS`);
    expect(counter.n).toBe(4);
    // One item counts both limits: no counter of its own per service type.
    expect(counter.groups).toEqual({ 'legal-aid': 3, 'energy-audit': 1 });
    expect(await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS#legal-aid`)).toEqual({ n: 0, holders: {}, groups: {} });
    expect(await needsOf(app, owner, smeId)).toHaveLength(4);

    // A need withdrawn gives back its slot in both counts.
    const [first] = await needsOf(app, owner, smeId);
    expect((await app.call('POST', `/v1/needs/${first!.id}/withdraw`, { as: owner })).status).toBe(200);
    const after = await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS`);
    expect(after.n).toBe(3);
    expect(Object.values(after.groups).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('lets exactly 3 of 10 concurrent posts of one service type through, with the SME-wide count the same', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: '3' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => post(app, owner, smeId, { description: `need ${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of results.filter((x) => x.status !== 201)) {
      expectQuota(r, 'quota.openNeedsPerSmeAndServiceType', 'at most 3 open needs per SME in one service type (legal-aid)');
    }
    expect(await app.ports.store.getQuota(`SME#${smeId}#OPENNEEDS`)).toMatchObject({ n: 3, groups: { 'legal-aid': 3 } });
    expect(await needsOf(app, owner, smeId)).toHaveLength(3);
  });

  it('gives back the two slots of a need opened when each limit had its own counter', async () => {
    const app = await testApp({ QUOTA_OPEN_NEEDS_PER_SME: '2', QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: '3' });
    const owner = actor('sme');
    const smeId = await smeOf(app, owner);
    const res = await post(app, owner, smeId);
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    // Rewrite its slots as they were taken before: a plain slot SME-wide, one in the per-type counter.
    const scope = `SME#${smeId}#OPENNEEDS`;
    expect(await app.ports.store.releaseQuota(scope, id, 'legal-aid')).toBe(true);
    const at = app.ports.clock.now().getTime();
    expect(await app.ports.store.takeQuota(scope, 2, id, at)).toBe('taken');
    expect(await app.ports.store.takeQuota(`${scope}#legal-aid`, 3, id, at)).toBe('taken');

    expect((await app.call('POST', `/v1/needs/${id}/withdraw`, { as: owner })).status).toBe(200);
    expect((await app.ports.store.getQuota(scope)).n).toBe(0);
    expect((await app.ports.store.getQuota(`${scope}#legal-aid`)).n).toBe(0);
  });
});

describe('providers per owner and offerings per provider', () => {
  it('lets exactly 5 of 8 concurrent provider registrations of one owner through', async () => {
    const app = await testApp();
    const owner = actor('provider');
    const results = await Promise.all(Array.from({ length: 8 }, () => app.call('POST', '/v1/providers', { as: owner, body: providerBody() })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    for (const r of results.filter((x) => x.status !== 201)) expectQuota(r, 'quota.providersPerOwner', 'at most 5 providers per owner');
    const listed = await app.call('GET', '/v1/providers?limit=100', { as: owner });
    expect(listed.body.items).toHaveLength(5);
    // Another owner has a quota of its own.
    expect((await app.call('POST', '/v1/providers', { as: actor('provider'), body: providerBody() })).status).toBe(201);
  });

  it('refuses an offering beyond the provider quota and writes nothing for it', async () => {
    const app = await testApp({ QUOTA_OFFERINGS_PER_PROVIDER: '2' });
    const owner = actor('provider');
    const p = await app.call('POST', '/v1/providers', { as: owner, body: providerBody() });
    const offer = () => app.call('POST', `/v1/providers/${p.body.id}/offerings`, { as: owner, body: offeringBody() });
    const results = await Promise.all([offer(), offer(), offer(), offer()]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    for (const r of results.filter((x) => x.status !== 201)) expectQuota(r, 'quota.offeringsPerProvider', 'at most 2 offerings per provider');
    const listed = await app.call('GET', `/v1/providers/${p.body.id}/offerings`, { as: owner });
    expect(listed.body.items).toHaveLength(2);
  });
});
