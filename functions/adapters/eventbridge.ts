/**
 * The AWS event publisher: PutEvents in chunks of 10 (the API's limit),
 * retrying only the entries that failed. An unchecked FailedEntryCount is a
 * lost event, so anything still failing after the retries throws, and the
 * caller's outbox keeps it for the relay.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type AppEvent } from '#events/contracts.ts';
import type { EventPublisher } from '../ports.ts';

const MAX_ATTEMPTS = 4;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly busName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async publish(events: readonly AppEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      await this.putChunk(events.slice(i, i + 10));
    }
  }

  private async putChunk(chunk: readonly AppEvent[]): Promise<void> {
    let entries: PutEventsRequestEntry[] = chunk.map((e) => ({
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      Time: new Date(e.detail.occurredAt),
    }));
    let lastError = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const res = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if (!res.FailedEntryCount) return;
      // Results are positional: keep exactly the entries that failed.
      const failed = entries.filter((_, i) => res.Entries?.[i]?.ErrorCode);
      lastError = res.Entries?.find((e) => e.ErrorCode)?.ErrorCode ?? 'unknown';
      entries = failed.length > 0 ? failed : entries;
      if (attempt < MAX_ATTEMPTS) await this.sleep(100 * 2 ** attempt + Math.random() * 100);
    }
    throw new Error(`EventBridge refused ${entries.length} event(s) after ${MAX_ATTEMPTS} attempts (${lastError})`);
  }
}
