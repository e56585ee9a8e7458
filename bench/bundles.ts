/**
 * Each Lambda's bundle, built the way the CDK app builds it, its minified
 * size, and its module init time: how long a fresh Node process takes to
 * import it (load, compile and run the module scope: config validation,
 * SDK clients, the composition root).
 *
 * The esbuild options are the CDK app's own: `esbuildOptions()` of
 * infra/constructs/app-function.ts, the values its `bundling` block gives
 * NodejsFunction (ESM, node22, minify, external source map without sources,
 * UTF-8 charset, main fields module/main, the AWS SDK bundled, with its
 * aliases). The import runs with the NODE_OPTIONS the functions are
 * deployed with (FUNCTION_NODE_OPTIONS: none, source maps are read lazily
 * by functions/adapters/stack-traces.ts on the first stack written); full
 * runs also time it with `--enable-source-maps`, what that option would
 * cost.
 *
 * Bundles go to bench/.tmp/bundles (git-ignored), with their source maps
 * next to them as deployed.
 *
 * `--instructions` also counts the instructions of each import under
 * valgrind (cachegrind, no cache simulation), less those of importing an
 * empty module: unlike wall or CPU time, the count hardly moves with the
 * machine's load (a few M between runs), so it shows what a change saves
 * on a busy machine. ~2.45M instructions are 1 ms on an unloaded core.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';
import { esbuildOptions, FUNCTION_NODE_OPTIONS } from '#infra/constructs/app-function.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const BUNDLE_DIR = path.join(REPO_ROOT, 'bench', '.tmp', 'bundles');

/**
 * What the deployed functions get (infra: NODE_OPTIONS, STAGE, POWERTOOLS_*,
 * the bind* helpers' resource names), with dummy values: nothing is called
 * at init, only configured.
 */
const INIT_ENV: Record<string, string> = {
  NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
  STAGE: 'bench',
  POWERTOOLS_SERVICE_NAME: 'sme-matchmaking',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  TABLE_NAME: 'sme-matchmaking-bench',
  CURSOR_SECRET: 'bench-cursor-secret-0123456789abcdef',
  MATCHER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/sme-matchmaking-bench-matcher.fifo',
  EVENT_BUS_NAME: 'sme-matchmaking-bench',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  // Node 20 here, nodejs22.x in Lambda: the SDK's Node-version notice is noise.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Runs in the child: times the import alone, from a process that has loaded nothing else. */
const CHILD = `
const url = process.argv[1];
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(url);
const t1 = performance.now();
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ importMs: t1 - t0, cpuMs: (c.user + c.system) / 1000, sinceStartMs: t1, handler: typeof mod.handler }));
process.exit(0);
`;

interface ImportTiming {
  importMs: number;
  cpuMs: number;
  sinceStartMs: number;
  handler: string;
}

export interface BundleRow {
  name: FunctionName;
  entry: string;
  bytes: number;
  kb: number;
  sourceMapBytes: number;
  /** Median import time with the deployed NODE_OPTIONS (FUNCTION_NODE_OPTIONS: no `--enable-source-maps`). */
  initMs: number;
  /**
   * Median CPU time (user + system) of the import, same runs: far less
   * sensitive than wall time to other processes competing for the CPU, so
   * the better guide on a busy machine (Lambda gives init a full vCPU).
   */
  initCpuMs: number;
  /**
   * Median import time without `--enable-source-maps`: since the functions
   * are deployed without it, the same runs as initMs (kept for the report's
   * column until it shows initEnableSourceMapsMs instead).
   */
  initNoSourceMapsMs: number;
  /** Median import time with NODE_OPTIONS=--enable-source-maps: what that option would add (NaN in quick runs). */
  initEnableSourceMapsMs: number;
  /** Median time from process start to the module imported (deployed NODE_OPTIONS). */
  processToReadyMs: number;
  runs: number;
  handlerExported: boolean;
  /** Millions of instructions of the import, less an empty module's (`--instructions`; NaN otherwise). */
  initMInstructions: number;
  /** The biggest contributors to the bundle, by package or folder. */
  largest: Array<{ module: string; bytes: number }>;
}

export interface BundleOptions {
  quick?: boolean;
  /** Count each import's instructions under valgrind (slow: ~10 s a bundle). */
  instructions?: boolean;
  log?: (line: string) => void;
}

/** Groups the bundle's inputs by package (node_modules/<pkg>) or by repository folder. */
function largestParts(meta: Metafile, outfile: string): Array<{ module: string; bytes: number }> {
  const out = Object.entries(meta.outputs).find(([p]) => path.resolve(REPO_ROOT, p) === path.resolve(outfile))?.[1];
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out?.inputs ?? {})) {
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = nm ? nm[1]! : input.split('/').slice(0, 1).join('/');
    parts.set(key, (parts.get(key) ?? 0) + bytesInOutput);
  }
  return [...parts.entries()]
    .map(([module, bytes]) => ({ module, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
}

async function timeImport(file: string, enableSourceMaps: boolean): Promise<ImportTiming> {
  const env = { ...pickBaseEnv(), ...INIT_ENV, ...(enableSourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}) };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
    cwd: REPO_ROOT,
    env,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ImportTiming;
}

/** Instructions (millions) a fresh `node` runs to import `file`, under cachegrind. */
async function countInstructions(file: string): Promise<number> {
  const env = { ...pickBaseEnv(), ...INIT_ENV };
  const { stderr } = await run(
    'valgrind',
    ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`],
    { cwd: REPO_ROOT, env, timeout: 300_000, maxBuffer: 1 << 24 },
  );
  const m = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (!m) throw new Error(`no instruction count in valgrind's output: ${stderr.slice(-500)}`);
  return Number(m[1]!.replaceAll(',', '')) / 1e6;
}

/** PATH and HOME only: the parent's variables (tsx's loader in NODE_OPTIONS, AWS settings) must not reach the child. */
function pickBaseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR']) if (process.env[k]) out[k] = process.env[k]!;
  return out;
}

export async function runBundleBench(opts: BundleOptions = {}): Promise<BundleRow[]> {
  const log = opts.log ?? (() => undefined);
  // Quick: fewer runs and no --enable-source-maps comparison; every process start costs a few hundred ms on a busy machine.
  const runs = opts.quick ? 3 : 9;
  const compare = !opts.quick;
  await fs.rm(BUNDLE_DIR, { recursive: true, force: true });
  let emptyMInstructions = Number.NaN;
  if (opts.instructions) {
    const empty = path.join(BUNDLE_DIR, 'empty.mjs');
    await fs.mkdir(BUNDLE_DIR, { recursive: true });
    await fs.writeFile(empty, '');
    emptyMInstructions = await countInstructions(empty);
  }
  const rows: BundleRow[] = [];
  for (const [name, spec] of Object.entries(FUNCTIONS) as Array<[FunctionName, (typeof FUNCTIONS)[FunctionName]]>) {
    const outfile = path.join(BUNDLE_DIR, name, 'index.mjs');
    const res = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: [path.join(REPO_ROOT, spec.entry)],
      outfile,
      ...esbuildOptions(),
      metafile: true,
      logLevel: 'silent',
    });
    const bytes = (await fs.stat(outfile)).size;
    const sourceMapBytes = (await fs.stat(`${outfile}.map`)).size;

    // Alternating the two variants spreads any drift in machine load over both.
    const deployed: ImportTiming[] = [];
    const withMaps: number[] = [];
    await timeImport(outfile, false); // warms the OS file cache, as a Lambda's code is local by init time
    for (let i = 0; i < runs; i++) {
      deployed.push(await timeImport(outfile, false));
      if (compare) withMaps.push((await timeImport(outfile, true)).importMs);
    }
    const row: BundleRow = {
      name,
      entry: spec.entry,
      bytes,
      kb: round(bytes / 1024, 1),
      sourceMapBytes,
      initMs: round(median(deployed.map((r) => r.importMs))),
      initCpuMs: round(median(deployed.map((r) => r.cpuMs))),
      initNoSourceMapsMs: round(median(deployed.map((r) => r.importMs))),
      initEnableSourceMapsMs: compare ? round(median(withMaps)) : Number.NaN,
      processToReadyMs: round(median(deployed.map((r) => r.sinceStartMs))),
      runs,
      handlerExported: deployed.every((r) => r.handler === 'function'),
      initMInstructions: opts.instructions ? round((await countInstructions(outfile)) - emptyMInstructions, 0) : Number.NaN,
      largest: largestParts(res.metafile, outfile),
    };
    log(`bundles: ${name} ${row.kb} KB, init ${row.initMs} ms`);
    rows.push(row);
  }
  return rows;
}

/**
 * `npx tsx bench/bundles.ts [--quick]`: this table alone (`npm run bench`
 * runs it with the other parts and writes the report).
 */
if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const rows = await runBundleBench({
    quick: process.argv.includes('--quick'),
    instructions: process.argv.includes('--instructions'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.table(
    rows.map((r) => ({
      function: r.name,
      KB: r.kb,
      'init ms': r.initMs,
      'init CPU ms': r.initCpuMs,
      ...(Number.isFinite(r.initMInstructions) ? { 'init M instructions': r.initMInstructions, 'at 2.45M/ms': round(r.initMInstructions / 2.45, 0) } : {}),
      ...(Number.isFinite(r.initEnableSourceMapsMs) ? { 'init ms with --enable-source-maps': r.initEnableSourceMapsMs } : {}),
      'largest parts (KB)': r.largest.map((l) => `${l.module} ${round(l.bytes / 1024, 0)}`).join(', '),
    })),
  );
  console.log(`NODE_OPTIONS as deployed: ${FUNCTION_NODE_OPTIONS ? FUNCTION_NODE_OPTIONS : 'none'} (stack traces source-mapped on the first error, functions/adapters/stack-traces.ts)`);
}
