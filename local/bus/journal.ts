/**
 * The bus's durable journal (DATA_DIR/bus.jsonl) and dead-letter file
 * (DATA_DIR/dlq.jsonl). An accepted line is fsync'd before a publish
 * resolves, like PutEvents returning success: an outbox cleared after that
 * loses nothing, even if the process dies. Each (event, consumer) delivery
 * later gets a done line; on open, whatever is not done is handed back for
 * delivery again (at least once: consumers deduplicate by event id) and the
 * journal is rewritten to those entries only.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AppEvent } from '#events/contracts.ts';
import { writeFileDurably } from '../files.ts';
import type { BusLogger, Consumer, Unit } from './delivery.ts';

export const JOURNAL_FILE = 'bus.jsonl';
export const DLQ_FILE = 'dlq.jsonl';
/** A journal with this many lines and nothing outstanding is emptied while running. */
export const JOURNAL_COMPACT_LINES = 10_000;

export type AcceptedLine = { t: 'accepted'; jid: string; at: number; event: AppEvent; consumers: Consumer[] };
type DoneLine = { t: 'done'; jid: string; consumer: Consumer; dead?: true };

export interface DeadLetter {
  event: AppEvent;
  consumer: Consumer;
  /** Message group, for fifo deliveries. */
  group?: string;
  attempts: number;
  error: string;
  at: string;
}

export class BusJournal {
  private readonly journalPath: string;
  private readonly dlqPath: string;
  private handle: fs.FileHandle | undefined;
  /** Journal and DLQ appends, in order. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Lines appended since the journal was last emptied. */
  private appended = 0;

  constructor(
    private readonly dataDir: string,
    private readonly logger: BusLogger,
  ) {
    this.journalPath = path.join(dataDir, JOURNAL_FILE);
    this.dlqPath = path.join(dataDir, DLQ_FILE);
  }

  /**
   * Compacts the journal to the deliveries not done (rewritten durably),
   * opens it for appends, and answers those deliveries with the dead letters
   * of earlier runs.
   */
  async open(): Promise<{ pending: AcceptedLine[]; deadLetters: DeadLetter[] }> {
    await fs.mkdir(this.dataDir, { recursive: true });
    const open = new Map<string, { line: AcceptedLine; remaining: Set<Consumer> }>();
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
      if (line.t === 'accepted') open.set(line.jid, { line, remaining: new Set(line.consumers) });
      else if (line.t === 'done') {
        const p = open.get(line.jid);
        p?.remaining.delete(line.consumer);
        if (p && p.remaining.size === 0) open.delete(line.jid);
      }
    }
    const pending = [...open.values()].map(({ line, remaining }) => ({ ...line, consumers: [...remaining] }));
    await writeFileDurably(this.journalPath, pending.map((l) => JSON.stringify(l) + '\n').join(''));
    this.handle = await fs.open(this.journalPath, 'a');

    const deadLetters: DeadLetter[] = [];
    for (const raw of await readLines(this.dlqPath)) {
      try {
        deadLetters.push(JSON.parse(raw) as DeadLetter);
      } catch {
        torn++;
      }
    }
    if (torn > 0) this.logger.warn('bus: skipped partial journal lines left by a crash', { torn });
    return { pending, deadLetters };
  }

  /** Appends accepted events, fsync'd: resolved means they survive a crash. */
  accept(lines: readonly AcceptedLine[]): Promise<void> {
    return this.append(lines.map((l) => JSON.stringify(l) + '\n').join(''), true);
  }

  /** Marks a delivery done. Not fsync'd: a done line lost in a crash means one more delivery, which consumers absorb. */
  done(unit: Unit): Promise<void> {
    const line: DoneLine = { t: 'done', jid: unit.jid, consumer: unit.consumer };
    return this.append(JSON.stringify(line) + '\n', false);
  }

  /** Records a dead letter, then marks its delivery done. */
  async deadLetter(unit: Unit, letter: DeadLetter): Promise<void> {
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
  }

  /** Lines appended since the journal was last emptied. */
  get lines(): number {
    return this.appended;
  }

  /**
   * Empties the journal, in its turn among the writes, if `stillIdle()` then
   * holds: a publish that starts meanwhile queues its append behind this
   * truncation, and one already counted as outstanding keeps the journal.
   */
  emptyIfIdle(stillIdle: () => boolean): void {
    this.appended = 0;
    void this.enqueueWrite(async () => {
      if (!stillIdle() || !this.handle) return;
      await this.handle.truncate(0);
      await this.handle.sync();
    }).catch((e: unknown) => this.logger.error('bus: journal compaction failed', { error: e as Error }));
  }

  /** Resolves once every write queued so far has finished (failed or not). */
  async flushed(): Promise<void> {
    await this.writes.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flushed();
    await this.handle?.close();
    this.handle = undefined;
  }

  private append(text: string, sync: boolean): Promise<void> {
    return this.enqueueWrite(async () => {
      const h = this.handle;
      if (!h) throw new Error('the bus journal is closed');
      await h.write(text);
      if (sync) await h.sync();
      for (const c of text) if (c === '\n') this.appended++;
    });
  }

  private enqueueWrite(op: () => Promise<void>): Promise<void> {
    const next = this.writes.then(op, op);
    this.writes = next.catch(() => undefined);
    return next;
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
