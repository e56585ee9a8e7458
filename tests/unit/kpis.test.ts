import { describe, expect, it } from 'vitest';
import { bucketOf, completedDeltas, HOUR_BUCKETS, kpiCsvRows, kpiReport, medianOf } from '#domain/kpis.ts';
import { toCsv, wantsCsv } from '#functions/http/csv.ts';

describe('KPI histograms', () => {
  it('put hours in the first bucket whose bound holds them, beyond the last in the open bucket', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.5)).toBe(1);
    expect(bucketOf(10_000)).toBe(HOUR_BUCKETS.length);
  });

  it('interpolate the median within its bucket, and have none when empty', () => {
    expect(medianOf([])).toBeNull();
    // Two values in (2, 4]: the median sits in the middle of that bucket.
    const counts = Array(HOUR_BUCKETS.length + 1).fill(0);
    counts[2] = 2;
    expect(medianOf(counts)).toBe(3);
    counts[0] = 2;
    // Four values: two in [0, 1], two in (2, 4]: half = 2 falls at the top of the first bucket.
    expect(medianOf(counts)).toBe(1);
  });
});

describe('KPI counters', () => {
  it('count an SME served once per period and project, and central/western SMEs apart', () => {
    const base = { project: 'GREEN' as const, province: 'CN-SC' as const, publicWelfare: true, hoursToComplete: 30 };
    expect(completedDeltas({ ...base, firstForSme: true, firstForSmeInProject: true })).toEqual({
      completed: 1,
      completed_GREEN: 1,
      hoursToComplete_6: 1,
      publicWelfare: 1,
      served: 1,
      servedCentralWestern: 1,
      served_GREEN: 1,
    });
    expect(completedDeltas({ ...base, province: 'CN-ZJ', publicWelfare: false, firstForSme: false, firstForSmeInProject: false })).toEqual({
      completed: 1,
      completed_GREEN: 1,
      hoursToComplete_6: 1,
    });
  });

  it('report shares of what was counted, and null shares with nothing to divide', () => {
    const r = kpiReport('2026-12', undefined, { completed: 4, served: 2, servedCentralWestern: 1, publicWelfare: 1, feedback: 3, satisfied: 2, completed_RIGHTS: 4, served_RIGHTS: 2 });
    expect(r).toMatchObject({ smesServed: 2, matchesCompleted: 4, centralWesternShare: 0.5, publicWelfareShare: 0.25, satisfaction: 0.6667, voucherRedeemed: 0 });
    expect(r.byProject.RIGHTS).toEqual({ completed: 4, smesServed: 2 });
    expect(kpiReport('2026-12', 'CN-SC')).toMatchObject({ province: 'CN-SC', centralWesternShare: null, satisfaction: null, medianHoursToMatch: null });
    const rows = kpiCsvRows(r);
    expect(rows.at(-1)).toEqual(['TOTAL', 4, 2, 0.5, 0.25, 0.6667, null, null, 0]);
    expect(rows.find((x) => x[0] === 'RIGHTS')).toEqual(['RIGHTS', 4, 2, null, null, null, null, null, null]);
  });
});

describe('CSV answers', () => {
  it('start with a byte-order mark, quote what needs quoting and defuse formulas', () => {
    const csv = toCsv(['name', 'amount'], [['成都, "阀门"', 3], ['=HYPERLINK("x")', null]]);
    expect(csv).toBe('\uFEFFname,amount\r\n"成都, ""阀门""",3\r\n"\'=HYPERLINK(""x"")",\r\n');
  });

  it('are chosen only when Accept prefers text/csv to JSON', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv;q=0.9, application/json')).toBe(true);
    expect(wantsCsv('application/json, text/csv')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
  });
});
