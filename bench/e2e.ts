/**
 * End to end in the local runtime: needs posted over HTTP at a sustained
 * rate, each timed from the POST's response to its match being PROPOSED, and
 * the DynamoDB capacity consumed per matched need.
 *
 * Which process runs what: this process runs the load generator, the local
 * gateway, the handlers and the bus; dynalite runs in a child process of the
 * runtime (local/dynalite-process.ts, the runtime's default; LOCAL_DYNALITE=inline
 * puts it back in this process, for comparison), on the other core. Both
 * processes' CPU is reported. The runtime: a temp data dir, no
 * demo data, the default round delay. Nothing in local/ or functions/
 * changes: the runtime's
 * `buildHandlers` option, meant for tests to wrap the handlers, is where the
 * benchmark attaches its instruments:
 *
 * - the store the handlers get is a second Store over the same dynalite,
 *   through a document client of its own carrying the capacity-meter
 *   middleware (so every call asks for ReturnConsumedCapacity TOTAL) and
 *   whose `send` feeds the CapacityLedger;
 * - the publisher the handlers get forwards to the runtime's bus and notes
 *   when each MatchProposed is published: the matcher publishes it right
 *   after writing the PROPOSED match (the need was locked PROPOSED just
 *   before), so that instant is when the SME can see the proposal. This is
 *   exact and costs nothing, where polling GET /v1/needs/{id} would add HTTP
 *   requests and read units to the very figures being measured, and would
 *   only see the change to within its polling interval;
 * - the matcher handler is wrapped to note when each market round is due
 *   (the oldest record's SentTimestamp, which the bus sets to the time the
 *   event was accepted, plus the round delay) and when it ran.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SQSEvent } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServiceTypeId } from '#domain/catalog.ts';
import type { ProvinceCode } from '#domain/regions.ts';
import { makeUscc } from '#domain/uscc.ts';
import type { AppEvent, MatchDetail } from '#events/contracts.ts';
import { buildHandlers, type AppHandlers } from '#functions/app.ts';
import type { AppPorts, EventPublisher } from '#functions/ports.ts';
import { makeDocumentClient } from '#functions/store/client.ts';
import { installCapacityMeter } from '#functions/store/metering.ts';
import { runExpiry } from '#functions/usecases/jobs.ts';
import { RECHECK_AFTER_MINUTES } from '#functions/usecases/matcher.ts';
import { Store } from '#functions/store/store.ts';
import { CHILD_ARG } from '#local/dynalite-process.ts';
import { defaultMode, MODE_VARIABLE } from '#local/dynamo.ts';
import { startRuntime, type Runtime } from '#local/runtime.ts';
import { CapacityLedger, UnitMeter, type LedgerSnapshot } from './capacity.ts';
import { percentiles, round, type Percentiles } from './stats.ts';

export interface E2eOptions {
  /** 15 s of posting instead of 60 s. */
  quick?: boolean;
  /**
   * Needs posted per second. @default 8: the load generator, gateway and
   * handlers share this process's event loop and dynalite has the child's
   * (~60-80 ms of CPU per need between them), so 20/s saturates a 2-core
   * machine and then measures queueing, not processing. 8/s is a sustained
   * rate it keeps up with.
   */
  rate?: number;
  /** Seconds of posting. @default 15 with quick, else 60 */
  durationS?: number;
  /** Progress lines. @default none */
  log?: (line: string) => void;
}

/** Four markets, one per key project but INTERNATIONAL (its needs name foreign markets, which only some offerings serve). */
const MARKETS: ReadonlyArray<{ serviceType: ServiceTypeId; kind: string }> = [
  { serviceType: 'energy-audit', kind: 'GREEN_AUDIT_FIRM' },
  { serviceType: 'cloud-migration', kind: 'TRUSTED_DIGITAL_PROVIDER' },
  { serviceType: 'ip-fast-examination', kind: 'IP_PROTECTION_CENTRE' },
  { serviceType: 'industrial-design', kind: 'INDUSTRIAL_DESIGN_CENTRE' },
];
const OFFERINGS_PER_MARKET = 4;
/** At least this many SMEs; more when the run posts more needs than their open-need quotas allow (smesFor). */
const SME_COUNT = 40;
const PROVINCES = ['CN-GD', 'CN-SC', 'CN-ZJ', 'CN-HB', 'CN-SN', 'CN-AH', 'CN-GX', 'CN-BJ'];
const SIZES = ['MICRO', 'SMALL', 'MEDIUM'] as const;
const TIERS = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const;
/** Requests verifying the end state at once. */
const VERIFY_CONCURRENCY = 8;

export interface E2eResult {
  setup: {
    rate: number;
    durationS: number;
    roundDelayMs: number;
    markets: string[];
    offeringsPerMarket: number;
    capacityPerOffering: number;
    smes: number;
    idempotencyKeys: boolean;
    /** Which process runs what. */
    processes: { bench: string; dynalite: string };
  };
  posted: number;
  failedPosts: number;
  /** Failed POSTs by HTTP status (or error name): 5xx under overload are the HTTP edge's timeout answers (functions/http/api.ts). */
  failedByStatus: Record<string, number>;
  achievedRate: number;
  /** Worst delay of a POST behind its schedule (open loop: posting never waits for earlier requests). */
  maxSendLagMs: number;
  /** CPU time of this process (load generator, gateway, handlers, bus) per attempted POST, over the window. */
  cpuMsPerNeed: number;
  /** CPU time of the dynalite child process per attempted POST, over the window; null where /proc cannot say (not Linux). */
  dynaliteCpuMsPerNeed: number | null;
  /** 1-minute load average when the window opened and closed: other processes on the machine slow every figure here. */
  loadAverage: { start: number; end: number; cpus: number };
  /** Whether the bus went idle (notifications and clean-ups done) within 30 s of the last proposal wait. */
  drained: boolean;
  proposed: number;
  /** Posted needs with no MatchProposed by the end of the wait. */
  notProposed: number;
  /** GET /v1/needs/{id} of every posted need after the run: how many were PROPOSED (with their match). */
  verifiedProposed: number;
  postMs: Percentiles;
  /** POST response -> MatchProposed published. */
  latencyMs: Percentiles;
  /** The same minus the round delay: negative for needs that joined a round an earlier need had scheduled. */
  latencyMinusDelayMs: Percentiles;
  /** MatchProposed published -> when its market round was due (oldest trigger accepted + round delay): the local processing after the round delay. */
  afterRoundDueMs: Percentiles;
  rounds: {
    count: number;
    /** Round start - round due: timer slack and waiting for a free group slot. */
    startLagMs: Percentiles;
    /** The matcher handler's duration. */
    durationMs: Percentiles;
    /** Needs proposed per round, among rounds that proposed any. */
    proposedPerRound: Percentiles;
  };
  capacity: {
    /** Needs proposed in the window, including any whose POST failed after making the need. */
    matchedNeeds: number;
    read: number;
    write: number;
    readPerMatched: number;
    writePerMatched: number;
    /** Estimated DynamoDB index write units (dynalite reports none). */
    gsiWriteEstimate: number;
    gsiWritePerMatched: number;
    writeInclGsiPerMatched: number;
    /** Table write units recomputed with DynamoDB's size rules (dynalite sizes strings in UTF-16 units). */
    tableWriteEstimatePerMatched: number;
    ledger: LedgerSnapshot;
    /** Whether the ledger's sum of reported units equals the store meter's. */
    ledgerMatchesMeter: boolean;
  };
  wallMs: number;
}

interface Proposal {
  at: number;
  epoch: number;
  dueEpoch: number | undefined;
}

interface RoundRecord {
  group: string;
  dueEpoch: number;
  startEpoch: number;
  endEpoch: number;
  proposed: number;
}

/**
 * SMEs enough that no POST of the run meets an open-need quota (a PROPOSED
 * need is still open, so every need of the run counts): need i is posted by
 * SME floor(i / markets) mod n in market i mod markets, so each SME posts one
 * need per market in turn. The limits are the runtime's own configuration
 * (QUOTA_OPEN_NEEDS_PER_SME and ..._AND_TYPE, their defaults unless the
 * environment sets them); the bench does not lower or raise them.
 */
export function smesFor(total: number, quota: { perSme: number; perSmeAndType: number }): number {
  const rounds = Math.ceil(total / MARKETS.length);
  const roundsPerSme = Math.max(1, Math.min(quota.perSmeAndType, Math.floor(quota.perSme / MARKETS.length)));
  return Math.max(SME_COUNT, Math.ceil(rounds / roundsPerSme));
}

/** The SME and market of the run's i-th need (see smesFor). */
export const postedBy = (i: number, smes: number) => ({ sme: Math.floor(i / MARKETS.length) % smes, market: i % MARKETS.length });

/**
 * CPU milliseconds of this process's dynalite child so far (utime + stime
 * from /proc), or null where /proc cannot say: the child is found by the
 * argument local/dynamo.ts starts it with.
 */
async function dynaliteChildCpuMs(): Promise<number | null> {
  try {
    const tids = await fs.readdir('/proc/self/task');
    const pids = new Set<string>();
    for (const tid of tids) {
      for (const pid of (await fs.readFile(`/proc/self/task/${tid}/children`, 'utf8')).split(/\s+/)) if (pid) pids.add(pid);
    }
    for (const pid of pids) {
      const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      if (!cmdline.includes(CHILD_ARG)) continue;
      // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the 14th, stime the 15th.
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks();
    }
    return null;
  } catch {
    return null;
  }
}

let ticks: number | undefined;
/** Clock ticks per second of /proc's CPU times (100 on Linux almost everywhere). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runE2eBench(opts: E2eOptions = {}): Promise<E2eResult> {
  const log = opts.log ?? (() => undefined);
  const rate = opts.rate ?? 8;
  const durationS = opts.durationS ?? (opts.quick ? 20 : 60);
  const total = Math.round(rate * durationS);
  // Room for every need with a wide margin: the run measures matching, not scarcity.
  const capacityPerOffering = Math.min(100_000, Math.ceil(total / MARKETS.length) * 2);
  const wallStart = performance.now();

  const meter = new UnitMeter();
  const ledger = new CapacityLedger();
  const proposals = new Map<string, Proposal>();
  const rounds: RoundRecord[] = [];
  const currentRound = new Map<string, RoundRecord>();
  let roundDelayMs = 0;
  let doc: DynamoDBDocumentClient | undefined;

  /** Notes each MatchProposed the first time it goes out (the relay may publish one again). */
  const tap = (inner: EventPublisher): EventPublisher => ({
    publish: async (events: readonly AppEvent[]) => {
      const at = performance.now();
      const epoch = Date.now();
      for (const e of events) {
        if (e.detailType !== 'MatchProposed') continue;
        const d = e.detail as MatchDetail;
        if (proposals.has(d.needId)) continue;
        const r = currentRound.get(d.serviceType);
        if (r) r.proposed++;
        proposals.set(d.needId, { at, epoch, dueEpoch: r?.dueEpoch });
      }
      await inner.publish(events);
    },
  });

  // The runtime may build the handlers once per function (as each Lambda has
  // its own): the store and publisher are made once and shared, so one
  // client is metered and closed.
  let shared: { store: Store; publisher: EventPublisher } | undefined;
  let basePorts: AppPorts | undefined;
  const instrumented = (ports: AppPorts): AppHandlers => {
    basePorts ??= ports;
    if (!shared) {
      roundDelayMs = ports.config.ROUND_DELAY_MS;
      doc = makeDocumentClient({ endpoint: ports.config.DYNAMODB_ENDPOINT });
      installCapacityMeter(doc, meter);
      ledger.attach(doc);
      shared = {
        store: new Store(doc, ports.config.TABLE_NAME, ports.config.CURSOR_SECRET, { clock: ports.clock }),
        publisher: tap(ports.publisher),
      };
    }
    const app = buildHandlers({ ...ports, ...shared });
    return {
      ...app,
      matcher: async (event: SQSEvent, context) => {
        const group = event.Records[0]?.attributes.MessageGroupId ?? 'none';
        const sent = Math.min(...event.Records.map((r) => Number(r.attributes.SentTimestamp)));
        const rec: RoundRecord = { group, dueEpoch: sent + roundDelayMs, startEpoch: Date.now(), endEpoch: 0, proposed: 0 };
        // One round at a time per market (FIFO message group), so the market names the round in progress.
        currentRound.set(group, rec);
        rounds.push(rec);
        try {
          return await app.matcher(event, context);
        } finally {
          rec.endEpoch = Date.now();
        }
      },
    };
  };

  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sme-bench-e2e-'));
  let rt: Runtime | undefined;
  try {
    // Logs at WARN: one INFO line per request and per round would cost more than some of what is measured.
    rt = await startRuntime({ dataDir, port: 0, demo: false, logLevel: 'WARN', buildHandlers: instrumented });
    const runtime = rt;
    const base = runtime.url;

    const call = async (token: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const must = async (what: string, r: Promise<{ status: number; body: Record<string, unknown> }>) => {
      const res = await r;
      if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };

    // ---------------------------------------------------------------- setup (not measured)
    const { token: operatorToken } = await runtime.issueToken('operator');
    const smeCount = smesFor(total, {
      perSme: runtime.config.QUOTA_OPEN_NEEDS_PER_SME,
      perSmeAndType: runtime.config.QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE,
    });
    log(`e2e: setting up ${MARKETS.length} markets x ${OFFERINGS_PER_MARKET} offerings, ${smeCount} SMEs`);
    for (const [mi, m] of MARKETS.entries()) {
      for (let k = 0; k < OFFERINGS_PER_MARKET; k++) {
        const { token } = await runtime.issueToken('provider');
        const p = await must(
          'create provider',
          call(token, 'POST', '/v1/providers', {
            name: `Bench provider ${mi}-${k}`,
            kind: m.kind,
            regions: PROVINCES,
            languages: ['zh-CN', 'en'],
            certifications: [
              ...(k % 2 === 0 ? [{ type: 'CMA', number: `CMA-${mi}-${k}`, validUntil: '2099-12-31' }] : []),
              // The designated kind needs its designation to be approved.
              ...(m.kind === 'IP_PROTECTION_CENTRE' ? [{ type: 'CNIPA_DESIGNATION', number: `CNIPA-${mi}-${k}`, validUntil: '2099-12-31' }] : []),
            ],
          }),
        );
        await must('approve provider', call(operatorToken, 'POST', `/v1/providers/${String(p.id)}/approve`));
        await must(
          'create offering',
          call(token, 'POST', `/v1/providers/${String(p.id)}/offerings`, {
            serviceType: m.serviceType,
            title: `Bench offering ${mi}-${k}`,
            // Each offering serves half the provinces on site and everyone remotely: the pairs differ in fit.
            regions: PROVINCES.filter((_, i) => (i + k) % 2 === 0),
            remote: true,
            languages: ['zh-CN', 'en'],
            capacityPerMonth: capacityPerOffering,
            priceMin: 1000 * (k + 1),
            priceMax: 5000 * (k + 1),
            publicWelfare: k === 0,
            leadTimeDays: 0,
          }),
        );
      }
    }
    const smes: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < smeCount; i++) {
      const { token } = await runtime.issueToken('sme');
      const s = await must(
        'create SME',
        call(token, 'POST', '/v1/smes', {
          name: `Bench SME ${i}`,
          uscc: makeUscc(PROVINCES[i % PROVINCES.length] as ProvinceCode, i),
          sizeClass: SIZES[i % SIZES.length],
          tier: TIERS[i % TIERS.length],
          industry: 'manufacturing',
          region: { province: PROVINCES[i % PROVINCES.length] },
          weakFoundation: i % 5 === 0,
        }),
      );
      smes.push({ id: String(s.id), token });
    }
    // The offerings' own rounds run one round delay later: let them finish before the window opens.
    await withTimeout(runtime.bus.idle(), 30_000, 'setup rounds');

    // ---------------------------------------------------------------- measured window
    meter.read = 0;
    meter.write = 0;
    ledger.reset();
    proposals.clear();
    rounds.length = 0;

    const deadline = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const runId = randomUUID().slice(0, 8);
    const posted = new Map<string, { respondedAt: number; token: string }>();
    const postMs: number[] = [];
    let failedPosts = 0;
    const failedByStatus: Record<string, number> = {};
    const fail = (why: string) => {
      failedPosts++;
      failedByStatus[why] = (failedByStatus[why] ?? 0) + 1;
    };
    let maxSendLagMs = 0;

    const postNeed = async (i: number) => {
      const by = postedBy(i, smes.length);
      const sme = smes[by.sme]!;
      const m = MARKETS[by.market]!;
      const start = performance.now();
      try {
        const res = await call(
          sme.token,
          'POST',
          `/v1/smes/${sme.id}/needs`,
          {
            serviceType: m.serviceType,
            description: `Bench need ${i}: ${m.serviceType} for our plant`,
            remoteOk: true,
            languages: ['zh-CN'],
            budgetMax: 20_000,
            deadline,
          },
          // A client that may retry sends an Idempotency-Key; the benchmark counts what that costs.
          { 'idempotency-key': `bench-${runId}-${i}` },
        );
        const end = performance.now();
        if (res.status !== 201) {
          fail(String(res.status));
          return;
        }
        postMs.push(end - start);
        posted.set(String(res.body.id), { respondedAt: end, token: sme.token });
      } catch (e) {
        fail((e as Error).name || 'error');
      }
    };

    log(`e2e: posting ${total} needs at ${rate}/s for ${durationS} s`);
    const cpu0 = process.cpuUsage();
    const childCpu0 = await dynaliteChildCpuMs();
    const load0 = os.loadavg()[0]!;
    const inflight = new Set<Promise<void>>();
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
      const p: Promise<void> = postNeed(i).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    const postingS = (performance.now() - t0) / 1000;

    // Every posted need proposed, or a generous bound: a round delay plus ten seconds past the last POST.
    const waitUntil = performance.now() + roundDelayMs + 10_000;
    while (performance.now() < waitUntil && [...posted.keys()].some((id) => !proposals.has(id))) await sleep(25);
    // The notifications and outbox clean-ups that follow the proposals belong to the cost of a match.
    // Bounded: on an overloaded machine the figures are still worth reporting, marked as not drained.
    const drained = await withTimeout(runtime.bus.idle(), 30_000, 'draining the bus').then(
      () => true,
      () => false,
    );
    // Each proposal is looked at again RECHECK_AFTER_MINUTES later (a matcher crash between locking
    // the need and writing the match must not strand it): the expiry job then writes the need once
    // more. The window ends long before that; the job is run here with its clock that far ahead, so
    // what it costs is measured with the rest (nothing else is due by then: deadlines are months away,
    // matches expire after MATCH_TTL_HOURS).
    if (basePorts && shared) {
      const ahead = (RECHECK_AFTER_MINUTES + 1) * 60_000;
      await runExpiry({ ...basePorts, ...shared, clock: { now: () => new Date(Date.now() + ahead) } });
    }
    const units = meter.snapshot();
    const led = ledger.snapshot();
    const cpu = process.cpuUsage(cpu0);
    const childCpu1 = await dynaliteChildCpuMs();
    const load1 = os.loadavg()[0]!;

    // ---------------------------------------------------------------- verification (after the window)
    const ids = [...posted.entries()];
    let verifiedProposed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: VERIFY_CONCURRENCY }, async () => {
        for (let i = next++; i < ids.length; i = next++) {
          const [id, p] = ids[i]!;
          const r = await call(p.token, 'GET', `/v1/needs/${id}`);
          if (r.status === 200 && r.body.status === 'PROPOSED' && r.body.currentMatch) verifiedProposed++;
        }
      }),
    );

    // ---------------------------------------------------------------- figures
    const latency: number[] = [];
    const afterDue: number[] = [];
    for (const [id, p] of posted) {
      const prop = proposals.get(id);
      if (!prop) continue;
      latency.push(prop.at - p.respondedAt);
      if (prop.dueEpoch !== undefined) afterDue.push(prop.epoch - prop.dueEpoch);
    }
    // A POST that timed out may still have made its need, which the matcher then matched:
    // the units it cost are in the window, so it counts as a matched need here.
    const matched = proposals.size;
    const per = (x: number) => (matched > 0 ? round(x / matched, 2) : Number.NaN);
    const closeEnough = (a: number, b: number) => Math.abs(a - b) < 1e-6;

    return {
      setup: {
        rate,
        durationS,
        roundDelayMs,
        markets: MARKETS.map((m) => m.serviceType),
        offeringsPerMarket: OFFERINGS_PER_MARKET,
        capacityPerOffering,
        smes: smeCount,
        idempotencyKeys: true,
        processes: {
          bench: 'load generator, local gateway, handlers, bus',
          dynalite:
            defaultMode() === 'process' ? 'a child process of the runtime (local/dynalite-process.ts)' : `this process too (${MODE_VARIABLE}=inline)`,
        },
      },
      posted: posted.size,
      failedPosts,
      failedByStatus,
      achievedRate: round(posted.size / postingS, 1),
      maxSendLagMs: round(maxSendLagMs),
      // Every attempted POST is work done, even one that timed out (its need was still made and matched).
      cpuMsPerNeed: round((cpu.user + cpu.system) / 1000 / total, 2),
      dynaliteCpuMsPerNeed: childCpu0 === null || childCpu1 === null ? null : round((childCpu1 - childCpu0) / total, 2),
      loadAverage: { start: round(load0, 2), end: round(load1, 2), cpus: os.cpus().length },
      drained,
      proposed: latency.length,
      notProposed: posted.size - latency.length,
      verifiedProposed,
      postMs: roundAll(percentiles(postMs)),
      latencyMs: roundAll(percentiles(latency)),
      latencyMinusDelayMs: roundAll(percentiles(latency.map((x) => x - roundDelayMs))),
      afterRoundDueMs: roundAll(percentiles(afterDue)),
      rounds: {
        count: rounds.length,
        startLagMs: roundAll(percentiles(rounds.map((r) => r.startEpoch - r.dueEpoch))),
        durationMs: roundAll(percentiles(rounds.map((r) => r.endEpoch - r.startEpoch))),
        proposedPerRound: roundAll(percentiles(rounds.filter((r) => r.proposed > 0).map((r) => r.proposed))),
      },
      capacity: {
        matchedNeeds: matched,
        read: round(units.read, 1),
        write: round(units.write, 1),
        readPerMatched: per(units.read),
        writePerMatched: per(units.write),
        gsiWriteEstimate: led.gsiWriteEstimate,
        gsiWritePerMatched: per(led.gsiWriteEstimate),
        writeInclGsiPerMatched: per(units.write + led.gsiWriteEstimate),
        tableWriteEstimatePerMatched: per(led.tableWriteEstimate),
        ledger: led,
        ledgerMatchesMeter: closeEnough(led.read, units.read) && closeEnough(led.write, units.write),
      },
      wallMs: Math.round(performance.now() - wallStart),
    };
  } finally {
    await rt?.stop();
    doc?.destroy();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

function roundAll(p: Percentiles): Percentiles {
  return { n: p.n, p50: round(p.p50), p95: round(p.p95), p99: round(p.p99), max: round(p.max) };
}
