/**
 * AWS wiring of a function that reads or writes the table but publishes no
 * event (FUNCTIONS[...].needs.publish is false): config validated at init,
 * the DynamoDB client built once. In a module of its own so that such a
 * function does not load the EventBridge client (see aws.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, type Config } from '../config.ts';
import { systemClock, type TablePorts } from '../ports.ts';
import { makeDocumentClient } from '../store/client.ts';
import { Store } from '../store/store.ts';
import { awsLogger } from './logger.ts';

export function awsTablePorts(config: Config = loadConfig(), logger: Logger = awsLogger()): TablePorts {
  const store = new Store(makeDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT }), config.TABLE_NAME, config.CURSOR_SECRET, { clock: systemClock });
  return { store, clock: systemClock, config, logger };
}
