/**
 * The in-process event bus: the local stand-in for EventBridge, the matcher's
 * SQS FIFO queue and the async invocations of the notifier, with the same
 * routing table (events/routing.ts) and the same delivery guarantees:
 *
 * - `publish` resolves only once the events are in the journal
 *   (DATA_DIR/bus.jsonl, fsync'd), like PutEvents returning success: an
 *   outbox cleared after that loses nothing, even if the process dies.
 * - 'fifo' routes: one message group per `detail[groupBy]` (a market),
 *   delivered serially per group; a round starts no earlier than the round
 *   delay after its oldest event was accepted and takes whatever else the
 *   group has queued by then (up to 10, in order) as one SQS event, so
 *   triggers that arrive together make one round; failed records
 *   (batchItemFailures, or all when the handler throws)
 *   are retried with backoff and block their group meanwhile, as a FIFO queue
 *   does; after the last attempt they go to the dead-letter list.
 * - 'direct' routes: the consumer gets the EventBridge envelope; a throw is
 *   retried with backoff, then dead-lettered.
 * - Each (event, consumer) delivery gets a done line in the journal; on
 *   start, whatever is not done is delivered again (at least once: consumers
 *   deduplicate by event id) and the journal is compacted to those entries.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppHandlers } from '#functions/app.ts';
import type { EventPublisher } from '#functions/ports.ts';
import type { AppEvent } from '#events/contracts.ts';
import { toEnvelope } from '#events/envelope.ts';
import { ROUTES, type Route } from '#events/routing.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, functionNameOf, lambdaContext } from './context.ts';
import { writeFileDurably } from './files.ts';

export const JOURNAL_FILE = 'bus.jsonl';
export const DLQ_FILE = 'dlq.jsonl';
/** A journal with this many lines and nothing outstanding is emptied while running. */
export const JOURNAL_COMPACT_LINES = 10_000;

type Consumer = Route['consumer'];
export type BusConsumers = Pick<AppHandlers, 'matcher' | 'notifier'>;
export type BusLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

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

export interface DeadLetter {
  event: AppEvent;
  consumer: Consumer;
  /** Message group, for fifo deliveries. */
  group?: string;
  attempts: number;
  error: string;
  at: string;
}

/** Journal lines. */
type AcceptedLine = { t: 'accepted'; jid: string; at: number; event: AppEvent; consumers: Consumer[] };
type DoneLine = { t: 'done'; jid: string; consumer: Consumer; dead?: true };

interface Unit {
  jid: string;
  consumer: Consumer;
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

interface FifoGroup {
  name: string;
  queue: FifoMessage[];
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface DirectJob {
  event: AppEvent;
  unit: Unit;
  attempts: number;
  notBefore: number;
}

const defaultBackoff = (attempts: number) => Math.min(500 * 2 ** (attempts - 1), 30_000);

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export class LocalBus implements EventPublisher {
  private readonly journalPath: string;
  private readonly dlqPath: string;
  private readonly routes: readonly Route[];
  private readonly maxAttempts: number;
  private readonly backoff: (attempts: number) => number;
  private readonly maxGroups: number;
  private readonly maxDirect: number;
  private readonly maxBatch: number;

  private journal: fs.FileHandle | undefined;
  /** Journal and DLQ appends, in order. */
  private writes: Promise<unknown> = Promise.resolve();
  private state: 'new' | 'open' | 'stopping' | 'stopped' = 'new';
  private stopped: Promise<void> | undefined;

  private readonly groups = new Map<string, FifoGroup>();
  private readonly groupsWaitingForSlot: string[] = [];
  private activeGroups = 0;
  private readonly directReady: DirectJob[] = [];
  private readonly directTimers = new Set<NodeJS.Timeout>();
  private activeDirect = 0;
  private readonly inflight = new Set<Promise<void>>();
  private sequence = 0n;
  /** Lines appended since the journal was last emptied. */
  private journalLines = 0;

  /** Deliveries accepted and not yet done or dead-lettered, plus publishes being written. */
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly dead: DeadLetter[] = [];

  constructor(private readonly opts: BusOptions) {
    this.journalPath = path.join(opts.dataDir, JOURNAL_FILE);
    this.dlqPath = path.join(opts.dataDir, DLQ_FILE);
    this.routes = opts.routes ?? ROUTES;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.backoff = opts.backoffMs ?? defaultBackoff;
    this.maxGroups = opts.maxConcurrentGroups ?? 4;
    this.maxDirect = opts.maxConcurrentDirect ?? 8;
    this.maxBatch = opts.maxBatchSize ?? 10;
  }

  /**
   * Reads the journal, compacts it to the deliveries not done, loads the
   * dead letters of earlier runs, and starts delivering (replayed entries
   * first). Separate from the constructor so the handlers, which take this
   * bus as their publisher, exist before anything is delivered to them.
   */
  async open(): Promise<void> {
    if (this.state !== 'new') throw new Error('the bus was already opened');
    await fs.mkdir(this.opts.dataDir, { recursive: true });

    const pending = new Map<string, { line: AcceptedLine; remaining: Set<Consumer> }>();
    let torn = 0;
    for (const raw of await readLines(this.journalPath)) {
      let line: AcceptedLine | DoneLine;
      try {
        line = JSON.parse(raw) as AcceptedLine | DoneLine;
      } catch {
        // A crash mid-append leaves a partial last line; its publish never resolved.
        torn++;
        continue;
      }
      if (line.t === 'accepted') pending.set(line.jid, { line, remaining: new Set(line.consumers) });
      else if (line.t === 'done') {
        const p = pending.get(line.jid);
        p?.remaining.delete(line.consumer);
        if (p && p.remaining.size === 0) pending.delete(line.jid);
      }
    }
    const survivors = [...pending.values()].map(({ line, remaining }) => ({ ...line, consumers: [...remaining] }));
    await writeFileDurably(this.journalPath, survivors.map((l) => JSON.stringify(l) + '\n').join(''));
    this.journal = await fs.open(this.journalPath, 'a');

    for (const raw of await readLines(this.dlqPath)) {
      try {
        this.dead.push(JSON.parse(raw) as DeadLetter);
      } catch {
        torn++;
      }
    }
    if (torn > 0) this.opts.logger.warn('bus: skipped partial journal lines left by a crash', { torn });

    this.state = 'open';
    this.enqueue(survivors);
    if (survivors.length > 0) this.opts.logger.info('bus: replaying undelivered events', { events: survivors.length });
  }

  async publish(events: readonly AppEvent[]): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped' || !this.journal) throw new Error('the bus is not open');
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
      await this.append(lines.map((l) => JSON.stringify(l) + '\n').join(''), true);
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
    await this.writes.catch(() => undefined);
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
    for (const g of this.groups.values()) clearTimeout(g.timer);
    for (const t of this.directTimers) clearTimeout(t);
    this.directTimers.clear();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await this.writes.catch(() => undefined);
    await this.journal?.close();
    this.journal = undefined;
    this.state = 'stopped';
    this.releaseIdleWaiters();
  }

  // ------------------------------------------------------------------ intake

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
        const unit = { jid: line.jid, consumer };
        this.outstanding++;
        if (route?.delivery === 'fifo') touched.add(this.enqueueFifo(this.groupOf(line.event, route), line.event, unit, line.at));
        else this.enqueueDirect({ event: line.event, unit, attempts: 0, notBefore: line.at });
      }
    }
    for (const g of touched) this.scheduleGroup(g);
    this.pumpDirect();
  }

  private enqueueFifo(name: string, event: AppEvent, unit: Unit, acceptedAt: number): FifoGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, queue: [], running: false, timer: undefined };
      this.groups.set(name, g);
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

  // ------------------------------------------------------------------ fifo delivery

  private scheduleGroup(g: FifoGroup): void {
    if (this.state !== 'open' || g.running) return;
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
        this.scheduleGroup(g);
      }, wait);
      return;
    }
    if (this.activeGroups >= this.maxGroups) {
      if (!this.groupsWaitingForSlot.includes(g.name)) this.groupsWaitingForSlot.push(g.name);
      return;
    }
    this.runGroup(g);
  }

  private runGroup(g: FifoGroup): void {
    g.running = true;
    this.activeGroups++;
    const now = Date.now();
    const batch: FifoMessage[] = [];
    // The head is due: its round takes whatever else the group has queued
    // (the run takes all the market's waiting needs anyway), in order, but
    // never passes a record still backing off from a failure: FIFO order.
    for (const m of g.queue) {
      if (batch.length >= this.maxBatch || (m.attempts > 0 && m.notBefore > now)) break;
      batch.push(m);
    }
    this.track(
      this.deliverBatch(g, batch).finally(() => {
        g.running = false;
        this.activeGroups--;
        // Groups that were ready while every slot was taken go first.
        while (this.state === 'open' && this.activeGroups < this.maxGroups && this.groupsWaitingForSlot.length > 0) {
          const waiting = this.groups.get(this.groupsWaitingForSlot.shift()!);
          if (waiting) this.scheduleGroup(waiting);
        }
        this.scheduleGroup(g);
      }),
    );
  }

  private async deliverBatch(g: FifoGroup, batch: FifoMessage[]): Promise<void> {
    const receivedAt = Date.now();
    for (const m of batch) {
      m.inFlight = true;
      m.attempts++;
      m.firstReceivedAt ??= receivedAt;
    }
    const event: SQSEvent = { Records: batch.map((m) => this.sqsRecord(g.name, m)) };
    let failed: Set<string>;
    let error = '';
    try {
      const res = await this.opts.consumers.matcher(event, lambdaContext('matcher'));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size > 0) error = 'reported in batchItemFailures';
    } catch (e) {
      failed = new Set(batch.map((m) => m.event.id));
      error = errorText(e);
      this.opts.logger.warn('bus: matcher threw', { group: g.name, records: batch.length, error: e as Error });
    }

    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.event.id)) {
        this.removeMessage(g, m);
        for (const u of m.units) await this.settle(u);
      } else if (m.attempts >= this.maxAttempts) {
        this.removeMessage(g, m);
        for (const u of m.units) await this.deadLetter(u, m.event, m.attempts, error, g.name);
      } else {
        m.notBefore = Date.now() + this.backoff(m.attempts);
        this.opts.logger.info('bus: will retry', { consumer: 'matcher', group: g.name, eventId: m.event.id, attempts: m.attempts });
      }
    }
  }

  private removeMessage(g: FifoGroup, m: FifoMessage): void {
    const i = g.queue.indexOf(m);
    if (i >= 0) g.queue.splice(i, 1);
  }

  private sqsRecord(group: string, m: FifoMessage): SQSRecord {
    const body = JSON.stringify(toEnvelope(m.event, { account: LOCAL_ACCOUNT, region: LOCAL_REGION }));
    return {
      messageId: m.event.id,
      receiptHandle: `local-${randomUUID()}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(m.attempts),
        SentTimestamp: String(m.acceptedAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? Date.now()),
        MessageGroupId: group,
        MessageDeduplicationId: m.event.id,
        SequenceNumber: m.sequence.toString().padStart(20, '0'),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${functionNameOf('matcher')}.fifo`,
      awsRegion: LOCAL_REGION,
    };
  }

  // ------------------------------------------------------------------ direct delivery

  private enqueueDirect(job: DirectJob): void {
    const wait = job.notBefore - Date.now();
    if (wait > 0) {
      const t = setTimeout(() => {
        this.directTimers.delete(t);
        this.directReady.push(job);
        this.pumpDirect();
      }, wait);
      this.directTimers.add(t);
      return;
    }
    this.directReady.push(job);
  }

  private pumpDirect(): void {
    while (this.state === 'open' && this.activeDirect < this.maxDirect && this.directReady.length > 0) {
      const job = this.directReady.shift()!;
      this.activeDirect++;
      this.track(
        this.deliverDirect(job).finally(() => {
          this.activeDirect--;
          this.pumpDirect();
        }),
      );
    }
  }

  private async deliverDirect(job: DirectJob): Promise<void> {
    job.attempts++;
    try {
      if (job.unit.consumer !== 'notifier') throw new Error(`no direct consumer named ${job.unit.consumer}`);
      await this.opts.consumers.notifier(toEnvelope(job.event, { account: LOCAL_ACCOUNT, region: LOCAL_REGION }), lambdaContext('notifier'));
      await this.settle(job.unit);
    } catch (e) {
      if (job.attempts >= this.maxAttempts) {
        await this.deadLetter(job.unit, job.event, job.attempts, errorText(e));
      } else {
        this.opts.logger.info('bus: will retry', { consumer: job.unit.consumer, eventId: job.event.id, attempts: job.attempts, error: e as Error });
        // Not re-queued once stopping: the journal still holds it for the next start.
        if (this.state === 'open') this.enqueueDirect({ ...job, notBefore: Date.now() + this.backoff(job.attempts) });
      }
    }
  }

  // ------------------------------------------------------------------ bookkeeping

  private track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => this.opts.logger.error('bus: delivery bookkeeping failed', { error: e as Error }));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  private async settle(unit: Unit): Promise<void> {
    const line: DoneLine = { t: 'done', jid: unit.jid, consumer: unit.consumer };
    // Not fsync'd: a done line lost in a crash means one more delivery, which consumers absorb.
    await this.append(JSON.stringify(line) + '\n', false);
    this.outstanding--;
    this.checkIdle();
  }

  private async deadLetter(unit: Unit, event: AppEvent, attempts: number, error: string, group?: string): Promise<void> {
    const letter: DeadLetter = { event, consumer: unit.consumer, attempts, error, at: new Date().toISOString(), ...(group ? { group } : {}) };
    this.dead.push(letter);
    this.opts.logger.error('bus: dead-lettered', { consumer: unit.consumer, eventId: event.id, detailType: event.detailType, attempts, error });
    // The DLQ line is the only copy once the done line is written: it goes first, fsync'd.
    await this.enqueueWrite(async () => {
      const h = await fs.open(this.dlqPath, 'a');
      try {
        await h.write(JSON.stringify(letter) + '\n');
        await h.sync();
      } finally {
        await h.close();
      }
    });
    const line: DoneLine = { t: 'done', jid: unit.jid, consumer: unit.consumer, dead: true };
    await this.append(JSON.stringify(line) + '\n', false);
    this.outstanding--;
    this.checkIdle();
  }

  private append(text: string, sync: boolean): Promise<void> {
    return this.enqueueWrite(async () => {
      const h = this.journal;
      if (!h) throw new Error('the bus journal is closed');
      await h.write(text);
      if (sync) await h.sync();
      for (const c of text) if (c === '\n') this.journalLines++;
    });
  }

  private enqueueWrite(op: () => Promise<void>): Promise<void> {
    const next = this.writes.then(op, op);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private checkIdle(): void {
    if (this.outstanding !== 0) return;
    // Nothing outstanding means every journal entry is done: a long-running
    // bus empties its journal now and then instead of growing it until the
    // next start compacts it. A publish that starts meanwhile queues its
    // append behind this truncation (outstanding rises before it appends).
    if (this.journalLines >= (this.opts.compactAfterLines ?? JOURNAL_COMPACT_LINES) && this.state === 'open') {
      this.journalLines = 0;
      void this.enqueueWrite(async () => {
        if (this.outstanding !== 0 || !this.journal) return;
        await this.journal.truncate(0);
        await this.journal.sync();
      }).catch((e: unknown) => this.opts.logger.error('bus: journal compaction failed', { error: e as Error }));
    }
    this.releaseIdleWaiters();
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l.trim().length > 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Creates and opens a bus. */
export async function openBus(opts: BusOptions): Promise<LocalBus> {
  const bus = new LocalBus(opts);
  await bus.open();
  return bus;
}
