/**
 * EventBridge -> the matcher's SQS FIFO queue. An EventBridge SQS target can
 * only set a fixed MessageGroupId, and the design needs one group per market
 * (one round at a time per service type), so this forwarder sets it from the
 * event. Deduplication id = event id: a re-published event within the FIFO
 * queue's 5-minute window is dropped by SQS itself.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import { marketOf } from '#events/contracts.ts';
import { fromEnvelope } from '#events/envelope.ts';

export async function forwardToMarketQueue(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  envelope: EventBridgeEvent<string, unknown>,
): Promise<void> {
  const e = fromEnvelope(envelope);
  const market = marketOf(e);
  // Only market events are routed here (events/routing.ts); one without a market has no group to go to.
  if (!market) throw new Error(`event ${e.id} (${e.detailType}) names no market`);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(envelope),
      MessageGroupId: market,
      MessageDeduplicationId: e.id,
    }),
  );
}
