/**
 * The narrow ports handlers and use cases depend on, and the handler shapes
 * of the Lambdas. AWS and the local runtime each provide their own
 * implementations; tests pass their own.
 *
 * Near the leaves of the dependency graph on purpose: it imports only types
 * (config, the store, events), so any module may import it; config and the
 * store must never import it back, or the types would form a circle.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
  EventBridgeEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { AppEvent } from '#events/contracts.ts';
import type { Config } from './config.ts';
import type { Store } from './store/store.ts';

/**
 * What use cases return and take: an entity as read, possibly with events
 * still in its outbox, and a page of a list. Aliased here so route handlers
 * and views need nothing from the store.
 */
export type { Page, PageRequest, Stored } from './store/store.ts';

/** Publishes events; resolves only when every entry was accepted, throws otherwise. */
export interface EventPublisher {
  publish(events: readonly AppEvent[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface AppPorts {
  store: Store;
  publisher: EventPublisher;
  clock: Clock;
  config: Config;
  logger: Logger;
}

/** The ports of a function that writes no event (FUNCTIONS[...].needs.publish is false). */
export type TablePorts = Omit<AppPorts, 'publisher'>;

/**
 * Sends one plain-text e-mail (the notifier's optional channel, see
 * adapters/ses.ts); throws when the message was not accepted.
 */
export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

/** Who is calling: one platform group, taken from the verified token (see http/identity.ts). */
export type Role = 'sme' | 'provider' | 'operator';
export interface Caller {
  sub: string;
  role: Role;
}

export type HttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** SQS FIFO consumer: one market round per message group; partial batch responses. */
export type MatcherHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** EventBridge consumer. */
export type NotifierHandler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;

export interface JobResult {
  [k: string]: number;
}

/** A scheduled job: its counts go to the log and the local scheduler. */
export type JobHandler = (event: unknown, context: Context) => Promise<JobResult>;
