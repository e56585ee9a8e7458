/**
 * Property-based fuzzing of every endpoint (the fast run; tests/soak runs
 * the same properties on 10,000+ cases): bodies of valid requests mutated
 * (wrong types, extra and missing keys, huge and unicode strings, nested
 * junk), malformed JSON, random queries, Idempotency-Key and content-type
 * headers, foreign and malformed ids, odd callers; then real HTTP through
 * the local gateway with forged, expired and tampered tokens and raw bytes.
 *
 * Properties: never a 5xx; every 4xx in the contract's error shape with the
 * code of its status; a refusal writes nothing and publishes nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '#local/bus.ts';
import { caseArb, expectContractError, fuzzFixture, needBody, runInProcessCase, tableDigest, type Fixture, type FuzzStats } from './support/fuzz.ts';
import { gatewayCaseArb, gatewayFixture, rawExchange, runGatewayCase, send, type GatewayFixture } from './support/gateway-fuzz.ts';

const IN_PROCESS_CASES = 400;
const GATEWAY_CASES = 150;

describe('every endpoint, in process (API Gateway v2 events to the real handlers)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await fuzzFixture();
  });

  it('the write recorder sees what a success writes and publishes (so "nothing written" is observable)', async () => {
    const writes = fx.writes.count;
    const published = fx.app.publisher.published.length;
    const res = await fx.app.call('POST', `/v1/smes/${fx.ids.smeId[0]}/needs`, { as: fx.sme, body: needBody() });
    expect(res.status).toBe(201);
    expect(fx.writes.count).toBeGreaterThan(writes);
    expect(fx.app.publisher.published.length).toBeGreaterThan(published);
    await fx.app.drain();
  });

  it(`${IN_PROCESS_CASES} fuzzed requests: never a 5xx, every 4xx in the error shape, nothing written or published on a refusal`, async () => {
    const stats: FuzzStats = { cases: 0, byStatus: {} };
    await fc.assert(
      fc.asyncProperty(caseArb(fx), (c) => runInProcessCase(fx, c, stats)),
      { numRuns: IN_PROCESS_CASES },
    );
    // The generator reaches both sides: refusals of every kind and successes.
    expect(stats.cases).toBeGreaterThanOrEqual(IN_PROCESS_CASES);
    for (const s of [200, 400, 401, 403, 404]) expect(stats.byStatus[s] ?? 0, `status ${s} never seen: ${JSON.stringify(stats.byStatus)}`).toBeGreaterThan(0);
  }, 60_000);
});

describe('every endpoint, through the local gateway (real HTTP, token checks, raw bodies)', () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await gatewayFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('the table digest and the journal size change on a success (so "nothing written" is observable)', async () => {
    const { runtime } = fx;
    await runtime.bus.idle();
    const before = await tableDigest(fx.raw, runtime.config.TABLE_NAME);
    const journal = (await fs.stat(path.join(fx.dataDir, JOURNAL_FILE))).size;
    const sme = fx.tokens.find((t) => t.name === 'sme')!.header!;
    const res = await send(runtime.url, 'POST', `/v1/smes/${fx.ids.smeId![0]}/needs`, { authorization: sme, 'content-type': 'application/json' }, Buffer.from(JSON.stringify(needBody())));
    expect(res.status).toBe(201);
    await runtime.bus.idle();
    expect((await tableDigest(fx.raw, runtime.config.TABLE_NAME)).digest).not.toBe(before.digest);
    expect((await fs.stat(path.join(fx.dataDir, JOURNAL_FILE))).size).toBeGreaterThan(journal);
  });

  it(`${GATEWAY_CASES} fuzzed HTTP requests with forged, expired and tampered tokens: never a 5xx, nothing written on a refusal`, async () => {
    const stats: FuzzStats = { cases: 0, byStatus: {} };
    await fc.assert(
      fc.asyncProperty(gatewayCaseArb(fx), (c) => runGatewayCase(fx, c, stats)),
      { numRuns: GATEWAY_CASES },
    );
    expect(stats.cases).toBeGreaterThanOrEqual(GATEWAY_CASES);
    for (const s of [200, 400, 401, 404]) expect(stats.byStatus[s] ?? 0, `status ${s} never seen: ${JSON.stringify(stats.byStatus)}`).toBeGreaterThan(0);
  }, 60_000);

  // Requests node's HTTP parser refuses before the gateway's handler runs: an
  // over-long request line or header block (431), a malformed Content-Length
  // or request target (400). The gateway promises its own refusals in the
  // contract's JSON error shape; these come back with an empty body.
  it.each([
    ['an over-long URL (431)', `GET /health?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ['an over-long header (431)', `GET /v1/smes HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ${'k'.repeat(20_000)}\r\n\r\n`, 431],
    ['a malformed Content-Length (400)', 'POST /v1/smes HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    ['a request target without its slash (400)', 'GET ?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ])('%s is refused with a JSON error in the contract shape', async (_name, request, status) => {
    const res = await rawExchange(fx.runtime.port, request);
    expect(res.status).toBe(status);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = res.body;
    }
    expectContractError(status, body, `raw request ${JSON.stringify(request.slice(0, 60))}`);
  });
});
