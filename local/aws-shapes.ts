/**
 * The AWS shapes the local runtime hands to the Lambda handlers, built in one
 * place so the local gateway, the local bus, the local scheduler and the
 * tests that call handlers directly all pass what AWS passes:
 *
 * - API Gateway HTTP API route selection over HTTP_ROUTES (`{param}` and
 *   greedy `{param+}` segments, literal segments winning over parameters);
 * - the payload format 2.0 event (text or base64 body, cookies, comma-joined
 *   repeated headers and query parameters, the JWT authorizer's claims);
 * - the Lambda invocation context, sized by the function manifest;
 * - the EventBridge event of a rule, the SQS FIFO record of the matcher's
 *   queue and the schedules' event;
 * - the contract's error body, for answers no handler gives (the gateway's
 *   own 401/404/413, the test app's 401).
 *
 * Pure builders: no I/O, nothing here knows about node:http or the journal.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context, ScheduledEvent, SQSRecord } from 'aws-lambda';
import type { AppEvent } from '#events/contracts.ts';
import { toEnvelope, type Envelope } from '#events/envelope.ts';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';
import type { ErrorBody } from '#functions/http/errors.ts';
import type { HttpRoute } from '#functions/http/routes.ts';
import type { VerifiedJwt } from './auth.ts';

export type { VerifiedJwt };

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';
export const LOCAL_STAGE = 'local';

/** The deployed name of a function, as the CDK app names it for the local stage. */
export function functionNameOf(fn: FunctionName): string {
  return `sme-matchmaking-${LOCAL_STAGE}-${fn}`;
}

// ------------------------------------------------------------------ error body

export type ErrorDetail = ErrorBody['error']['details'][number];

/** The contract's error body: `{ error: { code, message, details } }`. */
export function errorBody(code: string, message: string, details: readonly ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details: [...details] } };
}

// ------------------------------------------------------------------ Lambda context

/**
 * A Lambda-like invocation context, so code that reads `awsRequestId`
 * (logging, correlation) or `getRemainingTimeInMillis()` behaves as in AWS.
 * Timeout and memory come from the function manifest the CDK app uses.
 */
export function lambdaContext(fn: FunctionName, awsRequestId: string = randomUUID()): Context {
  const spec = FUNCTIONS[fn];
  const name = functionNameOf(fn);
  // Not enforced (a local handler is never killed), but reported the way Lambda does.
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

// ------------------------------------------------------------------ route selection

type Segment = { literal: string } | { param: string; greedy: boolean };

export interface CompiledRoute {
  route: HttpRoute;
  /** `METHOD /path/{param}`, the route key API Gateway passes in the event. */
  routeKey: string;
  segments: readonly Segment[];
  literals: number;
}

export interface RouteMatch {
  route: HttpRoute;
  routeKey: string;
  /** Decoded path parameters, by name. */
  params: Record<string, string>;
}

export const routeKey = (r: Pick<HttpRoute, 'method' | 'path'>): string => `${r.method} ${r.path}`;

export function compileRoutes(routes: readonly HttpRoute[]): CompiledRoute[] {
  return routes.map((route) => {
    const segments = route.path
      .split('/')
      .slice(1)
      .map((s): Segment => {
        const m = /^\{([A-Za-z0-9_]+)(\+)?\}$/.exec(s);
        return m ? { param: m[1]!, greedy: m[2] === '+' } : { literal: s };
      });
    return { route, routeKey: routeKey(route), segments, literals: segments.filter((s) => 'literal' in s).length };
  });
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // A malformed escape reaches the handler as sent; its schema refuses it.
    return s;
  }
}

/**
 * API Gateway's selection: the route whose literal segments match wins over
 * one matching through parameters; a path known under another method is
 * still no match (HTTP APIs answer 404, never 405). `rawPath` excludes the query.
 */
export function matchRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  const parts = rawPath.split('/').slice(1);
  let best: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
  for (const c of routes) {
    if (c.route.method !== method) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < c.segments.length && ok; i++) {
      const seg = c.segments[i]!;
      const part = parts[i];
      if (part === undefined) ok = false;
      else if ('literal' in seg) ok = seg.literal === part;
      else if (seg.greedy) {
        params[seg.param] = decodeSegment(parts.slice(i).join('/'));
        i = parts.length;
      } else if (part === '') ok = false;
      else params[seg.param] = decodeSegment(part);
    }
    const last = c.segments.at(-1);
    const greedy = last !== undefined && 'greedy' in last && last.greedy;
    if (ok && (greedy || parts.length === c.segments.length) && (!best || c.literals > best.compiled.literals)) {
      best = { compiled: c, params };
    }
  }
  return best && { route: best.compiled.route, routeKey: best.compiled.routeKey, params: best.params };
}

// ------------------------------------------------------------------ the payload 2.0 event

/**
 * Types API Gateway passes as text; anything else (a non-UTF-8 charset, or
 * bytes that are not valid UTF-8 whatever the declared type) arrives
 * base64-encoded, so the handler sees the bytes as sent and can refuse them
 * instead of reading U+FFFD replacements.
 */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return false;
  }
  // No declared type: text, as the bytes are valid UTF-8.
  if (!contentType) return true;
  const [type = '', ...params] = contentType.toLowerCase().split(';').map((s) => s.trim());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replaceAll('"', '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') return false;
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/graphql'
  );
}

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function clfTime(d: Date): string {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The request as it arrived, before API Gateway shapes it. */
export interface RequestFacts {
  method: string;
  rawPath: string;
  rawQueryString: string;
  /** Header name (any case) to its value, or its values in arrival order. */
  headers: Record<string, string | readonly string[]>;
  body: Buffer | undefined;
  /** @default '127.0.0.1' */
  sourceIp?: string;
  /** @default 'HTTP/1.1' */
  protocol?: string;
  /** @default a random UUID */
  requestId?: string;
  /** @default now */
  at?: Date;
}

/**
 * The payload format 2.0 event of a matched route. `jwt` is the authorizer's
 * verdict: given only for JWT routes, as only they carry an authorizer in AWS.
 */
export function toV2Event(
  facts: RequestFacts,
  routeKey: string,
  pathParameters: Record<string, string>,
  jwt: VerifiedJwt | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(facts.headers)) {
    const values = typeof value === 'string' ? [value] : value;
    const key = name.toLowerCase();
    // Payload 2.0 moves cookies into their own array.
    if (key === 'cookie') {
      for (const v of values) cookies.push(...v.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[key] = headers[key] === undefined ? values.join(',') : `${headers[key]},${values.join(',')}`;
  }

  let query: Record<string, string> | undefined;
  if (facts.rawQueryString) {
    // No prototype: `?__proto__=1` stays an own key and reaches the strict query schema, as in AWS (where the event is JSON).
    query = Object.create(null) as Record<string, string>;
    for (const [k, v] of new URLSearchParams(facts.rawQueryString)) {
      query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    }
  }

  const at = facts.at ?? new Date();
  const host = headers.host ?? 'localhost';
  const domainName = host.replace(/:\d+$/, '');
  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey,
    rawPath: facts.rawPath,
    rawQueryString: facts.rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: facts.method,
        path: facts.rawPath,
        protocol: facts.protocol ?? 'HTTP/1.1',
        sourceIp: facts.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: facts.requestId ?? randomUUID(),
      routeKey,
      stage: '$default',
      time: clfTime(at),
      timeEpoch: at.getTime(),
      // Only JWT routes carry an authorizer, as in AWS; handlers of open routes never read it.
      ...(jwt ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: jwt.claims, scopes: jwt.scopes } } } : {}),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (query) event.queryStringParameters = query;
  if (Object.keys(pathParameters).length > 0) event.pathParameters = pathParameters;
  if (facts.body && facts.body.length > 0) {
    const text = isTextBody(headers['content-type'], facts.body);
    event.body = text ? facts.body.toString('utf8') : facts.body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

// ------------------------------------------------------------------ EventBridge and SQS FIFO

/** The EventBridge event a rule delivers for `event` (a direct target's input, a queue message's body). */
export function eventBridgeEvent(event: AppEvent): Envelope {
  return toEnvelope(event, { account: LOCAL_ACCOUNT, region: LOCAL_REGION });
}

export const MATCHER_QUEUE_ARN = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${functionNameOf('matcher')}.fifo`;

export interface FifoRecordInput {
  /** Carried in the body as its EventBridge envelope (what the rule sends to the queue). */
  event: AppEvent;
  /** The message group id (a market). */
  group: string;
  /** @default event.id */
  messageId?: string;
  /** Deliveries of this message so far, this one included. @default 1 */
  receiveCount?: number;
  /** When the queue accepted the message (epoch ms). @default now */
  sentAt?: number;
  /** When the message was first received (epoch ms). @default now */
  firstReceivedAt?: number;
  /** The queue's per-group sequence number. @default 1 */
  sequence?: bigint;
}

/** One record of an SQS FIFO event from the matcher's queue; deduplicated by event id as the queue is. */
export function sqsFifoRecord(input: FifoRecordInput): SQSRecord {
  const body = JSON.stringify(eventBridgeEvent(input.event));
  const now = Date.now();
  return {
    messageId: input.messageId ?? input.event.id,
    receiptHandle: `local-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(input.receiveCount ?? 1),
      SentTimestamp: String(input.sentAt ?? now),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(input.firstReceivedAt ?? now),
      MessageGroupId: input.group,
      MessageDeduplicationId: input.event.id,
      // SQS renders FIFO sequence numbers as 20-digit decimal strings.
      SequenceNumber: (input.sequence ?? 1n).toString().padStart(20, '0'),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: MATCHER_QUEUE_ARN,
    awsRegion: LOCAL_REGION,
  };
}

// ------------------------------------------------------------------ scheduled event

/** The EventBridge "Scheduled Event" a schedule rule invokes its function with. */
export function scheduledEvent(fn: FunctionName, at: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: at.toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${functionNameOf(fn)}-schedule`],
    detail: {},
  };
}
