/**
 * The application's composition root: every Lambda handler of the platform,
 * built from injected ports. AWS entry files (functions/handlers/*.ts) call
 * buildHandlers with AWS adapters once per container; the local runtime calls
 * it with dynalite and its in-process bus; tests with their own.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
  EventBridgeEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from './config.ts';
import type { HttpGroup } from './http/routes.ts';
import type { Clock, EventPublisher } from './ports.ts';
import type { Store } from './store/store.ts';
import { httpGroup, type RouteDef } from './http/api.ts';
import { analyticsRoutes } from './http/groups/analytics.ts';
import { inboxRoutes } from './http/groups/inbox.ts';
import { matchRoutes } from './http/groups/matches.ts';
import { providerRoutes } from './http/groups/providers.ts';
import { publicRoutes } from './http/groups/public.ts';
import { smeRoutes } from './http/groups/smes.ts';
import { buildOpenApi } from './http/openapi.ts';
import { handleMarketBatch, handleNotification } from './usecases/consumers.ts';
import { relayOutbox, requestRebalances, runExpiry } from './usecases/jobs.ts';

export interface AppPorts {
  store: Store;
  publisher: EventPublisher;
  clock: Clock;
  config: Config;
  logger: Logger;
}

export type HttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface JobResult {
  [k: string]: number;
}

export interface AppHandlers {
  http: Record<HttpGroup, HttpHandler>;
  /** SQS FIFO consumer: one market round per message group; partial batch responses. */
  matcher: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  /** EventBridge consumer: writes each party's inbox. */
  notifier: (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;
  /** Scheduled: publishes whatever the outbox still holds. */
  relay: (event: unknown, context: Context) => Promise<JobResult>;
  /** Scheduled: requests a round for markets whose needs wait too long. */
  rebalance: (event: unknown, context: Context) => Promise<JobResult>;
  /** Scheduled: expires needs past their deadline and open matches past their time; settles stranded proposals. */
  expiry: (event: unknown, context: Context) => Promise<JobResult>;
}

/** Every authenticated route group, by Lambda. */
const GROUPS = {
  providers: providerRoutes,
  smes: smeRoutes,
  matches: matchRoutes,
  inbox: inboxRoutes,
  analytics: analyticsRoutes,
} satisfies Record<Exclude<HttpGroup, 'public'>, (ports: AppPorts) => RouteDef[]>;

/**
 * The route definitions alone, for the OpenAPI document: building them reads
 * nothing from the ports (they are only used when a route runs), so the
 * public Lambda needs no table or bus to describe the API.
 */
export function allRouteDefs(ports: AppPorts = {} as AppPorts): RouteDef[] {
  return Object.values(GROUPS).flatMap((g) => g(ports));
}

let openApiDoc: unknown;
export function openApiDocument(): unknown {
  openApiDoc ??= buildOpenApi(allRouteDefs());
  return openApiDoc;
}

export function publicHandler(logger: Logger): HttpHandler {
  return httpGroup(publicRoutes(openApiDocument), logger);
}

export function buildHandlers(ports: AppPorts): AppHandlers {
  const logger = ports.logger;
  return {
    http: {
      public: publicHandler(logger),
      providers: httpGroup(GROUPS.providers(ports), logger),
      smes: httpGroup(GROUPS.smes(ports), logger),
      matches: httpGroup(GROUPS.matches(ports), logger),
      inbox: httpGroup(GROUPS.inbox(ports), logger),
      analytics: httpGroup(GROUPS.analytics(ports), logger),
    },
    matcher: (event) => handleMarketBatch(ports, event),
    notifier: (event) => handleNotification(ports, event),
    relay: () => relayOutbox(ports),
    rebalance: () => requestRebalances(ports),
    expiry: () => runExpiry(ports),
  };
}
