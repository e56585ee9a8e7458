/**
 * The analytics read benchmark (issue 13: "the KPI and market analytics
 * endpoints cost a bounded number of reads whatever the number of matches").
 * Seeds `matches` completed matches of one month across markets and
 * provinces, each counted by the KPI consumer exactly as the bus delivers it
 * (MatchProposed, then MatchCompleted: the same `countEvent` path), then
 * reads each endpoint's use case and reports the read units dynalite
 * reports (ReturnConsumedCapacity TOTAL) per call, at a tenth of the
 * matches and at all of them. The KPIs read the provinces' counter items and
 * the markets' (hours to a match); the markets report reads the markets'
 * counter items and the markets' states: each grows with the (market,
 * province) pairs that saw a match (57 markets x 31 provinces here) until
 * all have one, never past that.
 */
import { SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import type { Match } from '#domain/model.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';
import { makeEvent } from '#events/contracts.ts';
import { installCapacityMeter } from '#functions/store/metering.ts';
import { marketReport } from '#functions/usecases/analytics.ts';
import { countEvent, kpis } from '#functions/usecases/kpis.ts';
import { UnitMeter } from './capacity.ts';
import { benchTable } from './table.ts';

export interface KpiBenchRow {
  matches: number;
  kpiReadUnits: number;
  kpiProvinceReadUnits: number;
  marketsReadUnits: number;
}
export interface KpiBenchResult {
  rows: KpiBenchRow[];
  seedMs: number;
}

const PERIOD = '2026-12';

function matchNo(i: number): Match {
  const at = new Date(Date.UTC(2026, 11, 1 + (i % 27), i % 24)).toISOString();
  const posted = new Date(Date.parse(at) - ((i % 200) + 1) * 3_600_000).toISOString();
  const id = `mt_bench${String(i).padStart(10, '0')}`;
  return {
    id,
    needId: `nd_bench${String(i).padStart(10, '0')}`,
    offeringId: `of_bench${String(i % 50).padStart(10, '0')}`,
    providerId: `pr_bench${String(i % 20).padStart(10, '0')}`,
    smeId: `sm_bench${String(i % 3_000).padStart(10, '0')}`,
    smeOwnerSub: 'bench-sme',
    providerOwnerSub: 'bench-provider',
    serviceType: SERVICE_TYPE_IDS[i % SERVICE_TYPE_IDS.length]!,
    period: PERIOD,
    status: 'COMPLETED',
    score: 1,
    breakdown: { proximity: 1, specialisation: 1, reputation: 1, price: 1, load: 1, fit: 1, priority: 1, priorityReasons: [], weight: 1 },
    policyVersion: 'bench',
    smeAccepted: true,
    providerAccepted: true,
    needPostedAt: posted,
    smeProvince: PROVINCE_CODES[i % PROVINCE_CODES.length]!,
    createdAt: at,
    updatedAt: at,
    version: 1,
    history: [{ status: 'COMPLETED', at, by: 'sme' }],
  };
}

async function pool(n: number, width: number, f: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    for (let i = next++; i < n; i = next++) await f(i);
  }));
}

export async function runKpiBench(opts: { matches: number; log?: (line: string) => void }): Promise<KpiBenchResult> {
  const table = await benchTable('bench-kpis');
  const { doc } = table;
  try {
    const meter = new UnitMeter();
    installCapacityMeter(doc, meter);
    // The real clock: the counters keep a minute of applied event ids (store/kpis.ts), measured in real time.
    const clock = { now: () => new Date() };
    const ports = table.ports(clock);
    const measure = async (f: () => Promise<unknown>) => {
      const before = meter.read;
      await f();
      return Math.round((meter.read - before) * 100) / 100;
    };
    const rows: KpiBenchRow[] = [];
    const t0 = performance.now();
    let seeded = 0;
    for (const upTo of [Math.round(opts.matches / 10), opts.matches]) {
      await pool(upTo - seeded, 8, async (k) => {
        const m = matchNo(seeded + k);
        const { version: _v, updatedAt: _u, ...draft } = m;
        await ports.store.insert('match', draft);
        const detail = {
          serviceType: m.serviceType, occurredAt: m.updatedAt, matchId: m.id, needId: m.needId, offeringId: m.offeringId, providerId: m.providerId,
          smeId: m.smeId, smeOwnerSub: m.smeOwnerSub, providerOwnerSub: m.providerOwnerSub, period: m.period,
        };
        await countEvent(ports, makeEvent('MatchProposed', m.id, 1, { ...detail, status: 'PROPOSED', occurredAt: m.createdAt }));
        await countEvent(ports, makeEvent('MatchCompleted', m.id, 5, { ...detail, status: 'COMPLETED' }));
      });
      seeded = upTo;
      opts.log?.(`bench: kpis: ${seeded} matches counted`);
      rows.push({
        matches: seeded,
        kpiReadUnits: await measure(() => kpis(ports, PERIOD, undefined)),
        kpiProvinceReadUnits: await measure(() => kpis(ports, PERIOD, 'CN-SC')),
        marketsReadUnits: await measure(() => marketReport(ports, PERIOD, undefined)),
      });
    }
    return { rows, seedMs: Math.round(performance.now() - t0) };
  } finally {
    await table.close();
  }
}

// `tsx bench/kpis.ts [matches]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const matches = Number(process.argv[2] ?? 10_000);
  console.log(JSON.stringify(await runKpiBench({ matches, log: (l) => process.stderr.write(`${l}\n`) }), null, 2));
}
