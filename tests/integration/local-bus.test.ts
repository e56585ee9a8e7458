/**
 * The in-process bus: delivery by the routing table, FIFO semantics per
 * market (serial per group, the round delay, batching, partial batch
 * failures), retries then the dead-letter list, and durability: the journal
 * holds every accepted event until it is delivered, and a new bus over the
 * same directory delivers what a stopped or crashed one did not.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceTypeId } from '#domain/catalog.ts';
import { DETAIL_TYPES, EVENT_SOURCE, makeEvent, type AppEvent } from '#events/contracts.ts';
import { ROUTES } from '#events/routing.ts';
import { DLQ_FILE, JOURNAL_FILE, LocalBus, openBus, type BusOptions } from '#local/bus.ts';

const logger = new Logger({ serviceName: 'local-bus-test', logLevel: 'SILENT' });
const iso = () => new Date().toISOString();

const needPosted = (n: number, serviceType: ServiceTypeId = 'cloud-migration') =>
  makeEvent('NeedPosted', `nd-${n}`, 1, { serviceType, occurredAt: iso(), needId: `nd-${n}`, smeId: 'sm-1' });

const matchEvent = (detailType: 'MatchApproved' | 'MatchRejected' | 'MatchProposed', n: number, serviceType: ServiceTypeId = 'energy-audit') =>
  makeEvent(detailType, `mt-${n}`, 2, {
    serviceType,
    occurredAt: iso(),
    matchId: `mt-${n}`,
    needId: `nd-${n}`,
    offeringId: 'of-1',
    providerId: 'pr-1',
    smeId: 'sm-1',
    smeOwnerSub: 'sme-sub',
    providerOwnerSub: 'provider-sub',
    status: detailType === 'MatchApproved' ? 'APPROVED' : detailType === 'MatchRejected' ? 'REJECTED' : 'PROPOSED',
    period: '2026-01',
  });

interface Batch {
  at: number;
  group: string;
  ids: string[];
  receiveCounts: string[];
  event: SQSEvent;
}

/** Consumers that record what they receive; their behaviour is replaceable per test. */
function recorder() {
  const r = {
    batches: [] as Batch[],
    notified: [] as Array<{ at: number; envelope: EventBridgeEvent<string, unknown> }>,
    matcher: async (_event: SQSEvent): Promise<SQSBatchResponse> => ({ batchItemFailures: [] }),
    notifier: async (_event: EventBridgeEvent<string, unknown>): Promise<void> => undefined,
    consumers: {
      matcher: async (event: SQSEvent) => {
        r.batches.push({
          at: Date.now(),
          group: event.Records[0]!.attributes.MessageGroupId!,
          ids: event.Records.map((x) => x.messageId),
          receiveCounts: event.Records.map((x) => x.attributes.ApproximateReceiveCount),
          event,
        });
        return r.matcher(event);
      },
      notifier: async (envelope: EventBridgeEvent<string, unknown>) => {
        r.notified.push({ at: Date.now(), envelope });
        return r.notifier(envelope);
      },
      // The voucher ledger and the KPI counters hear match events too; these tests are about the notifier and matcher.
      voucherLedger: async (_envelope: EventBridgeEvent<string, unknown>) => undefined,
      kpi: async (_envelope: EventBridgeEvent<string, unknown>) => undefined,
    },
  };
  return r;
}

let dir: string;
const buses: LocalBus[] = [];

async function bus(rec: ReturnType<typeof recorder>, opts: Partial<BusOptions> = {}): Promise<LocalBus> {
  const b = await openBus({ dataDir: dir, consumers: rec.consumers, logger, roundDelayMs: 0, backoffMs: () => 5, ...opts });
  buses.push(b);
  return b;
}

async function journalLines(): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-bus-'));
});

afterEach(async () => {
  for (const b of buses.splice(0)) await b.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('routing', () => {
  it('sends market events to the matcher as an SQS FIFO batch, match events to the notifier as EventBridge envelopes', async () => {
    const rec = recorder();
    const b = await bus(rec);
    const posted = needPosted(1, 'cloud-migration');
    const approved = matchEvent('MatchApproved', 1);
    await b.publish([posted, approved]);
    await b.idle();

    expect(rec.batches).toHaveLength(1);
    const record = rec.batches[0]!.event.Records[0]!;
    expect(rec.batches[0]!.event.Records).toHaveLength(1);
    expect(record.messageId).toBe(posted.id);
    expect(record.eventSource).toBe('aws:sqs');
    expect(record.attributes).toMatchObject({ MessageGroupId: 'cloud-migration', ApproximateReceiveCount: '1', MessageDeduplicationId: posted.id });
    expect(JSON.parse(record.body)).toEqual({
      version: '0',
      id: posted.id,
      'detail-type': 'NeedPosted',
      source: EVENT_SOURCE,
      account: expect.any(String),
      time: posted.detail.occurredAt,
      region: expect.any(String),
      resources: [],
      detail: posted.detail,
    });

    expect(rec.notified).toHaveLength(1);
    expect(rec.notified[0]!.envelope).toMatchObject({ id: approved.id, 'detail-type': 'MatchApproved', source: EVENT_SOURCE, detail: approved.detail });
  });

  it('delivers an event of two routes to both consumers, and accepts an event no route wants without delivering it', async () => {
    const rec = recorder();
    const b = await bus(rec);
    const rejected = matchEvent('MatchRejected', 2);
    // A detail type the routing table gives no consumer (read from the table, so routing one later keeps this test honest).
    const unwanted = DETAIL_TYPES.find((t) => !ROUTES.some((r) => r.detailTypes.includes(t)));
    expect(unwanted, 'every detail type is routed: no event to publish unwanted').toBeDefined();
    const ignored = { ...matchEvent('MatchApproved', 3), id: `ignored-${unwanted}`, detailType: unwanted! } as AppEvent;
    await b.publish([rejected, ignored]);
    await b.idle();
    expect(rec.batches.map((x) => x.ids)).toEqual([[rejected.id]]);
    expect(rec.batches[0]!.group).toBe('energy-audit');
    expect(rec.notified.map((n) => n.envelope.id)).toEqual([rejected.id]);
    // EventBridge drops an event no rule matches: the journal keeps nothing of it.
    expect((await journalLines()).some((l) => JSON.stringify(l).includes(ignored.id))).toBe(false);
  });

  it('refuses (throws, journals nothing) a market event without the detail field it is grouped by', async () => {
    const rec = recorder();
    const b = await bus(rec);
    const bad = needPosted(4);
    delete (bad.detail as Partial<typeof bad.detail>).serviceType;
    await expect(b.publish([needPosted(5), bad])).rejects.toThrow(/serviceType/);
    expect(await journalLines()).toEqual([]);
  });
});

describe('fifo delivery', () => {
  it('waits the round delay from acceptance, then takes everything queued for the group as one batch, in order', async () => {
    const rec = recorder();
    // Long enough that the fourth publish lands inside the wait even on a loaded machine.
    const b = await bus(rec, { roundDelayMs: 400 });
    const events = [needPosted(1), needPosted(2), needPosted(3), needPosted(4)];
    const before = Date.now();
    await b.publish(events.slice(0, 2));
    await b.publish(events.slice(2, 3));
    await sleep(60);
    expect(rec.batches).toHaveLength(0);
    // Accepted while the round waits: rides along, as the run takes all waiting needs anyway.
    await b.publish(events.slice(3));
    await b.idle();
    expect(rec.batches).toHaveLength(1);
    expect(rec.batches[0]!.at - before).toBeGreaterThanOrEqual(399);
    expect(rec.batches[0]!.ids).toEqual(events.map((e) => e.id));
  });

  it('gives an event accepted after a round its own full delay', async () => {
    const rec = recorder();
    const b = await bus(rec, { roundDelayMs: 100 });
    const first = needPosted(1);
    const second = needPosted(2);
    await b.publish([first]);
    await b.idle();
    const secondAccepted = Date.now();
    await b.publish([second]);
    await b.idle();
    expect(rec.batches.map((x) => x.ids)).toEqual([[first.id], [second.id]]);
    expect(rec.batches[1]!.at - secondAccepted).toBeGreaterThanOrEqual(99);
  });

  it('runs one batch at a time per group while different groups run concurrently', async () => {
    const rec = recorder();
    const active = new Map<string, number>();
    const maxActive = new Map<string, number>();
    let overall = 0;
    let maxOverall = 0;
    rec.matcher = async (event) => {
      const g = event.Records[0]!.attributes.MessageGroupId!;
      active.set(g, (active.get(g) ?? 0) + 1);
      maxActive.set(g, Math.max(maxActive.get(g) ?? 0, active.get(g)!));
      maxOverall = Math.max(maxOverall, ++overall);
      await sleep(30);
      active.set(g, active.get(g)! - 1);
      overall--;
      return { batchItemFailures: [] };
    };
    const b = await bus(rec, { maxBatchSize: 1 });
    const markets: ServiceTypeId[] = ['cloud-migration', 'energy-audit', 'industrial-design'];
    await b.publish(markets.flatMap((m, i) => [needPosted(i * 10 + 1, m), needPosted(i * 10 + 2, m), needPosted(i * 10 + 3, m)]));
    await b.idle();

    expect(rec.batches).toHaveLength(9);
    for (const m of markets) expect(maxActive.get(m)).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
    // Within a group, in publish order.
    for (const [i, m] of markets.entries()) {
      expect(rec.batches.filter((x) => x.group === m).map((x) => x.ids[0])).toEqual([1, 2, 3].map((k) => needPosted(i * 10 + k, m).id));
    }
  });

  it('retries only the records reported in batchItemFailures', async () => {
    const rec = recorder();
    const [a, bEvent, c] = [needPosted(1), needPosted(2), needPosted(3)];
    let calls = 0;
    rec.matcher = async () => (++calls === 1 ? { batchItemFailures: [{ itemIdentifier: bEvent.id }] } : { batchItemFailures: [] });
    const b = await bus(rec);
    await b.publish([a, bEvent, c]);
    await b.idle();
    expect(rec.batches.map((x) => x.ids)).toEqual([[a.id, bEvent.id, c.id], [bEvent.id]]);
    expect(rec.batches[1]!.receiveCounts).toEqual(['2']);
    expect(b.deadLetters()).toEqual([]);
  });

  it('retries a throwing matcher with backoff up to 5 attempts, then dead-letters the records', async () => {
    const rec = recorder();
    rec.matcher = async () => {
      throw new Error('matcher down');
    };
    const b = await bus(rec, { backoffMs: (n) => 10 * n });
    const e = needPosted(1);
    const started = Date.now();
    await b.publish([e]);
    await b.idle();

    expect(rec.batches.map((x) => x.receiveCounts[0])).toEqual(['1', '2', '3', '4', '5']);
    // Backoff between attempts: 10 + 20 + 30 + 40 ms at least.
    expect(rec.batches[4]!.at - started).toBeGreaterThanOrEqual(100);
    expect(b.deadLetters()).toEqual([
      expect.objectContaining({ event: e, consumer: 'matcher', group: 'cloud-migration', attempts: 5, error: expect.stringContaining('matcher down') }),
    ]);
    const dlq = (await fs.readFile(path.join(dir, DLQ_FILE), 'utf8')).trim().split('\n');
    expect(dlq).toHaveLength(1);
    expect(JSON.parse(dlq[0]!)).toMatchObject({ event: { id: e.id }, consumer: 'matcher', attempts: 5 });
  });

  it('holds the rest of a group while a failed record waits for its retry (FIFO order)', async () => {
    const rec = recorder();
    const first = needPosted(1);
    const second = needPosted(2);
    let calls = 0;
    rec.matcher = async () => {
      calls++;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: first.id }] } : { batchItemFailures: [] };
    };
    const b = await bus(rec, { backoffMs: () => 300 });
    await b.publish([first]);
    await sleep(20);
    await b.publish([second]);
    await b.idle();
    expect(rec.batches.map((x) => x.ids)).toEqual([[first.id], [first.id, second.id]]);
  });

  it('treats a re-publish of a queued event as the same message', async () => {
    const rec = recorder();
    const b = await bus(rec, { roundDelayMs: 50 });
    const e = needPosted(1);
    await b.publish([e]);
    await b.publish([e]);
    await b.idle();
    expect(rec.batches.map((x) => x.ids)).toEqual([[e.id]]);
    await b.stop();
    // Both journal entries were settled by the one delivery.
    const again = recorder();
    await bus(again);
    expect(await journalLines()).toEqual([]);
  });
});

describe('direct delivery', () => {
  it('retries a throwing notifier, then dead-letters after 5 attempts', async () => {
    const rec = recorder();
    let failures = 2;
    rec.notifier = async () => {
      if (failures-- > 0) throw new Error('inbox table busy');
    };
    const b = await bus(rec);
    const ok = matchEvent('MatchApproved', 1);
    await b.publish([ok]);
    await b.idle();
    expect(rec.notified).toHaveLength(3);
    expect(b.deadLetters()).toEqual([]);

    rec.notifier = async () => {
      throw new Error('always');
    };
    const doomed = matchEvent('MatchApproved', 2);
    await b.publish([doomed]);
    await b.idle();
    expect(rec.notified.filter((n) => n.envelope.id === doomed.id)).toHaveLength(5);
    expect(b.deadLetters()).toEqual([expect.objectContaining({ consumer: 'notifier', attempts: 5, event: doomed })]);
  });
});

describe('durability', () => {
  it('has the event in the journal by the time publish resolves', async () => {
    const rec = recorder();
    const b = await bus(rec, { roundDelayMs: 60_000 });
    const e = needPosted(1);
    await b.publish([e]);
    const lines = await journalLines();
    expect(lines).toEqual([expect.objectContaining({ t: 'accepted', event: e, consumers: ['matcher'] })]);
  });

  it('delivers after a restart what a stopped bus had accepted but not delivered, then compacts the journal', async () => {
    const first = recorder();
    // The matcher's round is far off; the notifier fails its first attempt and waits a long backoff.
    first.notifier = async () => {
      throw new Error('not now');
    };
    const b1 = await bus(first, { roundDelayMs: 60_000, backoffMs: () => 60_000 });
    const events = [needPosted(1), needPosted(2, 'energy-audit'), matchEvent('MatchRejected', 3)];
    await b1.publish(events);
    await sleep(20);
    await b1.stop();
    expect(first.batches).toHaveLength(0);
    expect(first.notified).toHaveLength(1);
    await expect(b1.publish([needPosted(9)])).rejects.toThrow();

    // A new bus over the same directory, as after a restart; the delay has long "passed" for nothing, so use 0.
    const second = recorder();
    const b2 = await bus(second);
    await b2.idle();
    expect(second.batches.flatMap((x) => x.ids).sort()).toEqual([events[0]!.id, events[1]!.id, events[2]!.id].sort());
    expect(second.notified.map((n) => n.envelope.id)).toEqual([events[2]!.id]);
    await b2.stop();

    const third = recorder();
    const b3 = await bus(third);
    await b3.idle();
    expect(third.batches).toHaveLength(0);
    expect(third.notified).toHaveLength(0);
    expect(await journalLines()).toEqual([]);
  });

  it('survives a crash mid-append: a torn last line is skipped, the intact entries are delivered', async () => {
    const rec = recorder();
    const b1 = await bus(rec, { roundDelayMs: 60_000 });
    const e = needPosted(1);
    await b1.publish([e]);
    await b1.stop();
    await fs.appendFile(path.join(dir, JOURNAL_FILE), '{"t":"accepted","jid":"x","at":1,"event":{"id":"tor');

    const after = recorder();
    const b2 = await bus(after);
    await b2.idle();
    expect(after.batches.flatMap((x) => x.ids)).toEqual([e.id]);
  });

  it('redelivers an event whose delivery was under way when the process died (at least once)', async () => {
    const rec = recorder();
    const b1 = await bus(rec);
    const e = needPosted(1);
    await b1.publish([e]);
    await b1.idle();
    // Simulate dying after the handler ran but before its done line reached the disk.
    const lines = await journalLines();
    const accepted = lines.filter((l) => l.t === 'accepted');
    await b1.stop();
    await fs.writeFile(path.join(dir, JOURNAL_FILE), accepted.map((l) => JSON.stringify(l) + '\n').join(''));

    const after = recorder();
    const b2 = await bus(after);
    await b2.idle();
    expect(after.batches.flatMap((x) => x.ids)).toEqual([e.id]);
  });

  it('empties the journal while running once everything in it is done', async () => {
    const rec = recorder();
    const b = await bus(rec, { compactAfterLines: 4, roundDelayMs: 50 });
    await b.publish([needPosted(1), needPosted(2)]);
    await b.idle();
    // 2 accepted + 2 done lines reached the threshold with nothing outstanding.
    expect(await journalLines()).toEqual([]);
    const next = needPosted(3);
    await b.publish([next]);
    expect(await journalLines()).toEqual([expect.objectContaining({ t: 'accepted', event: next })]);
    await b.idle();
    expect(rec.batches.flatMap((x) => x.ids)).toHaveLength(3);
  });

  it('keeps the dead letters of earlier runs, without redelivering them', async () => {
    const rec = recorder();
    rec.notifier = async () => {
      throw new Error('down');
    };
    const b1 = await bus(rec);
    const e = matchEvent('MatchApproved', 1);
    await b1.publish([e]);
    await b1.idle();
    await b1.stop();

    const after = recorder();
    const b2 = await bus(after);
    await b2.idle();
    expect(after.notified).toHaveLength(0);
    expect(b2.deadLetters()).toEqual([expect.objectContaining({ event: e, consumer: 'notifier' })]);
  });

  it('stop waits for an in-flight delivery and journals what it publishes, for the next start', async () => {
    const rec = recorder();
    let b1!: LocalBus;
    const followUp = needPosted(2, 'energy-audit');
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let finished = false;
    rec.matcher = async () => {
      entered();
      await sleep(50);
      // A matcher run publishes while the bus is stopping: accepted, kept for later.
      await b1.publish([followUp]);
      finished = true;
      return { batchItemFailures: [] };
    };
    b1 = await bus(rec);
    await b1.publish([needPosted(1)]);
    await inHandler;
    await b1.stop();
    expect(finished).toBe(true);
    expect(rec.batches).toHaveLength(1);

    const after = recorder();
    const b2 = await bus(after);
    await b2.idle();
    expect(after.batches.flatMap((x) => x.ids)).toEqual([followUp.id]);
  });
});

describe('idle', () => {
  it('waits for events that deliveries publish in turn', async () => {
    const rec = recorder();
    let b!: LocalBus;
    const chained: AppEvent[] = [];
    rec.matcher = async (event) => {
      if (chained.length === 0) {
        const next = matchEvent('MatchRejected', 7);
        chained.push(next);
        await b.publish([next]);
      }
      void event;
      return { batchItemFailures: [] };
    };
    b = await bus(rec, { roundDelayMs: 20 });
    await b.publish([needPosted(1)]);
    await b.idle();
    expect(rec.batches).toHaveLength(2);
    expect(rec.notified.map((n) => n.envelope.id)).toEqual([chained[0]!.id]);
  });
});
