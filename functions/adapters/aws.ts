/**
 * AWS wiring of a function that also publishes events, done once per
 * container (module scope of each entry file): the table's ports plus the
 * EventBridge publisher. The publisher is built here, its client on the
 * first publish (eventbridge.ts): most requests of an HTTP function publish
 * nothing, and loading the EventBridge client is a cold-start cost.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, requireSetting, type Config } from '../config.ts';
import type { AppPorts } from '../ports.ts';
import { awsTablePorts } from './aws-table.ts';
import { EventBridgePublisher, lazyEventBridgeClient } from './eventbridge.ts';
import { awsLogger } from './logger.ts';

export function awsPorts(config: Config = loadConfig(), logger: Logger = awsLogger()): AppPorts {
  return { ...awsTablePorts(config, logger), publisher: new EventBridgePublisher(lazyEventBridgeClient(), requireSetting(config, 'EVENT_BUS_NAME')) };
}
