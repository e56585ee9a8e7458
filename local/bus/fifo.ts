/**
 * FIFO delivery, as the matcher's SQS FIFO queue and its event source
 * mapping deliver: one message group per market, delivered serially per
 * group. A round starts no earlier than the round delay after its oldest
 * message was accepted and takes whatever else the group has queued by then
 * (up to the batch size, in order) as one SQS event, so triggers that arrive
 * together make one round. Failed records (batchItemFailures, or all when
 * the handler throws) are retried with backoff and block their group
 * meanwhile; after the last attempt they are dead-lettered.
 */
import type { SQSEvent } from 'aws-lambda';
import type { AppEvent } from '#events/contracts.ts';
import { lambdaContext, sqsFifoRecord } from '../aws-shapes.ts';
import { errorText, type DeliveryHost, type Unit } from './delivery.ts';

export interface FifoOptions {
  /** The queue's delivery delay: a round waits this long after its oldest message was accepted. */
  roundDelayMs: number;
  /** Message groups delivered at the same time. */
  maxConcurrentGroups: number;
  /** Records per SQS event, as the event source mapping's batch size. */
  maxBatchSize: number;
}

interface FifoMessage {
  event: AppEvent;
  /** Journal entries this message settles: a re-publish of a queued event rides on the queued message. */
  units: Unit[];
  acceptedAt: number;
  notBefore: number;
  attempts: number;
  firstReceivedAt?: number;
  sequence: bigint;
  inFlight: boolean;
}

/** A message group; opaque outside this file. */
export interface FifoGroup {
  readonly name: string;
}

interface Group extends FifoGroup {
  queue: FifoMessage[];
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class FifoDelivery {
  private readonly groups = new Map<string, Group>();
  private readonly waitingForSlot: string[] = [];
  private activeGroups = 0;
  private sequence = 0n;

  constructor(
    private readonly host: DeliveryHost,
    private readonly opts: FifoOptions,
  ) {}

  /** Queues one delivery in its group; `schedule` the groups once everything published together is queued. */
  enqueue(groupName: string, event: AppEvent, unit: Unit, acceptedAt: number): FifoGroup {
    let g = this.groups.get(groupName);
    if (!g) {
      g = { name: groupName, queue: [], running: false, timer: undefined };
      this.groups.set(groupName, g);
    }
    // A second publish of a queued event (relay re-publish) is the same message, as FIFO deduplication makes it.
    const queued = g.queue.find((m) => !m.inFlight && m.event.id === event.id);
    if (queued) queued.units.push(unit);
    else {
      g.queue.push({
        event,
        units: [unit],
        acceptedAt,
        notBefore: acceptedAt + this.opts.roundDelayMs,
        attempts: 0,
        sequence: ++this.sequence,
        inFlight: false,
      });
    }
    return g;
  }

  /** Starts the group's next round now, or arms a timer for when its head is due. */
  schedule(group: FifoGroup): void {
    const g = group as Group;
    if (!this.host.isOpen() || g.running) return;
    clearTimeout(g.timer);
    g.timer = undefined;
    const head = g.queue[0];
    if (!head) {
      this.groups.delete(g.name);
      return;
    }
    const wait = head.notBefore - Date.now();
    if (wait > 0) {
      g.timer = setTimeout(() => {
        g.timer = undefined;
        this.schedule(g);
      }, wait);
      return;
    }
    if (this.activeGroups >= this.opts.maxConcurrentGroups) {
      if (!this.waitingForSlot.includes(g.name)) this.waitingForSlot.push(g.name);
      return;
    }
    this.run(g);
  }

  /** Clears every timer; what is queued stays in the journal for the next start. */
  stop(): void {
    for (const g of this.groups.values()) clearTimeout(g.timer);
  }

  private run(g: Group): void {
    g.running = true;
    this.activeGroups++;
    const now = Date.now();
    const batch: FifoMessage[] = [];
    // The head is due: its round takes whatever else the group has queued
    // (the run takes all the market's waiting needs anyway), in order, but
    // never passes a record still backing off from a failure: FIFO order.
    for (const m of g.queue) {
      if (batch.length >= this.opts.maxBatchSize || (m.attempts > 0 && m.notBefore > now)) break;
      batch.push(m);
    }
    this.host.track(
      this.deliver(g, batch).finally(() => {
        g.running = false;
        this.activeGroups--;
        // Groups that were ready while every slot was taken go first.
        while (this.host.isOpen() && this.activeGroups < this.opts.maxConcurrentGroups && this.waitingForSlot.length > 0) {
          const waiting = this.groups.get(this.waitingForSlot.shift()!);
          if (waiting) this.schedule(waiting);
        }
        this.schedule(g);
      }),
    );
  }

  private async deliver(g: Group, batch: FifoMessage[]): Promise<void> {
    const receivedAt = Date.now();
    for (const m of batch) {
      m.inFlight = true;
      m.attempts++;
      m.firstReceivedAt ??= receivedAt;
    }
    const event: SQSEvent = {
      Records: batch.map((m) =>
        sqsFifoRecord({
          event: m.event,
          group: g.name,
          receiveCount: m.attempts,
          sentAt: m.acceptedAt,
          firstReceivedAt: m.firstReceivedAt ?? receivedAt,
          sequence: m.sequence,
        }),
      ),
    };
    let failed: Set<string>;
    let error = '';
    try {
      const res = await this.host.consumers.matcher(event, lambdaContext('matcher'));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size > 0) error = 'reported in batchItemFailures';
    } catch (e) {
      failed = new Set(batch.map((m) => m.event.id));
      error = errorText(e);
      this.host.logger.warn('bus: matcher threw', { group: g.name, records: batch.length, error: e as Error });
    }

    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.event.id)) {
        this.remove(g, m);
        for (const u of m.units) await this.host.settle(u);
      } else if (m.attempts >= this.host.maxAttempts) {
        this.remove(g, m);
        for (const u of m.units) await this.host.deadLetter(u, m.event, m.attempts, error, g.name);
      } else {
        m.notBefore = Date.now() + this.host.backoff(m.attempts);
        this.host.logger.info('bus: will retry', { consumer: 'matcher', group: g.name, eventId: m.event.id, attempts: m.attempts });
      }
    }
  }

  private remove(g: Group, m: FifoMessage): void {
    const i = g.queue.indexOf(m);
    if (i >= 0) g.queue.splice(i, 1);
  }
}
