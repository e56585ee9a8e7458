/**
 * Lambda entry: forwards market-changing events to the matcher's FIFO queue
 * with MessageGroupId = service type (see adapters/market-trigger.ts).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import { forwardToMarketQueue } from '#functions/adapters/market-trigger.ts';
import { sourceMappedStacks } from '#functions/adapters/stack-traces.ts';

// No logger here: an error reaches the Lambda runtime's log, its stack through the source map all the same.
sourceMappedStacks();

// Only the queue is needed here: check just that, at init (no zod in this bundle, see adapters/market-trigger.ts).
const MATCHER_QUEUE_URL = process.env.MATCHER_QUEUE_URL ?? '';
if (MATCHER_QUEUE_URL === '') throw new Error('invalid configuration: MATCHER_QUEUE_URL: required');
const sqs = new SQSClient({});

export const handler = (event: EventBridgeEvent<string, unknown>) => forwardToMarketQueue(sqs, MATCHER_QUEUE_URL, event);
