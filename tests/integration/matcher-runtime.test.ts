/**
 * The local runtime with its real bus and its default round delay: a need
 * posted over HTTP is proposed about a second later, no sooner than the
 * delay (triggers wait so that needs arriving together compete by priority)
 * and not much later either.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '#local/runtime.ts';
import { testUscc } from '#tests/support/factories.ts';

let rt: Runtime | undefined;
let dir: string | undefined;

afterEach(async () => {
  await rt?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  rt = undefined;
  dir = undefined;
});

async function api(token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(rt!.url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('the local runtime', () => {
  it('proposes a need posted over HTTP after the default round delay of 1 s, within about a second more', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'matcher-runtime-'));
    rt = await startRuntime({ dataDir: dir, logLevel: 'SILENT', intervals: { relay: 0, rebalance: 0, expiry: 0 } });
    const delay = rt.config.ROUND_DELAY_MS;
    expect(delay).toBe(1000);

    const provider = await rt.issueToken('provider');
    const sme = await rt.issueToken('sme');
    const p = await api(provider.token, 'POST', '/v1/providers', {
      name: 'Sichuan Green Audit',
      kind: 'GREEN_AUDIT_FIRM',
      regions: ['CN-SC'],
      languages: ['zh-CN'],
      certifications: [],
    });
    expect(p.status).toBe(201);
    // A new provider is PENDING until an operator approves it.
    const operator = await rt.issueToken('operator');
    expect((await api(operator.token, 'POST', `/v1/providers/${p.body.id}/approve`)).status).toBe(200);
    const o = await api(provider.token, 'POST', `/v1/providers/${p.body.id}/offerings`, {
      serviceType: 'energy-audit',
      title: 'On-site energy audit',
      regions: ['CN-SC'],
      remote: false,
      languages: ['zh-CN'],
      capacityPerMonth: 3,
      publicWelfare: true,
      leadTimeDays: 3,
    });
    expect(o.status).toBe(201);
    const s = await api(sme.token, 'POST', '/v1/smes', {
      name: 'Chengdu Valve Co.',
      uscc: testUscc('CN-SC'),
      sizeClass: 'SMALL',
      tier: 'INNOVATIVE',
      industry: 'valves',
      region: { province: 'CN-SC', city: 'Chengdu' },
    });
    expect(s.status).toBe(201);
    // Let the offering's own round pass, so that the need's round is the one being timed.
    await rt.bus.idle();

    const deadline = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const t0 = Date.now();
    const n = await api(sme.token, 'POST', `/v1/smes/${s.body.id}/needs`, {
      serviceType: 'energy-audit',
      description: 'Annual energy audit of our plant',
      remoteOk: false,
      deadline,
    });
    expect(n.status).toBe(201);

    let status = n.body.status as string;
    let elapsed = 0;
    while (status !== 'PROPOSED' && (elapsed = Date.now() - t0) < 5_000) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await api(sme.token, 'GET', `/v1/needs/${n.body.id}`)).body.status;
    }
    elapsed = Date.now() - t0;

    expect(status).toBe('PROPOSED');
    expect(elapsed).toBeGreaterThanOrEqual(delay);
    expect(elapsed).toBeLessThan(3 * delay);
  });
});
