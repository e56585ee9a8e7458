/**
 * The in-process event bus: the local stand-in for EventBridge, the matcher's
 * SQS FIFO queue and the async invocations of the notifier, with the same
 * routing table (events/routing.ts) and the same delivery guarantees. This
 * facade routes and counts; the parts live under bus/:
 *
 * - journal.ts: `publish` resolves only once the events are in the journal
 *   (DATA_DIR/bus.jsonl, fsync'd), like PutEvents returning success; on
 *   open, whatever is not done is delivered again (at least once);
 * - fifo.ts: 'fifo' routes, one message group per `detail[groupBy]` (a
 *   market), serial per group, rounds after the round delay, retries that
 *   block their group, then the dead-letter list;
 * - direct.ts: 'direct' routes, the EventBridge event to the consumer,
 *   retried with backoff, then dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '#functions/ports.ts';
import type { AppEvent } from '#events/contracts.ts';
import { ROUTES, type Route } from '#events/routing.ts';
import { defaultBackoff, type BusConsumers, type BusLogger, type DeliveryHost, type Unit } from './bus/delivery.ts';
import { DirectDelivery } from './bus/direct.ts';
import { FifoDelivery, type FifoGroup } from './bus/fifo.ts';
import { BusJournal, JOURNAL_COMPACT_LINES, type AcceptedLine, type DeadLetter } from './bus/journal.ts';

export { DLQ_FILE, JOURNAL_COMPACT_LINES, JOURNAL_FILE, type DeadLetter } from './bus/journal.ts';
export type { BusConsumers, BusLogger } from './bus/delivery.ts';

export interface BusOptions {
  dataDir: string;
  consumers: BusConsumers;
  logger: BusLogger;
  /** A round of a group starts no earlier than this after its oldest queued event was accepted (the queue's delivery delay). */
  roundDelayMs: number;
  /** Attempts per delivery before it is dead-lettered. @default 5 */
  maxAttempts?: number;
  /** Wait before the next attempt, given the attempts made so far (>= 1). @default 500 ms doubling, at most 30 s */
  backoffMs?: (attempts: number) => number;
  /** Message groups delivered at the same time. @default 4 */
  maxConcurrentGroups?: number;
  /** Direct deliveries at the same time. @default 8 */
  maxConcurrentDirect?: number;
  /** Records per SQS event, as the event source mapping's batch size. @default 10 */
  maxBatchSize?: number;
  /** @default ROUTES */
  routes?: readonly Route[];
  /** Empty the journal while running once it has this many lines and nothing is outstanding. @default JOURNAL_COMPACT_LINES */
  compactAfterLines?: number;
}

export class LocalBus implements EventPublisher {
  private readonly routes: readonly Route[];
  private readonly journal: BusJournal;
  private readonly fifo: FifoDelivery;
  private readonly direct: DirectDelivery;
  private state: 'new' | 'open' | 'stopping' | 'stopped' = 'new';
  private stopped: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<void>>();

  /** Deliveries accepted and not yet done or dead-lettered, plus publishes being written. */
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly dead: DeadLetter[] = [];

  constructor(private readonly opts: BusOptions) {
    this.routes = opts.routes ?? ROUTES;
    this.journal = new BusJournal(opts.dataDir, opts.logger);
    const host: DeliveryHost = {
      logger: opts.logger,
      consumers: opts.consumers,
      maxAttempts: opts.maxAttempts ?? 5,
      backoff: opts.backoffMs ?? defaultBackoff,
      isOpen: () => this.state === 'open',
      track: (p) => this.track(p),
      settle: (unit) => this.settle(unit),
      deadLetter: (unit, event, attempts, error, group) => this.deadLetter(unit, event, attempts, error, group),
    };
    this.fifo = new FifoDelivery(host, {
      roundDelayMs: opts.roundDelayMs,
      maxConcurrentGroups: opts.maxConcurrentGroups ?? 4,
      maxBatchSize: opts.maxBatchSize ?? 10,
    });
    this.direct = new DirectDelivery(host, opts.maxConcurrentDirect ?? 8);
  }

  /**
   * Reads the journal, compacts it to the deliveries not done, loads the
   * dead letters of earlier runs, and starts delivering (replayed entries
   * first). Separate from the constructor so the handlers, which take this
   * bus as their publisher, exist before anything is delivered to them.
   */
  async open(): Promise<void> {
    if (this.state !== 'new') throw new Error('the bus was already opened');
    const { pending, deadLetters } = await this.journal.open();
    this.dead.push(...deadLetters);
    this.state = 'open';
    this.enqueue(pending);
    if (pending.length > 0) this.opts.logger.info('bus: replaying undelivered events', { events: pending.length });
  }

  async publish(events: readonly AppEvent[]): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') throw new Error('the bus is not open');
    const at = Date.now();
    const lines: AcceptedLine[] = [];
    for (const event of events) {
      const routes = this.routes.filter((r) => r.detailTypes.includes(event.detailType));
      for (const r of routes) if (r.delivery === 'fifo') this.groupOf(event, r);
      // EventBridge accepts events no rule matches and drops them: nothing to keep.
      if (routes.length > 0) lines.push({ t: 'accepted', jid: randomUUID(), at, event, consumers: routes.map((r) => r.consumer) });
    }
    if (lines.length === 0) return;

    this.outstanding++;
    try {
      await this.journal.accept(lines);
      // While stopping, accepted events stay in the journal for the next start.
      if (this.state === 'open') this.enqueue(lines);
    } finally {
      this.outstanding--;
      this.checkIdle();
    }
  }

  /** Resolves when nothing is queued, waiting for a retry, or being delivered (or the bus stopped). */
  async idle(): Promise<void> {
    if (this.outstanding > 0 && this.state === 'open') await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.journal.flushed();
  }

  /** Deliveries that failed every attempt: this run's and earlier runs' (from dlq.jsonl). */
  deadLetters(): readonly DeadLetter[] {
    return [...this.dead];
  }

  /**
   * Stops delivering: timers cleared, in-flight deliveries awaited (events
   * they publish are still journaled), the journal closed. Whatever was not
   * delivered stays in the journal and is delivered on the next open.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.fifo.stop();
    this.direct.stop();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await this.journal.close();
    this.state = 'stopped';
    this.releaseIdleWaiters();
  }

  private groupOf(event: AppEvent, route: Route): string {
    const value = route.groupBy ? (event.detail as Record<string, unknown>)[route.groupBy] : undefined;
    // SQS refuses a FIFO message without a group id; refusing the publish keeps the event in its outbox.
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`event ${event.id} (${event.detailType}) has no ${String(route.groupBy)} to group by`);
    }
    return value;
  }

  /** Queues every delivery of the lines first, then schedules: events published together go out together. */
  private enqueue(lines: readonly AcceptedLine[]): void {
    const touched = new Set<FifoGroup>();
    for (const line of lines) {
      for (const consumer of line.consumers) {
        const route = this.routes.find((r) => r.consumer === consumer);
        const unit: Unit = { jid: line.jid, consumer };
        this.outstanding++;
        if (route?.delivery === 'fifo') touched.add(this.fifo.enqueue(this.groupOf(line.event, route), line.event, unit, line.at));
        else this.direct.enqueue(line.event, unit, line.at);
      }
    }
    for (const g of touched) this.fifo.schedule(g);
    this.direct.pump();
  }

  // ------------------------------------------------------------------ bookkeeping

  private track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => this.opts.logger.error('bus: delivery bookkeeping failed', { error: e as Error }));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  private async settle(unit: Unit): Promise<void> {
    await this.journal.done(unit);
    this.outstanding--;
    this.checkIdle();
  }

  private async deadLetter(unit: Unit, event: AppEvent, attempts: number, error: string, group?: string): Promise<void> {
    const letter: DeadLetter = { event, consumer: unit.consumer, attempts, error, at: new Date().toISOString(), ...(group ? { group } : {}) };
    this.dead.push(letter);
    this.opts.logger.error('bus: dead-lettered', { consumer: unit.consumer, eventId: event.id, detailType: event.detailType, attempts, error });
    await this.journal.deadLetter(unit, letter);
    this.outstanding--;
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.outstanding !== 0) return;
    // Nothing outstanding means every journal entry is done: a long-running
    // bus empties its journal now and then instead of growing it until the
    // next start compacts it.
    if (this.journal.lines >= (this.opts.compactAfterLines ?? JOURNAL_COMPACT_LINES) && this.state === 'open') {
      this.journal.emptyIfIdle(() => this.outstanding === 0);
    }
    this.releaseIdleWaiters();
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Creates and opens a bus. */
export async function openBus(opts: BusOptions): Promise<LocalBus> {
  const bus = new LocalBus(opts);
  await bus.open();
  return bus;
}
