/**
 * EventBridge -> the matcher's SQS FIFO queue. An EventBridge SQS target can
 * only set a fixed MessageGroupId, and the design needs one group per market
 * (one round at a time per service type), so this forwarder sets it from the
 * event. Deduplication id = event id: a re-published event within the FIFO
 * queue's 5-minute window is dropped by SQS itself.
 *
 * It reads only what forwarding needs (source, event id, market) and leaves
 * the full check of the detail to the matcher, which parses every message
 * against the event contracts (usecases/consumers.ts: fromEnvelope) and drops
 * a malformed one loudly without blocking its market. Why not parse here
 * too: importing events/contracts.ts builds every event's zod schema (and
 * domain/model.ts's) at init, ~20 ms of this function's ~65 ms cold start,
 * to check a detail the matcher checks again anyway.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';

/** events/contracts.ts's EVENT_SOURCE (not imported, see above; tests/unit/aws-adapters.test.ts keeps them equal). */
export const APP_EVENT_SOURCE = 'sme.matchmaking';

export async function forwardToMarketQueue(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  envelope: EventBridgeEvent<string, unknown>,
): Promise<void> {
  if (!envelope || typeof envelope !== 'object') throw new Error('event is not an object');
  if (envelope.source !== APP_EVENT_SOURCE) throw new Error(`unexpected event source ${String(envelope.source)}`);
  const detail = (envelope.detail ?? {}) as { eventId?: unknown; serviceType?: unknown };
  const eventId = detail.eventId;
  const market = detail.serviceType;
  if (typeof eventId !== 'string' || eventId === '') throw new Error(`event (${String(envelope['detail-type'])}) has no eventId`);
  // Only market events are routed here (events/routing.ts); one without a market has no group to go to.
  if (typeof market !== 'string' || market === '') throw new Error(`event ${eventId} (${String(envelope['detail-type'])}) names no market`);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(envelope),
      MessageGroupId: market,
      MessageDeduplicationId: eventId,
    }),
  );
}
