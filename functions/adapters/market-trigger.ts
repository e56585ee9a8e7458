/**
 * EventBridge -> the matcher's SQS FIFO queue. An EventBridge SQS target can
 * only set a fixed MessageGroupId, and the design needs one group per market
 * (one round at a time per service type), so this forwarder sets it from the
 * event. Deduplication id = event id: a re-published event within the FIFO
 * queue's 5-minute window is dropped by SQS itself.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import { fromEnvelope } from '#events/envelope.ts';

export async function forwardToMarketQueue(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  envelope: EventBridgeEvent<string, unknown>,
): Promise<void> {
  const e = fromEnvelope(envelope);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(envelope),
      MessageGroupId: e.detail.serviceType,
      MessageDeduplicationId: e.id,
    }),
  );
}
