/**
 * The local runtime over real HTTP, for the contract tests of
 * tests/integration/http-*.test.ts: a runtime (gateway + dynalite on disk +
 * bus) on a free port with a temporary DATA_DIR and no demo data, tokens from
 * its own POST /local/tokens, `api()` that answers status + parsed JSON, and
 * small builders of valid request bodies. One runtime per test file.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Role } from '#functions/ports.ts';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import { compileRoutes, matchRoute, routeKey } from '#local/aws-shapes.ts';
import { startRuntime, type Runtime } from '#local/runtime.ts';
import { PROVINCE_CODES, type ProvinceCode } from '#domain/regions.ts';
import { testUscc } from './factories.ts';
import { TEST_QUOTAS } from './app.ts';

const isProvinceCode = (p: string | undefined): p is ProvinceCode => (PROVINCE_CODES as readonly string[]).includes(p ?? '');

export type { Role };

export interface ApiOptions {
  token?: string | undefined;
  /** Sent as JSON (content-type application/json). */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: any;
  text: string;
  headers: Headers;
}

export interface Token {
  token: string;
  sub: string;
  role: Role;
}

export interface HttpEnv {
  /** The runtime now running (replaced by restart()). */
  readonly runtime: Runtime;
  readonly url: string;
  readonly dataDir: string;
  api(method: string, pathAndQuery: string, opts?: ApiOptions): Promise<ApiResponse>;
  /** A token from POST /local/tokens (a made-up sub unless given). */
  token(role: Role, sub?: string): Promise<Token>;
  /** Resolves once the bus has delivered everything (matcher rounds, notifications). */
  idle(): Promise<void>;
  /** Stops the runtime and starts another on the same DATA_DIR (and another free port); `whileStopped` runs in between. */
  restart(whileStopped?: () => Promise<void>): Promise<void>;
  /** Stops the runtime and deletes its DATA_DIR. */
  close(): Promise<void>;
}

export interface HttpEnvOptions {
  /** The market round delay. @default 20 */
  roundDelayMs?: number;
}

async function launch(dataDir: string, roundDelayMs: number): Promise<Runtime> {
  return startRuntime({
    dataDir,
    port: 0,
    demo: false,
    roundDelayMs,
    logLevel: (process.env.TEST_LOG_LEVEL ?? 'SILENT') as 'SILENT',
    // The timers are off: what a test sees is what its requests caused (the start-up relay and rebalance still run).
    intervals: { relay: 0, rebalance: 0, expiry: 0 },
    bus: { backoffMs: () => 50 },
    env: { ...TEST_QUOTAS },
  });
}

export async function startHttpEnv(opts: HttpEnvOptions = {}): Promise<HttpEnv> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'http-contract-'));
  const roundDelayMs = opts.roundDelayMs ?? 20;
  let runtime = await launch(dataDir, roundDelayMs);

  async function api(method: string, pathAndQuery: string, o: ApiOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    let body: string | Uint8Array | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    const res = await fetch(`${runtime.url}${pathAndQuery}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    if (text.length > 0 && /json/i.test(res.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  return {
    get runtime() {
      return runtime;
    },
    get url() {
      return runtime.url;
    },
    dataDir,
    api,
    async token(role, sub) {
      const res = await api('POST', '/local/tokens', { body: sub === undefined ? { role } : { role, sub } });
      if (res.status !== 201) throw new Error(`POST /local/tokens answered ${res.status}: ${res.text}`);
      return { token: res.body.token as string, sub: res.body.sub as string, role };
    },
    async idle() {
      await runtime.bus.idle();
    },
    async restart(whileStopped) {
      await runtime.stop();
      await whileStopped?.();
      runtime = await launch(dataDir, roundDelayMs);
    },
    async close() {
      await runtime.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ assertions

/**
 * The contract's error: exactly `{ error: { code, message, details: [{ path, message }] } }`,
 * with the status and code given, JSON typed. `detailPath`, when given, must be one of the details' paths.
 */
export function expectError(res: ApiResponse, status: number, code: string, detailPath?: string): void {
  expect(res.status, `${status} expected; got ${res.status} ${res.text}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(Object.keys(res.body ?? {})).toEqual(['error']);
  const err = res.body.error;
  expect(Object.keys(err).sort()).toEqual(['code', 'details', 'message']);
  expect(err.code).toBe(code);
  expect(typeof err.message).toBe('string');
  expect(err.message.length).toBeGreaterThan(0);
  expect(Array.isArray(err.details)).toBe(true);
  for (const d of err.details as unknown[]) {
    expect(Object.keys(d as object).sort()).toEqual(['message', 'path']);
    expect(typeof (d as { path: unknown }).path).toBe('string');
    expect(typeof (d as { message: unknown }).message).toBe('string');
  }
  if (detailPath !== undefined) {
    expect((err.details as { path: string }[]).map((d) => d.path), res.text).toContain(detailPath);
  }
}

/** The status the code of a contract error goes with. */
export const CODE_OF: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'QUOTA_EXCEEDED',
};

// ------------------------------------------------------------------ routes

export { routeKey };

const compiledRoutes = compileRoutes(HTTP_ROUTES);

/** The route (API Gateway's selection: most literal segments) a concrete request hits, or undefined. */
export function routeOf(method: string, pathAndQuery: string): string | undefined {
  return matchRoute(compiledRoutes, method, pathAndQuery.split('?')[0]!)?.routeKey;
}

/** Fills a route's path parameters: `fill('/v1/smes/{smeId}', { smeId })`. */
export function fill(routePath: string, params: Record<string, string>): string {
  return routePath.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${routePath}`);
    return encodeURIComponent(v);
  });
}

// ------------------------------------------------------------------ bodies

/** A YYYY-MM-DD date `days` from now (deadlines). */
export const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** The current capacity month. */
export const thisPeriod = () => new Date().toISOString().slice(0, 7);

export const providerBody = (over: Record<string, unknown> = {}) => ({
  name: '四川省绿色节能审计中心 Sichuan Green Audit Centre',
  kind: 'GREEN_AUDIT_FIRM',
  regions: ['CN-SC'],
  languages: ['zh-CN'],
  certifications: [{ type: 'CMA', number: '211912345678', issuer: '四川省市场监督管理局', validUntil: dateIn(730) }],
  ...over,
});

/**
 * An operator approves a new (PENDING) provider, so its offerings are matched
 * (api.md "Verified facts: providers"). Answers the approved provider.
 */
export async function approveProvider(env: HttpEnv, providerId: string): Promise<any> {
  const operator = await env.token('operator');
  const res = await env.api('POST', `/v1/providers/${providerId}/approve`, { token: operator.token });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export const offeringBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  title: '工业企业能源审计 On-site energy audit',
  regions: ['CN-SC'],
  remote: false,
  languages: ['zh-CN'],
  capacityPerMonth: 20,
  publicWelfare: true,
  leadTimeDays: 3,
  ...over,
});

/** A valid SME body; its USCC is new at every call and issued in the body's province. */
export const smeBody = (over: Record<string, unknown> = {}) => {
  const province = (over.region as { province?: string } | undefined)?.province;
  return {
    name: '成都精密阀门有限公司 Chengdu Valve Co.',
    uscc: testUscc(isProvinceCode(province) ? province : 'CN-SC'),
    sizeClass: 'SMALL',
    tier: 'INNOVATIVE',
    industry: 'valves',
    region: { province: 'CN-SC', city: '成都' },
    ...over,
  };
};

export const needBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'energy-audit',
  description: '需要对生产线做能源审计 Energy audit of our plant',
  remoteOk: false,
  deadline: dateIn(120),
  ...over,
});

/** A service type no offering in these tests serves: needs posted in it wait forever. */
export const UNSERVED_MARKET = 'legal-aid';

// ------------------------------------------------------------------ a party

/** A provider owner and an SME owner with one provider, offering and SME, in one market. */
export interface Party {
  providerOwner: Token;
  smeOwner: Token;
  providerId: string;
  offeringId: string;
  smeId: string;
  serviceType: string;
}

/**
 * Registers a provider with one offering and an SME in `serviceType`'s market
 * (same province, so every need posted by `postNeed` fits the offering).
 */
export async function makeParty(env: HttpEnv, serviceType: string, kind: string, over: { capacityPerMonth?: number } = {}): Promise<Party> {
  const providerOwner = await env.token('provider');
  const smeOwner = await env.token('sme');
  const p = await env.api('POST', '/v1/providers', { token: providerOwner.token, body: providerBody({ kind }) });
  expect(p.status, p.text).toBe(201);
  await approveProvider(env, p.body.id);
  const o = await env.api('POST', `/v1/providers/${p.body.id}/offerings`, {
    token: providerOwner.token,
    body: offeringBody({ serviceType, capacityPerMonth: over.capacityPerMonth ?? 20 }),
  });
  expect(o.status, o.text).toBe(201);
  const s = await env.api('POST', '/v1/smes', { token: smeOwner.token, body: smeBody() });
  expect(s.status, s.text).toBe(201);
  return { providerOwner, smeOwner, providerId: p.body.id, offeringId: o.body.id, smeId: s.body.id, serviceType };
}

/** Posts a need of the party's SME in its market; answers its id. */
export async function postNeed(env: HttpEnv, party: Party, over: Record<string, unknown> = {}): Promise<string> {
  const n = await env.api('POST', `/v1/smes/${party.smeId}/needs`, {
    token: party.smeOwner.token,
    body: needBody({ serviceType: party.serviceType, ...over }),
  });
  expect(n.status, n.text).toBe(201);
  return n.body.id as string;
}

/** Posts `count` needs, waits for the matcher, and answers the id of each need's (PROPOSED) match. */
export async function proposedMatches(env: HttpEnv, party: Party, count: number): Promise<{ needId: string; matchId: string }[]> {
  const needIds: string[] = [];
  for (let i = 0; i < count; i++) needIds.push(await postNeed(env, party, { description: `need ${i + 1} of a party` }));
  await env.idle();
  const out: { needId: string; matchId: string }[] = [];
  for (const needId of needIds) {
    const n = await env.api('GET', `/v1/needs/${needId}`, { token: party.smeOwner.token });
    expect(n.status, n.text).toBe(200);
    expect(n.body.status, `need ${needId} was not proposed: ${n.text}`).toBe('PROPOSED');
    expect(n.body.currentMatch?.status).toBe('PROPOSED');
    out.push({ needId, matchId: n.body.currentMatchId as string });
  }
  return out;
}
