/**
 * Crash recovery of the local runtime as `npm start` runs it: a child
 * process (node --import tsx local/main.ts) on a throwaway DATA_DIR, killed
 * with SIGKILL in the middle of a burst of need posts while market rounds
 * run, restarted on the same data. Clients retry what they could not
 * confirm, with the same Idempotency-Key, as a client of the contract would.
 *
 * Checked right after the restart settles (over HTTP): every need that got
 * a 201 exists and each key made exactly one need; no offering over its
 * capacity; no duplicate match, no need with two holding matches; every
 * claimed unit is a holding match or a proposal the crash stranded between
 * locking its need and writing its match. Those strand by design until the
 * expiry job's recheck (15 minutes later), so the same data is then opened
 * in process with the clock 16 minutes ahead, the expiry job runs, and the
 * strict checks follow: each ledger holds exactly its holding matches, and no need waits while an offering it may use has capacity.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { startRuntime } from '#local/runtime.ts';
import { needBody, offeringBody, providerBody, smeBody } from './fuzz.ts';
import { send } from './gateway-fuzz.ts';
import { expectConsistentLedgers, HOLDING } from './market-state.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ChildRuntime {
  url: string;
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Starts `local/main.ts` as `npm start` does; resolves with its URL read from the banner. */
export async function startChild(dataDir: string, env: Record<string, string> = {}, preload: string[] = []): Promise<ChildRuntime> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  const proc = spawn(process.execPath, ['--import', 'tsx', ...preload.flatMap((p) => ['--import', p]), 'local/main.ts'], {
    cwd: ROOT,
    // The crash bursts post dozens of needs for one SME in one market: the open-need quotas are raised out of their way.
    env: { ...base, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '0', ROUND_DELAY_MS: '50', LOG_LEVEL: 'WARN', QUOTA_OPEN_NEEDS_PER_SME: '1000', QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the runtime did not start within 60 s:\n${out.slice(-3000)}`));
    }, 60_000);
    const poll = setInterval(() => {
      const m = /API:\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 20);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`the runtime exited (${code ?? signal}) before it was up:\n${out.slice(-3000)}`));
    });
  });
  return { url, proc, exited, output: () => out };
}

export interface Answer {
  status: number;
  body: any;
}

export async function call(url: string, method: string, p: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await Promise.race([
    send(
      url,
      method,
      p,
      { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    ),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timeout: ${method} ${p}`)), 20_000)),
  ]);
  return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
}

export async function ok(url: string, method: string, p: string, token: string | undefined, body: unknown, status: number): Promise<any> {
  const res = await call(url, method, p, token, body);
  if (res.status !== status) throw new Error(`${method} ${p} answered ${res.status}, expected ${status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function listAll(url: string, p: string, token: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `${p}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await ok(url, 'GET', q, token, undefined, 200);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

interface Intent {
  key: string;
  market: string;
  sme: number;
  needId?: string;
  /** created: a 201 seen; unknown: sent, no answer (the process died); unsent. */
  state: 'unsent' | 'unknown' | 'created';
  log: string[];
}

export interface CrashReport {
  kills: number;
  needsCreated: number;
  createdBeforeKills: number;
  strandedAfterRestart: number;
  proposalsRecovered: number;
  proposed: number;
  waiting: number;
  ms: number;
}

const MARKET_A = 'energy-audit';
const MARKET_B = 'industrial-design';

export async function crashScenario(opts: { kills: number; needsPerBurst: number; concurrency?: number }): Promise<CrashReport> {
  const t0 = Date.now();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crash-'));
  let child: ChildRuntime | undefined;
  try {
    child = await startChild(dataDir);
    const token = async (role: string, sub: string) => (await ok(child!.url, 'POST', '/local/tokens', undefined, { role, sub }, 201)).token as string;
    // Tokens are signed with a key kept in DATA_DIR: they stay valid across restarts.
    const provA = await token('provider', 'crash-provider-a');
    const provB = await token('provider', 'crash-provider-b');
    const smeTokens = [await token('sme', 'crash-sme-1'), await token('sme', 'crash-sme-2')];

    const pA = await ok(child.url, 'POST', '/v1/providers', provA, providerBody(), 201);
    const pB = await ok(child.url, 'POST', '/v1/providers', provB, { ...providerBody(), kind: 'INDUSTRIAL_DESIGN_CENTRE', name: 'Design Centre' }, 201);
    // New providers are PENDING until an operator approves them.
    const operator = await token('operator', 'crash-operator');
    for (const p of [pA, pB]) await ok(child.url, 'POST', `/v1/providers/${p.id}/approve`, operator, undefined, 200);
    const offerings: { id: string; capacityPerMonth: number; market: string; provider: string; token: string }[] = [];
    for (const [cap, market, p, t] of [
      [3, MARKET_A, pA.id, provA],
      [2, MARKET_A, pA.id, provA],
      [2, MARKET_B, pB.id, provB],
    ] as const) {
      const o = await ok(child.url, 'POST', `/v1/providers/${p}/offerings`, t, offeringBody({ serviceType: market, capacityPerMonth: cap, title: `${market} x${cap}` }), 201);
      offerings.push({ id: o.id, capacityPerMonth: cap, market, provider: p, token: t });
    }
    const smeIds = [
      (await ok(child.url, 'POST', '/v1/smes', smeTokens[0], smeBody(), 201)).id as string,
      (await ok(child.url, 'POST', '/v1/smes', smeTokens[1], { ...smeBody(), name: 'Mianyang Optics', tier: 'LITTLE_GIANT', sizeClass: 'MICRO' }, 201)).id as string,
    ];

    const intents: Intent[] = [];
    const post = async (url: string, it: Intent): Promise<Answer> =>
      call(url, 'POST', `/v1/smes/${smeIds[it.sme]}/needs`, smeTokens[it.sme], needBody({ serviceType: it.market }), { 'idempotency-key': it.key });

    let createdBeforeKills = 0;
    const killedAt: number[] = [];
    for (let k = 0; k < opts.kills; k++) {
      const burst: Intent[] = Array.from({ length: opts.needsPerBurst }, (_, i) => ({
        key: `crash-${k}-${i}`,
        market: i % 3 === 2 ? MARKET_B : MARKET_A,
        sme: i % 2,
        state: 'unsent' as const,
        log: [] as string[],
      }));
      intents.push(...burst);
      // Killed after a random number of confirmed posts, with more in flight and rounds running.
      const killAfter = 3 + Math.floor(Math.random() * Math.max(1, opts.needsPerBurst / 2));
      let confirmed = 0;
      let killed = false;
      const victim = child;
      const kill = () => {
        if (killed) return;
        killed = true;
        victim.proc.kill('SIGKILL');
        killedAt.push(Date.now() - t0);
      };
      const queue = [...burst];
      const worker = async () => {
        for (let it = queue.shift(); it && !killed; it = queue.shift()) {
          it.state = 'unknown';
          it.log.push(`burst ${k}: sent at +${Date.now() - t0} ms`);
          try {
            const res = await post(victim.url, it);
            if (res.status !== 201) throw new Error(`POST need answered ${res.status}: ${JSON.stringify(res.body)}`);
            it.state = 'created';
            it.needId = res.body.id;
            it.log.push(`201 ${res.body.id} at +${Date.now() - t0} ms${killed ? ' (after the kill)' : ''}`);
            if (++confirmed >= killAfter) kill();
          } catch (e) {
            it.log.push(`no answer: ${(e as Error).message} at +${Date.now() - t0} ms`);
            if (!killed) throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: opts.concurrency ?? 6 }, worker));
      kill();
      const exit = await victim.exited;
      expect(exit.signal, victim.output().slice(-2000)).toBe('SIGKILL');
      createdBeforeKills += burst.filter((i) => i.state === 'created').length;

      child = await startChild(dataDir);
      // What the client could not confirm, it retries with the same key and body.
      for (const it of intents.filter((i) => i.state !== 'created')) {
        const res = await post(child.url, it);
        expect(res.status, `retry of ${it.key} after the restart: ${JSON.stringify(res.body)}`).toBe(201);
        it.state = 'created';
        it.needId = res.body.id;
        it.log.push(`retried after restart ${k + 1}: 201 ${res.body.id}`);
      }
    }

    // Settle: the restart's relay pass and the replayed journal drive rounds; wait until nothing changes.
    const url = child.url;
    const observe = async () => {
      const needs = (
        await Promise.all(smeIds.map(async (id, i) => (await listAll(url, `/v1/smes/${id}/needs`, smeTokens[i]!)).map((n) => ({ ...n, listedFor: i }))))
      ).flat();
      const caps = await Promise.all(offerings.map((o) => ok(url, 'GET', `/v1/offerings/${o.id}/capacity`, o.token, undefined, 200)));
      const matches = [
        ...(await listAll(url, `/v1/providers/${pA.id}/matches`, provA)),
        ...(await listAll(url, `/v1/providers/${pB.id}/matches`, provB)),
      ];
      return { needs, caps, matches };
    };
    let state = await observe();
    let stableSince = Date.now();
    const deadline = Date.now() + 30_000;
    while (Date.now() - stableSince < 1_500) {
      if (Date.now() > deadline) throw new Error('the restarted runtime did not settle within 30 s');
      await new Promise((r) => setTimeout(r, 300));
      const next = await observe();
      if (JSON.stringify(next) !== JSON.stringify(state)) {
        state = next;
        stableSince = Date.now();
      }
    }

    // Phase 1, over HTTP.
    const created = intents.map((i) => i.needId!);
    expect(new Set(created).size, 'one need per Idempotency-Key').toBe(intents.length);
    const byId = new Map(state.needs.map((n) => [n.id as string, n]));
    for (const id of created) expect(byId.has(id), `need ${id} (answered 201) is lost`).toBe(true);
    if (state.needs.length !== intents.length) {
      const known = new Set(created);
      const orphans = state.needs.filter((n) => !known.has(n.id));
      const ids = state.needs.map((n) => n.id);
      const detail = {
        listed: state.needs.length,
        distinctListed: new Set(ids).size,
        keys: intents.length,
        killedAt,
        duplicated: state.needs
          .filter((n) => ids.indexOf(n.id) !== ids.lastIndexOf(n.id))
          .map((n) => ({ id: n.id, smeOfNeed: smeIds.indexOf(n.smeId), listedFor: n.listedFor, status: n.status, postedAt: n.postedAt, updatedAt: n.updatedAt })),
        orphans: orphans.map((n) => ({ id: n.id, sme: smeIds.indexOf(n.smeId), market: n.serviceType, postedAt: n.postedAt, status: n.status })),
        uncertain: intents.filter((i) => i.log.some((l) => l.startsWith('no answer') || l.startsWith('retried'))).map((i) => ({ key: i.key, sme: i.sme, market: i.market, log: i.log })),
      };
      expect.fail(`needs that no Idempotency-Key made (duplicates): ${JSON.stringify(detail, null, 1)}`);
    }
    const matchIds = state.matches.map((m) => m.id);
    expect(new Set(matchIds).size, 'duplicate match ids').toBe(matchIds.length);
    const holding = state.matches.filter((m) => HOLDING.includes(m.status));
    const perNeed = new Map<string, number>();
    for (const m of holding) perNeed.set(m.needId, (perNeed.get(m.needId) ?? 0) + 1);
    for (const [needId, n] of perNeed) expect(n, `need ${needId} holds ${n} matches`).toBe(1);
    const stranded = await Promise.all(
      state.needs
        .filter((n) => n.status === 'PROPOSED')
        .map(async (n) => (await ok(url, 'GET', `/v1/needs/${n.id}`, smeTokens[smeIds.indexOf(n.smeId)], undefined, 200)).currentMatch === null),
    ).then((xs) => xs.filter(Boolean).length);
    let surplus = 0;
    for (const [i, o] of offerings.entries()) {
      const cap = state.caps[i];
      expect(cap.used, `offering ${o.id} over its capacity after the crash`).toBeLessThanOrEqual(o.capacityPerMonth);
      const held = holding.filter((m) => m.offeringId === o.id && m.period === cap.period).length;
      expect(cap.used, `offering ${o.id}: fewer units claimed than matches holding it`).toBeGreaterThanOrEqual(held);
      surplus += cap.used - held;
    }
    expect(surplus, 'claimed units without a match beyond the stranded proposals').toBeLessThanOrEqual(stranded);

    // Phase 2: the same data, 16 minutes later, after the expiry job's recheck.
    child.proc.kill('SIGTERM');
    const stopped = await child.exited;
    expect(stopped.code, child.output().slice(-2000)).toBe(0);
    child = undefined;
    const later = () => new Date(Date.now() + 16 * 60_000);
    const rt = await startRuntime({ dataDir, roundDelayMs: 0, logLevel: 'SILENT', intervals: { relay: 0, rebalance: 0, expiry: 0 }, clock: { now: later } });
    try {
      const recovered = await rt.handlers.expiry({}, {} as never);
      await rt.bus.idle();
      const { needs } = await expectConsistentLedgers(
        rt.store,
        offerings,
        created,
        [later().toISOString().slice(0, 7), new Date().toISOString().slice(0, 7)],
        '(after recovery)',
      );
      expect(needs.filter((n) => n.status !== 'PROPOSED' && n.status !== 'WAITING')).toEqual([]);
      for (const market of [MARKET_A, MARKET_B]) {
        const mine = offerings.filter((o) => o.market === market);
        const waiting = needs.filter((n) => n.serviceType === market && n.status === 'WAITING');
        for (const n of waiting) {
          for (const o of mine.filter((x) => !n.excludedOfferingIds.includes(x.id))) {
            const used = (await rt.store.getCapacity(o.id, later().toISOString().slice(0, 7)))?.used ?? 0;
            expect(used, `need ${n.id} waits while ${o.id} has capacity left`).toBe(o.capacityPerMonth);
          }
        }
      }
      return {
        kills: opts.kills,
        needsCreated: created.length,
        createdBeforeKills,
        strandedAfterRestart: stranded,
        proposalsRecovered: recovered.proposalsRecovered ?? 0,
        proposed: needs.filter((n) => n.status === 'PROPOSED').length,
        waiting: needs.filter((n) => n.status === 'WAITING').length,
        ms: Date.now() - t0,
      };
    } finally {
      await rt.stop();
    }
  } finally {
    if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
