/**
 * The AWS shapes shared by the local runtime and the tests: API Gateway's
 * route selection (greedy parameters included, which no route of the table
 * uses yet), the payload 2.0 event built from plain facts, the SQS FIFO
 * record and the Lambda context as AWS hands them over. The gateway's own
 * use of them is covered over HTTP in tests/integration/local-gateway.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromEnvelope } from '#events/envelope.ts';
import { FUNCTIONS } from '#functions/handlers/manifest.ts';
import type { HttpRoute } from '#functions/http/routes.ts';
import {
  compileRoutes,
  errorBody,
  lambdaContext,
  matchRoute,
  MATCHER_QUEUE_ARN,
  scheduledEvent,
  sqsFifoRecord,
  toV2Event,
} from '#local/aws-shapes.ts';
import { makeNeed, needPosted } from '#tests/support/factories.ts';

const routes = compileRoutes([
  { method: 'GET', path: '/files/{key+}', group: 'public', auth: 'none' },
  { method: 'GET', path: '/a/{x}', group: 'public', auth: 'none' },
  { method: 'GET', path: '/a/b', group: 'inbox', auth: 'none' },
  { method: 'POST', path: '/a/{x}/go', group: 'matches', auth: 'jwt' },
] satisfies HttpRoute[]);

describe('route selection', () => {
  it('prefers literal segments over parameters, whatever the table order', () => {
    expect(matchRoute(routes, 'GET', '/a/b')?.routeKey).toBe('GET /a/b');
    expect(matchRoute(routes, 'GET', '/a/c')).toMatchObject({ routeKey: 'GET /a/{x}', params: { x: 'c' } });
  });

  it('lets a greedy parameter take the rest of the path, decoded', () => {
    expect(matchRoute(routes, 'GET', '/files/x/y%20z/w')).toMatchObject({ routeKey: 'GET /files/{key+}', params: { key: 'x/y z/w' } });
  });

  it('finds nothing under another method, for an empty segment, or for a longer path', () => {
    expect(matchRoute(routes, 'PATCH', '/a/b')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/a//go')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/a/b/c')).toBeUndefined();
    expect(matchRoute(routes, 'GET', 'a/b')).toBeUndefined();
  });

  it('passes a malformed escape as sent, for the handler schema to refuse', () => {
    expect(matchRoute(routes, 'POST', '/a/%E0%A4%A/go')?.params).toEqual({ x: '%E0%A4%A' });
  });
});

describe('payload 2.0 event', () => {
  const facts = {
    method: 'POST',
    rawPath: '/a/x/go',
    rawQueryString: 'tag=a&tag=b&q=x%20y',
    headers: { 'Content-Type': 'application/json', 'X-Trace': ['one', 'two'], cookie: 'a=1; b=2' },
    body: Buffer.from('{"ok":true}'),
  };

  it('joins repeated query parameters and headers with commas and moves cookies out of the headers', () => {
    const event = toV2Event(facts, 'POST /a/{x}/go', { x: 'x' }, undefined);
    expect(event.queryStringParameters).toEqual({ tag: 'a,b', q: 'x y' });
    expect(event.headers).toEqual({ 'content-type': 'application/json', 'x-trace': 'one,two' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.body).toBe('{"ok":true}');
    expect(event.isBase64Encoded).toBe(false);
    expect((event.requestContext as { authorizer?: unknown }).authorizer).toBeUndefined();
  });

  it('carries verified claims where the JWT authorizer puts them, and a binary body base64-encoded', () => {
    const bytes = Buffer.from([0, 255, 1]);
    const event = toV2Event(
      { ...facts, headers: { 'content-type': 'application/octet-stream' }, body: bytes },
      'POST /a/{x}/go',
      { x: 'x' },
      { claims: { sub: 'u-1', 'cognito:groups': '[sme]' }, scopes: null },
    );
    expect(event.requestContext.authorizer.jwt).toEqual({ claims: { sub: 'u-1', 'cognito:groups': '[sme]' }, scopes: null });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
  });
});

describe('SQS FIFO record', () => {
  const event = needPosted(makeNeed());

  it('carries the event in its EventBridge envelope, with the MD5 of that body', () => {
    const record = sqsFifoRecord({ event, group: 'energy-audit' });
    expect(fromEnvelope(JSON.parse(record.body))).toEqual(event);
    expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
    expect(record.messageId).toBe(event.id);
    expect(record.eventSourceARN).toBe(MATCHER_QUEUE_ARN);
    expect(record.attributes).toMatchObject({ MessageGroupId: 'energy-audit', MessageDeduplicationId: event.id, ApproximateReceiveCount: '1' });
  });

  it('reports the receive count, the times and a 20-digit sequence number as SQS renders them', () => {
    const record = sqsFifoRecord({ event, group: 'g', messageId: 'm-1', receiveCount: 3, sentAt: 1000, firstReceivedAt: 2000, sequence: 42n });
    expect(record.messageId).toBe('m-1');
    expect(record.attributes).toMatchObject({
      ApproximateReceiveCount: '3',
      SentTimestamp: '1000',
      ApproximateFirstReceiveTimestamp: '2000',
      SequenceNumber: '00000000000000000042',
    });
  });
});

describe('Lambda context and schedule event', () => {
  it('reports the manifest memory and a remaining time within the manifest timeout', () => {
    const context = lambdaContext('matcher', 'req-1');
    expect(context.awsRequestId).toBe('req-1');
    expect(context.memoryLimitInMB).toBe(String(FUNCTIONS.matcher.memoryMb));
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(FUNCTIONS.matcher.timeoutSeconds * 1000);
    expect(() => context.succeed('x')).toThrow(/not supported/);
  });

  it('names the rule of the scheduled function', () => {
    const e = scheduledEvent('relay', new Date('2026-01-02T03:04:05Z'));
    expect(e).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-01-02T03:04:05.000Z' });
    expect(e.resources[0]).toMatch(/rule\/.*relay-schedule$/);
  });
});

describe('error body', () => {
  it('is the contract shape, details empty unless given', () => {
    expect(errorBody('NOT_FOUND', 'no such thing')).toEqual({ error: { code: 'NOT_FOUND', message: 'no such thing', details: [] } });
    expect(errorBody('VALIDATION_FAILED', 'bad', [{ path: 'a', message: 'm' }]).error.details).toEqual([{ path: 'a', message: 'm' }]);
  });
});
