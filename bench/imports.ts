/**
 * The register import benchmark (issue 10: "an import of 100,000 generated
 * rows within the bench"): a tiers register of `rows` generated rows, taken
 * through the real use cases on dynalite in memory, one process. The
 * request (`startImport`: parse, lock, store the file, write the import)
 * and then the importer's invocations (`processImportChunk`), each given a
 * Lambda's timeout from the function manifest, until the import is DONE.
 *
 * Reported: total time, rows per second, the importer invocations it took,
 * and the table units dynalite reports (ReturnConsumedCapacity TOTAL)
 * per row. The tier entries are written 25 per BatchWriteItem, each entry
 * one unit; the import's progress is one small write per 500 rows; the file
 * is stored gzip'd once (about 1 unit per KB).
 */
import { makeUscc } from '#domain/uscc.ts';
import type { AppEvent } from '#events/contracts.ts';
import { FUNCTIONS } from '#functions/handlers/manifest.ts';
import { installCapacityMeter } from '#functions/store/metering.ts';
import { processImportChunk, startImport } from '#functions/usecases/imports.ts';
import { UnitMeter } from './capacity.ts';
import { benchTable } from './table.ts';

export interface ImportBenchResult {
  rows: number;
  fileBytes: number;
  /** Request (parse, lock, store the file, write the import). */
  startMs: number;
  /** From the request to DONE. */
  totalMs: number;
  rowsPerSecond: number;
  invocations: number;
  /** The longest importer invocation, against its timeout. */
  longestInvocationMs: number;
  timeoutMs: number;
  writeUnits: number;
  readUnits: number;
  writeUnitsPerRow: number;
  accepted: number;
}

/**
 * A tiers register of `rows` distinct, valid rows across a few provinces:
 * about 51 bytes a row, so 100,000 rows fit the 5 MiB limit (short names,
 * no batch: the limit, not the content, is what the bench is about).
 */
export function generateTiersRegister(rows: number): string {
  const provinces = ['CN-SC', 'CN-GD', 'CN-ZJ', 'CN-HB', 'CN-SN'] as const;
  const tiers = ['INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const;
  const lines = ['uscc,name,tier,batch,validUntil'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${makeUscc(provinces[i % provinces.length]!, 10_000_000 + i)},Co${i},${tiers[i % 3]},,2029-12-31`);
  }
  return lines.join('\n') + '\n';
}

export async function runImportBench(opts: { rows: number }): Promise<ImportBenchResult> {
  const table = await benchTable('bench-imports');
  const { doc } = table;
  try {
    const meter = new UnitMeter();
    installCapacityMeter(doc, meter);
    const queue: AppEvent[] = [];
    const ports = table.ports({ now: () => new Date() }, async (events) => void queue.push(...events));
    const body = Buffer.from(generateTiersRegister(opts.rows), 'utf8');
    const timeoutMs = FUNCTIONS.importer.timeoutSeconds * 1000;

    const t0 = performance.now();
    const { importId } = await startImport(ports, { role: 'operator', sub: 'bench-operator' }, 'TIERS', body);
    const startMs = performance.now() - t0;
    let invocations = 0;
    let longest = 0;
    // The bus: each ImportChunkRequested is one invocation of the importer, with its own deadline.
    for (let e = queue.shift(); e; e = queue.shift()) {
      if (e.detailType !== 'ImportChunkRequested') continue;
      const detail = e.detail as { importId: string; fromRow: number };
      const began = performance.now();
      invocations++;
      await processImportChunk(ports, detail, { remainingMs: () => timeoutMs - (performance.now() - began) });
      longest = Math.max(longest, performance.now() - began);
    }
    const totalMs = performance.now() - t0;
    const imp = await ports.store.get('import', importId, true);
    if (imp?.status !== 'DONE') throw new Error(`the import ended ${imp?.status ?? 'missing'}`);
    return {
      rows: opts.rows,
      fileBytes: body.byteLength,
      startMs: Math.round(startMs),
      totalMs: Math.round(totalMs),
      rowsPerSecond: Math.round(opts.rows / (totalMs / 1000)),
      invocations,
      longestInvocationMs: Math.round(longest),
      timeoutMs,
      writeUnits: Math.round(meter.write),
      readUnits: Math.round(meter.read),
      writeUnitsPerRow: Math.round((meter.write / opts.rows) * 1000) / 1000,
      accepted: imp.accepted,
    };
  } finally {
    await table.close();
  }
}

// `tsx bench/imports.ts [rows]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 100_000);
  console.log(JSON.stringify(await runImportBench({ rows }), null, 2));
}
