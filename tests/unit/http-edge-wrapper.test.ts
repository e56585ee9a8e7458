/**
 * The HTTP edge's wrapper (functions/http/api.ts, withEdge), which replaced
 * @middy/core: per-request log keys, errors mapped to the contract's JSON
 * (5xx logged in full, refusals in one line), and a request still running
 * just before the Lambda's timeout answered 500 INTERNAL instead of Lambda's
 * bare timeout. A recording logger stands in for Powertools (what was logged
 * is what these tests check).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { NotFound } from '#domain/errors.ts';
import { httpGroup, TIMEOUT_EARLY_MS } from '#functions/http/api.ts';
import { publicRoutes } from '#functions/http/routes/public.ts';
import { lambdaContext } from '#local/aws-shapes.ts';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; extra: unknown; keys: Record<string, unknown> }> = [];
  let keys: Record<string, unknown> = {};
  const log = (level: string) => (message: string, extra?: unknown) => lines.push({ level, message, extra, keys: { ...keys } });
  const logger = {
    resetKeys: () => (keys = {}),
    appendKeys: (k: Record<string, unknown>) => (keys = { ...keys, ...k }),
    info: log('info'),
    error: log('error'),
  };
  return { logger: logger as unknown as Logger, lines };
}

const event = (routeKey: string, requestId: string) =>
  ({ routeKey, rawPath: routeKey.split(' ')[1], headers: {}, isBase64Encoded: false, requestContext: { requestId } }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const withRemaining = (ms: number) => ({ ...lambdaContext('public'), getRemainingTimeInMillis: () => ms }) as Context;
const never = () => new Promise<never>(() => undefined);

describe('the HTTP edge wrapper', () => {
  it('answers 500 INTERNAL, and logs it, when the handler is still running just before the timeout', async () => {
    const { logger, lines } = recordingLogger();
    const handler = httpGroup(publicRoutes, { health: never, getCatalog: never, getRegions: never, getOpenApi: never }, logger);
    const started = Date.now();
    const res = await handler(event('GET /health', 'r1'), withRemaining(60));
    expect(Date.now() - started).toBeGreaterThanOrEqual(60 - TIMEOUT_EARLY_MS - 5);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ error: { code: 'INTERNAL', message: 'internal error; it has been logged', details: [] } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', message: 'request failed', keys: { requestId: 'r1', routeKey: 'GET /health' } });
    expect((lines[0]!.extra as Error).name).toBe('TimeoutError');
  });

  it('returns the handler result within the time left, and logs nothing', async () => {
    const { logger, lines } = recordingLogger();
    const handler = httpGroup(publicRoutes, { health: async () => ({ status: 'ok' }), getCatalog: never, getRegions: never, getOpenApi: never }, logger);
    const res = await handler(event('GET /health', 'r2'), withRemaining(5_000));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({ status: 'ok' });
    expect(lines).toEqual([]);
  });

  it('maps an application error to its status and logs a one-line refusal with fresh keys per request', async () => {
    const { logger, lines } = recordingLogger();
    const handler = httpGroup(
      publicRoutes,
      { health: async () => Promise.reject(new NotFound('nothing here')), getCatalog: never, getRegions: never, getOpenApi: never },
      logger,
    );
    await handler(event('GET /nowhere', 'r3'), withRemaining(5_000));
    const res = await handler(event('GET /health', 'r4'), withRemaining(5_000));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body!).error).toMatchObject({ code: 'NOT_FOUND', message: 'nothing here' });
    expect(lines.map((l) => [l.level, l.message, l.keys])).toEqual([
      ['info', 'request refused', { requestId: 'r3', routeKey: 'GET /nowhere' }],
      ['info', 'request refused', { requestId: 'r4', routeKey: 'GET /health' }],
    ]);
  });
});
