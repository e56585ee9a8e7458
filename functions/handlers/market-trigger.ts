/**
 * Lambda entry: forwards market-changing events to the matcher's FIFO queue
 * with MessageGroupId = service type (see adapters/market-trigger.ts).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { forwardToMarketQueue } from '#functions/adapters/market-trigger.ts';

// Only the queue is needed here: validate just that, at init.
const { MATCHER_QUEUE_URL } = z.object({ MATCHER_QUEUE_URL: z.string().check(z.minLength(1)) }).parse(process.env);
const sqs = new SQSClient({});

export const handler = (event: EventBridgeEvent<string, unknown>) => forwardToMarketQueue(sqs, MATCHER_QUEUE_URL, event);
