/**
 * The application in process, for integration tests that need no HTTP
 * server: the real handlers, store and dynalite, a clock the test controls,
 * and a publisher that records events, which `drain()` delivers by the
 * shared routing table exactly as the buses do (matcher as SQS FIFO batches
 * per market, notifier as EventBridge events). Events, records and contexts
 * come from local/aws-shapes.ts, as the local runtime's.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { marketOf, type AppEvent } from '#events/contracts.ts';
import { ROUTES } from '#events/routing.ts';
import { buildHandlers } from '#functions/app.ts';
import { loadConfig } from '#functions/config.ts';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import type { AppPorts, EventPublisher, Role } from '#functions/ports.ts';
import { renderClaims } from '#local/auth.ts';
import { compileRoutes, errorBody, eventBridgeEvent, lambdaContext, matchRoute, sqsFifoRecord, toV2Event } from '#local/aws-shapes.ts';
import { freshTable, TEST_CURSOR_SECRET } from './db.ts';

export { lambdaContext };

/** One SQS FIFO record of the matcher's queue carrying `event` (group = its market), under a message id of its own. */
export function marketRecord(event: AppEvent, messageId: string = randomUUID()): SQSRecord {
  return sqsFifoRecord({ event, group: marketOf(event) ?? 'none', messageId });
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

/**
 * Tests build markets of several needs of one SME in one service type: the
 * per-type quota (3 by default) is raised to the SME-wide one here, and the
 * quota tests (tests/integration/quotas.test.ts) set the limits they check.
 */
export const TEST_QUOTAS = { QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: '20' } as const;

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
    ...TEST_QUOTAS,
    ...env,
  });
  const logger = new Logger({ serviceName: 'test', logLevel: (process.env.TEST_LOG_LEVEL ?? 'SILENT') as 'SILENT' });
  const ports: AppPorts = { store: db.store({ clock }), publisher, clock, config, logger };
  const handlers = buildHandlers(ports);

  const routes = compileRoutes(HTTP_ROUTES);

  /**
   * Invokes the route's handler as API Gateway would: the same route
   * selection and payload 2.0 event as the local gateway, `as` standing for
   * a token its JWT authorizer accepted (a JWT route without one is refused
   * there, before any handler).
   */
  async function call(method: string, path: string, opts: CallOptions = {}) {
    const [rawPath, qs] = path.split('?') as [string, string | undefined];
    const match = matchRoute(routes, method, rawPath);
    if (!match) throw new Error(`no route ${method} ${rawPath}`);
    if (match.route.auth === 'jwt' && !opts.as) {
      return { status: 401, body: errorBody('UNAUTHENTICATED', 'a bearer token is required') as any };
    }
    const query = { ...Object.fromEntries(new URLSearchParams(qs ?? '')), ...(opts.query ?? {}) };
    const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const given = opts.headers ?? {};
    // A content type the caller gives replaces the default, in whatever case it is spelt.
    const givesType = Object.keys(given).some((k) => k.toLowerCase() === 'content-type');
    const jwt =
      match.route.auth === 'jwt' && opts.as
        ? { claims: renderClaims({ sub: opts.as.sub, 'cognito:groups': [opts.as.role] }), scopes: null }
        : undefined;
    const event = toV2Event(
      {
        method,
        rawPath,
        rawQueryString: new URLSearchParams(query).toString(),
        headers: { ...(givesType ? {} : { 'content-type': 'application/json' }), 'user-agent': 'test', ...given },
        body: body === undefined ? undefined : Buffer.from(body, 'utf8'),
      },
      match.routeKey,
      match.params,
      jwt,
    );
    const res = await handlers.http[match.route.group](event, lambdaContext(match.route.group));
    // A route that answered CSV (Accept: text/csv) gives its text; every other answer is JSON.
    const text = String(res.headers?.['content-type'] ?? '').startsWith('text/');
    return { status: res.statusCode ?? 200, body: res.body ? (text ? res.body : JSON.parse(res.body)) : undefined } as { status: number; body: any };
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
          const consumer = route.consumer === 'matcher' ? handlers.notifier : handlers[route.consumer];
          for (const e of mine) await consumer(eventBridgeEvent(e), lambdaContext(route.consumer));
        }
      }
    }
  }

  return {
    ...db,
    /** Another store on the app's table, stamping the app's clock (e.g. a second matcher). */
    store: () => db.store({ clock }),
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
