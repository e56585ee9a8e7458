/**
 * The embedded local runtime: the same Lambda handlers as AWS, on one
 * machine. dynalite (persisted under DATA_DIR/dynamo) instead of DynamoDB,
 * the in-process bus instead of EventBridge + SQS, timers instead of the
 * schedules, and the local gateway instead of API Gateway + Cognito.
 * `local/main.ts` runs it from the environment; tests start it in-process.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { buildHandlers as buildAppHandlers, type AppHandlers } from '#functions/app.ts';
import { loadConfig, type Config } from '#functions/config.ts';
import { systemClock, type AppPorts, type Clock, type HttpHandler } from '#functions/ports.ts';
import type { FunctionName } from '#functions/handlers/manifest.ts';
import { HTTP_GROUPS, type HttpGroup } from '#functions/http/routes.ts';
import { makeDocumentClient } from '#functions/store/client.ts';
import { Store } from '#functions/store/store.ts';
import { openLocalAuth, type LocalAuth, type LocalRole } from './auth.ts';
import { LocalBus, type BusOptions } from './bus.ts';
import { setUpDemo, type DemoInfo } from './demo.ts';
import { ensureTable, startDynalite, type RunningDynalite } from './dynamo.ts';
import { lockDir, readOrCreate, writeFileDurably } from './files.ts';
import { repairAfterCrash, RUNNING_MARKER } from './repair.ts';
import { startGateway, type RunningGateway } from './gateway.ts';
import { localRoutes } from './local-routes.ts';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt, serveConsole, type ConsoleHandler } from './console.ts';
import { DEFAULT_INTERVALS, startScheduler, type Scheduler } from './scheduler.ts';

export const DEFAULT_TABLE_NAME = 'sme-matchmaking';
const CURSOR_SECRET_FILE = 'cursor-secret';

export interface RuntimeOptions {
  /** Where everything persists: dynalite's files, the bus journal, the signing key, the cursor secret. */
  dataDir: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Seed demo data into an empty table. @default false */
  demo?: boolean;
  /**
   * Serve the web console at `/` (built from web/ on the first start that
   * needs it). Off by default so tests that only need the API start fast.
   * @default false
   */
  console?: boolean;
  /** Overrides ROUND_DELAY_MS. */
  roundDelayMs?: number;
  /** Overrides MATCH_TTL_HOURS. */
  matchTtlHours?: number;
  /** @default 'INFO' */
  logLevel?: LogLevel;
  /** Further configuration variables for loadConfig (main passes process.env); the options above win. */
  env?: Record<string, string | undefined>;
  /** @default DEFAULT_TABLE_NAME */
  tableName?: string;
  /** Job intervals in ms; 0 turns a timer off (the start-up relay and rebalance passes still run). @default DEFAULT_INTERVALS */
  intervals?: Partial<Record<keyof typeof DEFAULT_INTERVALS, number>>;
  /** Retry tuning of the bus (tests shorten the backoff). */
  bus?: Pick<BusOptions, 'maxAttempts' | 'backoffMs' | 'maxConcurrentGroups' | 'maxConcurrentDirect'>;
  /** @default systemClock */
  clock?: Clock;
  /** @default buildHandlers of functions/app.ts; tests may wrap or replace it. */
  buildHandlers?: (ports: AppPorts) => AppHandlers;
}

export interface Runtime {
  url: string;
  port: number;
  dataDir: string;
  config: Config;
  logger: Logger;
  store: Store;
  bus: LocalBus;
  handlers: AppHandlers;
  auth: LocalAuth;
  scheduler: Scheduler;
  /** The demo owners and their fresh tokens, when demo data is present. */
  demo: DemoInfo | undefined;
  /** A token as POST /local/tokens issues it. */
  issueToken(role: LocalRole, sub?: string): Promise<{ token: string; sub: string }>;
  /**
   * Graceful shutdown: stop accepting HTTP, let in-flight requests finish,
   * stop the timers, let in-flight deliveries finish (the rest stays in the
   * bus journal), close dynalite. Idempotent.
   */
  stop(): Promise<void>;
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dataDir = path.resolve(opts.dataDir);
  await fs.mkdir(dataDir, { recursive: true });

  const logLevel = opts.logLevel ?? 'INFO';
  // One Logger per function, as each Lambda has its own: keys a handler
  // appends (request id, route, caller role) must not show up in another
  // function's lines. The runtime's own lines (access log, bus, timers) use this one.
  const loggerOf = (fn: FunctionName | 'runtime') =>
    new Logger({ serviceName: 'sme-matchmaking-local', logLevel, persistentKeys: { function: fn } });
  const logger = loggerOf('runtime');
  // Everything started so far, closed in reverse if a later step fails.
  const cleanups: Array<() => Promise<void>> = [];
  const unwind = async () => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => logger.error('shutdown step failed', { error: e as Error }));
    cleanups.length = 0;
  };

  try {
    cleanups.push(await lockDir(dataDir));
    // Generated once per data dir: cursors handed out before a restart stay valid after it.
    const cursorSecret = (await readOrCreate(path.join(dataDir, CURSOR_SECRET_FILE), () => randomBytes(32).toString('base64url'))).trim();
    const auth = await openLocalAuth(dataDir);

    const db: RunningDynalite = await startDynalite({ path: path.join(dataDir, 'dynamo') });
    cleanups.push(() => db.close());

    const config = loadConfig({
      ...opts.env,
      TABLE_NAME: opts.tableName ?? opts.env?.TABLE_NAME ?? DEFAULT_TABLE_NAME,
      DYNAMODB_ENDPOINT: db.endpoint,
      CURSOR_SECRET: cursorSecret,
      STAGE: 'local',
      EVENT_BUS_NAME: 'local',
      ...(opts.roundDelayMs !== undefined ? { ROUND_DELAY_MS: String(opts.roundDelayMs) } : {}),
      ...(opts.matchTtlHours !== undefined ? { MATCH_TTL_HOURS: String(opts.matchTtlHours) } : {}),
    });

    const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      // An unclean stop may have left an index disagreeing with its items (see repair.ts).
      await repairAfterCrash(raw, config.TABLE_NAME, dataDir, logger);
      await ensureTable(raw, config.TABLE_NAME);
    } finally {
      raw.destroy();
    }
    const marker = path.join(dataDir, RUNNING_MARKER);
    await writeFileDurably(marker, String(process.pid));
    // Runs after every later step has stopped (cleanups unwind in reverse): only a full stop removes it.
    cleanups.push(() => fs.rm(marker, { force: true }));
    const doc = makeDocumentClient({ endpoint: db.endpoint });
    cleanups.push(async () => doc.destroy());
    // The store stamps updatedAt with the same clock the use cases read.
    const store = new Store(doc, config.TABLE_NAME, config.CURSOR_SECRET, { clock: opts.clock ?? systemClock });

    // The handlers take the bus as their publisher and the bus delivers to the
    // handlers: the bus calls them through this late-bound reference, and only
    // starts delivering (bus.open) once they exist.
    let handlers: AppHandlers | undefined;
    const bound = (): AppHandlers => {
      if (!handlers) throw new Error('handlers are not built yet');
      return handlers;
    };
    const bus = new LocalBus({
      dataDir,
      logger,
      roundDelayMs: config.ROUND_DELAY_MS,
      consumers: {
        matcher: (event, context) => bound().matcher(event, context),
        notifier: (event, context) => bound().notifier(event, context),
        importer: (event, context) => bound().importer(event, context),
        voucherLedger: (event, context) => bound().voucherLedger(event, context),
        kpi: (event, context) => bound().kpi(event, context),
      },
      ...opts.bus,
    });
    const build: (ports: AppPorts) => AppHandlers = opts.buildHandlers ?? buildAppHandlers;
    const buildFor = (fn: FunctionName) => build({ store, publisher: bus, clock: opts.clock ?? systemClock, config, logger: loggerOf(fn) });
    const app: AppHandlers = {
      http: Object.fromEntries(HTTP_GROUPS.map((g) => [g, buildFor(g).http[g]])) as Record<HttpGroup, HttpHandler>,
      matcher: buildFor('matcher').matcher,
      notifier: buildFor('notifier').notifier,
      relay: buildFor('relay').relay,
      rebalance: buildFor('rebalance').rebalance,
      expiry: buildFor('expiry').expiry,
      importer: buildFor('importer').importer,
      voucherLedger: buildFor('voucherLedger').voucherLedger,
      kpi: buildFor('kpi').kpi,
      lapse: buildFor('lapse').lapse,
    };
    handlers = app;
    await bus.open();
    cleanups.push(() => bus.stop());

    const intervals = { ...DEFAULT_INTERVALS, ...opts.intervals };
    const scheduler = startScheduler(
      [
        { name: 'relay', intervalMs: intervals.relay, run: app.relay },
        { name: 'rebalance', intervalMs: intervals.rebalance, run: app.rebalance },
        { name: 'expiry', intervalMs: intervals.expiry, run: app.expiry },
        { name: 'lapse', intervalMs: intervals.lapse, run: app.lapse },
      ],
      logger,
    );
    cleanups.push(() => scheduler.stop());

    let demo: DemoInfo | undefined;
    let pages: ConsoleHandler | undefined;
    if (opts.console) {
      await ensureConsoleBuilt(CONSOLE_DIST_DIR);
      // The sign-in page lists the demo's people (names and subs, never their tokens).
      pages = serveConsole(CONSOLE_DIST_DIR, { demoUsers: () => demo?.owners });
    }
    const gateway: RunningGateway = await startGateway({
      http: app.http,
      auth,
      // /docs and /local/tokens: routes AWS does not have.
      localRoutes: localRoutes(auth),
      ...(pages ? { pages } : {}),
      logger,
      port: opts.port ?? 0,
      ...(opts.host ? { host: opts.host } : {}),
    });
    cleanups.push(() => gateway.close());

    // Whatever a crash left in outboxes goes out now, and markets that waited get a round.
    await scheduler.runNow('relay');
    await scheduler.runNow('rebalance');

    if (opts.demo) {
      try {
        demo = await setUpDemo({ baseUrl: gateway.url, auth, dataDir, now: (opts.clock ?? systemClock).now() });
      } catch (e) {
        // The runtime stays up without demo data; the error says which request was refused.
        logger.error('demo data could not be set up', { error: e as Error });
      }
    }

    let stopping: Promise<void> | undefined;
    return {
      url: gateway.url,
      port: gateway.port,
      dataDir,
      config,
      logger,
      store,
      bus,
      handlers: app,
      auth,
      scheduler,
      demo,
      issueToken: (role, sub) => auth.issue(role, sub),
      stop: () => (stopping ??= unwind()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}
