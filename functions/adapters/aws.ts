/**
 * AWS wiring, done once per container (module scope of each entry file):
 * config validated at init, clients built once and injected.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppPorts } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { systemClock } from '../ports.ts';
import { makeDocumentClient } from '../store/client.ts';
import { Store } from '../store/store.ts';
import { EventBridgePublisher } from './eventbridge.ts';
import { awsLogger } from './logger.ts';

export function awsPorts(config: Config = loadConfig(), logger: Logger = awsLogger()): AppPorts {
  const store = new Store(makeDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT }), config.TABLE_NAME, config.CURSOR_SECRET);
  const publisher = new EventBridgePublisher(new EventBridgeClient({}), config.EVENT_BUS_NAME);
  return { store, publisher, clock: systemClock, config, logger };
}
