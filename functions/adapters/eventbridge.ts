/**
 * The AWS event publisher: PutEvents in chunks of 10 (the API's limit),
 * retrying only the entries that failed. An unchecked FailedEntryCount is a
 * lost event, so anything still failing after the retries throws, and the
 * caller's outbox keeps it for the relay.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type AppEvent } from '#events/contracts.ts';
import type { EventPublisher } from '../ports.ts';

const MAX_ATTEMPTS = 4;

/** What the publisher needs of an EventBridge client: an EventBridgeClient, or lazyEventBridgeClient(). */
export interface PutEventsSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

/**
 * An EventBridge client built on its first send (SDK defaults: the Lambda's
 * region and role), then reused: a container whose requests publish nothing
 * (reads, refusals) never builds it. The SDK module itself is imported
 * statically on purpose: esbuild (one file, no code splitting) would turn an
 * `import()` into a lazily initialised module, but keeps every export of
 * the modules it wraps (no tree-shaking), ~35 KB more per bundle, more parse
 * time than the ~1 ms of module code it would defer.
 */
export function lazyEventBridgeClient(): PutEventsSender {
  let client: EventBridgeClient | undefined;
  return { send: (command) => (client ??= new EventBridgeClient({})).send(command) };
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: PutEventsSender,
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
