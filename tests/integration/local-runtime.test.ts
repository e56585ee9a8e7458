/**
 * The whole local runtime in process, with the real handlers: a need posted
 * through the gateway reaches the matcher through the bus and comes back as
 * a proposal; state, tokens and the bus survive a restart on the same data
 * dir; a second runtime on that dir is refused; the demo data is accepted
 * by the API it is created through.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime, type RuntimeOptions } from '#local/runtime.ts';
import { testUscc } from '#tests/support/factories.ts';

let dir: string;
const running: Runtime[] = [];

async function start(opts: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  const rt = await startRuntime({
    dataDir: dir,
    port: 0,
    demo: false,
    roundDelayMs: 20,
    logLevel: 'SILENT',
    intervals: { relay: 0, rebalance: 0, expiry: 0 },
    ...opts,
  });
  running.push(rt);
  return rt;
}

async function api(rt: Runtime, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(rt.url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string; items: Array<Record<string, unknown>> } };
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-runtime-'));
});

afterEach(async () => {
  for (const rt of running.splice(0)) await rt.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('local runtime', () => {
  it('matches a posted need end to end, and keeps state and tokens across a restart', async () => {
    const rt = await start();
    expect(await (await fetch(`${rt.url}/health`)).json()).toEqual({ status: 'ok' });

    const provider = await rt.issueToken('provider', 'rt-provider');
    const sme = await rt.issueToken('sme', 'rt-sme');
    const p = await api(rt, provider.token, 'POST', '/v1/providers', {
      name: 'Hubei Cloud Services',
      kind: 'TRUSTED_DIGITAL_PROVIDER',
      regions: ['CN-HB'],
      languages: ['zh-CN'],
      certifications: [],
    });
    expect(p.status).toBe(201);
    // A new provider is PENDING until an operator approves it.
    const operator = await rt.issueToken('operator', 'rt-operator');
    expect((await api(rt, operator.token, 'POST', `/v1/providers/${p.body.id}/approve`)).status).toBe(200);
    const o = await api(rt, provider.token, 'POST', `/v1/providers/${p.body.id}/offerings`, {
      serviceType: 'cloud-migration',
      title: 'Cloud migration',
      regions: ['CN-HB'],
      remote: true,
      languages: ['zh-CN'],
      capacityPerMonth: 2,
      publicWelfare: false,
      leadTimeDays: 3,
    });
    expect(o.status).toBe(201);
    const s = await api(rt, sme.token, 'POST', '/v1/smes', {
      name: 'Wuhan Optics',
      uscc: testUscc('CN-HB'),
      sizeClass: 'SMALL',
      tier: 'INNOVATIVE',
      industry: 'Optoelectronics',
      region: { province: 'CN-HB' },
    });
    expect(s.status).toBe(201);
    const n = await api(rt, sme.token, 'POST', `/v1/smes/${s.body.id}/needs`, {
      serviceType: 'cloud-migration',
      description: 'Move our ERP to the cloud',
      remoteOk: true,
      deadline: inDays(30),
    });
    expect(n.status).toBe(201);

    await rt.bus.idle();
    const matches = await api(rt, sme.token, 'GET', `/v1/needs/${n.body.id}/matches`);
    expect(matches.status).toBe(200);
    expect(matches.body.items).toEqual([expect.objectContaining({ status: 'PROPOSED', offeringId: o.body.id })]);
    expect(rt.bus.deadLetters()).toEqual([]);

    await rt.stop();
    running.length = 0;
    const again = await start();
    // The same key signs and verifies: a token from before the restart still works.
    const need = await api(again, sme.token, 'GET', `/v1/needs/${n.body.id}`);
    expect(need.status).toBe(200);
    expect(need.body).toMatchObject({ id: n.body.id, status: 'PROPOSED' });
  });

  it('refuses a second runtime on the same data dir', async () => {
    await start();
    await expect(start()).rejects.toThrow(/in use/);
  });

  it('creates the demo data through the API on an empty table, and only refreshes its tokens later', async () => {
    const rt = await start({ demo: true });
    expect(rt.demo?.seeded).toBe(true);
    const roles = new Set(rt.demo!.owners.map((o) => o.role));
    expect(roles).toEqual(new Set(['operator', 'provider', 'sme']));
    const file = JSON.parse(await fs.readFile(path.join(dir, 'demo-tokens.json'), 'utf8')) as { owners: Array<{ token: string }> };
    expect(file.owners).toHaveLength(rt.demo!.owners.length);

    const operator = rt.demo!.owners.find((o) => o.role === 'operator')!;
    const providers = await api(rt, operator.token, 'GET', '/v1/providers?limit=100');
    expect(providers.body.items.length).toBeGreaterThanOrEqual(6);
    // Onboarded through the API: every demo provider approved by the demo operator, each with its USCC.
    const onboarded = providers.body.items as Array<{ status: string; uscc?: string }>;
    expect(onboarded.filter((p) => p.status !== 'APPROVED' || !p.uscc)).toEqual([]);
    // The demo's tier register made one SME a verified little giant; a tier declared without a listing stays declared.
    const smes = (await api(rt, operator.token, 'GET', '/v1/smes?limit=100')).body.items as Array<{ declaredTier: string; tier: string; tierVerification?: { source: string | null } }>;
    expect(smes.filter((x) => x.tier === 'LITTLE_GIANT').map((x) => x.tierVerification?.source)).toEqual(['REGISTER']);
    expect(smes.some((x) => x.declaredTier === 'INNOVATIVE' && x.tier === 'NONE')).toBe(true);
    await rt.bus.idle();
    const proposed = await api(rt, operator.token, 'GET', '/v1/matches?status=PROPOSED&limit=100');
    expect(proposed.body.items.length).toBeGreaterThan(0);
    expect(rt.bus.deadLetters()).toEqual([]);

    // One voucher-paid need went through its whole life: its voucher is redeemed, the provider has a settlement
    // line, and both parties were told (the inbox items the voucher events wrote).
    const western = rt.demo!.owners.find((o) => o.sub === 'demo-sme-sc-micro')!;
    const vouchers = (await api(rt, western.token, 'GET', `/v1/smes/${western.ids[0]}/vouchers`)).body.items as Array<{ status: string; balance: number; redeemed: Record<string, { amount: number; providerId: string; at: string }> }>;
    const redeemed = vouchers.filter((v) => v.status === 'REDEEMED');
    expect(redeemed).toHaveLength(1);
    expect(redeemed[0]!.balance).toBe(0);
    const [line] = Object.values(redeemed[0]!.redeemed);
    expect(line!.amount).toBe(20_000);
    const settled = await api(rt, operator.token, 'GET', `/v1/providers/${line!.providerId}/settlements?period=${line!.at.slice(0, 7)}`);
    expect(settled.body).toMatchObject({ total: 20_000 });
    const smeInbox = (await api(rt, western.token, 'GET', '/v1/inbox?limit=100')).body.items.map((n) => n.type);
    expect(smeInbox).toEqual(expect.arrayContaining(['VOUCHER_ISSUED', 'VOUCHER_REDEEMED']));

    await rt.stop();
    running.length = 0;
    const again = await start({ demo: true });
    expect(again.demo?.seeded).toBe(false);
    const after = await api(again, again.demo!.owners.find((o) => o.role === 'operator')!.token, 'GET', '/v1/providers?limit=100');
    expect(after.body.items).toHaveLength(providers.body.items.length);
  });
});
