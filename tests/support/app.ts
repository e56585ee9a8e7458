/**
 * The application in process, for integration tests that need no HTTP
 * server: the real handlers, store and dynalite, a clock the test controls,
 * and a publisher that records events, which `drain()` delivers by the
 * shared routing table exactly as the buses do (matcher as SQS FIFO batches
 * per market, notifier as EventBridge events).
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context, SQSRecord } from 'aws-lambda';
import type { AppEvent } from '#events/contracts.ts';
import { toEnvelope } from '#events/envelope.ts';
import { ROUTES } from '#events/routing.ts';
import { buildHandlers, type AppPorts } from '#functions/app.ts';
import { loadConfig } from '#functions/config.ts';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import type { Role } from '#functions/http/identity.ts';
import type { EventPublisher } from '#functions/ports.ts';
import { freshTable, TEST_CURSOR_SECRET } from './db.ts';

export const lambdaContext = (name = 'test'): Context =>
  ({
    awsRequestId: randomUUID(),
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** One SQS FIFO record of the matcher's queue carrying `event` (group = its market). */
export function marketRecord(event: AppEvent, messageId: string = randomUUID()): SQSRecord {
  return {
    messageId,
    receiptHandle: 'r',
    body: JSON.stringify(toEnvelope(event)),
    attributes: {
      MessageGroupId: event.detail.serviceType,
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageDeduplicationId: event.id,
      SequenceNumber: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:matcher.fifo',
    awsRegion: 'local',
  };
}

export class RecordingPublisher implements EventPublisher {
  readonly published: AppEvent[] = [];
  queue: AppEvent[] = [];
  /** Set to make publish fail (fault injection). */
  failing = false;
  async publish(events: readonly AppEvent[]): Promise<void> {
    if (this.failing) throw new Error('publisher unavailable');
    this.published.push(...events);
    this.queue.push(...events);
  }
}

export interface Actor {
  role: Role;
  sub: string;
}
export const actor = (role: Role, sub = `${role}-${randomUUID().slice(0, 8)}`): Actor => ({ role, sub });

export interface CallOptions {
  as?: Actor;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export async function testApp(env: Record<string, string> = {}) {
  const db = await freshTable('app');
  let now = new Date(env.NOW ?? Date.now());
  const clock = { now: () => new Date(now) };
  const publisher = new RecordingPublisher();
  const config = loadConfig({
    TABLE_NAME: db.tableName,
    DYNAMODB_ENDPOINT: db.endpoint,
    CURSOR_SECRET: TEST_CURSOR_SECRET,
    ROUND_DELAY_MS: '0',
    ...env,
  });
  const logger = new Logger({ serviceName: 'test', logLevel: (process.env.TEST_LOG_LEVEL ?? 'SILENT') as 'SILENT' });
  const ports: AppPorts = { store: db.store(), publisher, clock, config, logger };
  const handlers = buildHandlers(ports);

  const compiled = HTTP_ROUTES.map((r) => ({
    r,
    names: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
    re: new RegExp(`^${r.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
  }));

  async function call(method: string, path: string, opts: CallOptions = {}) {
    const [rawPath, qs] = path.split('?') as [string, string | undefined];
    const hit = compiled.find((c) => c.r.method === method && c.re.test(rawPath));
    if (!hit) throw new Error(`no route ${method} ${rawPath}`);
    const values = hit.re.exec(rawPath)!.slice(1).map(decodeURIComponent);
    const query = { ...Object.fromEntries(new URLSearchParams(qs ?? '')), ...(opts.query ?? {}) };
    const event = {
      version: '2.0',
      routeKey: `${hit.r.method} ${hit.r.path}`,
      rawPath,
      rawQueryString: new URLSearchParams(query).toString(),
      headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) },
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: values.length ? Object.fromEntries(hit.names.map((n, i) => [n, values[i]!])) : undefined,
      body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      isBase64Encoded: false,
      requestContext: {
        requestId: randomUUID(),
        routeKey: `${hit.r.method} ${hit.r.path}`,
        http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
        authorizer: opts.as ? { jwt: { claims: { sub: opts.as.sub, 'cognito:groups': `[${opts.as.role}]` }, scopes: null } } : undefined,
      },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    if (hit.r.auth === 'jwt' && !opts.as) {
      return { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'no token', details: [] } } as any };
    }
    const res = await handlers.http[hit.r.group](event, lambdaContext(hit.r.group));
    return { status: res.statusCode ?? 200, body: res.body ? JSON.parse(res.body) : undefined } as { status: number; body: any };
  }

  /** Delivers queued events (and what they cause) until nothing is left. */
  async function drain(maxRounds = 50) {
    for (let round = 0; round < maxRounds && publisher.queue.length > 0; round++) {
      const batch = publisher.queue;
      publisher.queue = [];
      for (const route of ROUTES) {
        const mine = batch.filter((e) => route.detailTypes.includes(e.detailType));
        if (mine.length === 0) continue;
        if (route.delivery === 'fifo') {
          const records = mine.map((e) => marketRecord(e));
          const res = await handlers.matcher({ Records: records }, lambdaContext('matcher'));
          if (res.batchItemFailures.length > 0) throw new Error(`matcher failed ${res.batchItemFailures.length} record(s)`);
        } else {
          for (const e of mine) await handlers.notifier(toEnvelope(e), lambdaContext('notifier'));
        }
      }
    }
  }

  return {
    ...db,
    ports,
    handlers,
    publisher,
    call,
    drain,
    setNow: (d: Date | string) => {
      now = new Date(d);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}
