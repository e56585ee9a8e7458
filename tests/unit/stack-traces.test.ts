/**
 * Stack traces of the bundled functions name the TypeScript source without
 * `--enable-source-maps` (functions/adapters/stack-traces.ts): a fixture
 * entry is bundled exactly as the CDK app bundles a Lambda and run in a fresh
 * Node process with the functions' NODE_OPTIONS; the map is read only when a
 * stack is first written.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFrameMapper, sourceMappedStacks, stackFormatter } from '#functions/adapters/stack-traces.ts';
import { esbuildOptions, FUNCTION_NODE_OPTIONS } from '#infra/constructs/app-function.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = 'tests/unit/fixtures/logged-error.ts';
/** The fixture's `throw` line. */
const THROW_LINE = 11;

interface LoggedError {
  message: string;
  error: { name: string; message: string; location: string; stack: string };
}

describe('source-mapped stack traces of a bundle', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stack-traces-'));
    bundle = path.join(dir, 'index.mjs');
    await build({ absWorkingDir: ROOT, entryPoints: [path.join(ROOT, FIXTURE)], outfile: bundle, ...esbuildOptions(), logLevel: 'silent' });
  }, 60_000);
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Imports the bundle in a fresh process with the deployed NODE_OPTIONS, calls the handler, returns the logged line. */
  async function logged(): Promise<LoggedError> {
    const child = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); m.handler();`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', child], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: FUNCTION_NODE_OPTIONS, POWERTOOLS_SERVICE_NAME: 'test', POWERTOOLS_LOG_LEVEL: 'INFO' },
      timeout: 30_000,
    });
    // Powertools writes ERROR entries to stderr.
    const line = stderr.split('\n').find((l) => l.includes('request failed'));
    expect(line, `${stdout}${stderr}`).toBeDefined();
    return JSON.parse(line!) as LoggedError;
  }

  it('are deployed without --enable-source-maps (the map is not read at init)', () => {
    expect(FUNCTION_NODE_OPTIONS).not.toContain('--enable-source-maps');
  });

  it('name the .ts file and line of the throw in the logged stack and location', async () => {
    const { error } = await logged();
    expect(error.message).toBe('boom from the fixture');
    const first = error.stack.split('\n')[1]!;
    expect(first).toMatch(new RegExp(`tests/unit/fixtures/logged-error\\.ts:${THROW_LINE}:\\d+\\)$`));
    expect(error.location).toMatch(new RegExp(`logged-error\\.ts:${THROW_LINE}$`));
    expect(error.stack).not.toContain('index.mjs:');
  });

  it('fall back to the bundle positions when the map is missing, without failing', async () => {
    await fs.rename(`${bundle}.map`, `${bundle}.map.away`);
    try {
      const { error } = await logged();
      expect(error.message).toBe('boom from the fixture');
      expect(error.stack.split('\n')[1]).toMatch(/index\.mjs:\d+:\d+\)$/);
    } finally {
      await fs.rename(`${bundle}.map.away`, `${bundle}.map`);
    }
  });
});

describe('bundleFrameMapper', () => {
  const url = 'file:///var/task/index.mjs';
  // One mapping: generated line 1, column 0 -> source 0 (../src/app.ts), line 4 (0-based 3), column 2; nothing on line 2.
  const map = JSON.stringify({ version: 3, sources: ['../src/app.ts'], names: [], mappings: 'AAGE;' });
  const site = (file: string, line: number, column: number) =>
    ({
      getFileName: () => file,
      getLineNumber: () => line,
      getColumnNumber: () => column,
      toString: () => `fn (${file}:${line}:${column})`,
    }) as unknown as NodeJS.CallSite;

  it('reads the map on the first frame of the bundle only, then reuses it', () => {
    const reads: string[] = [];
    const mapFrame = bundleFrameMapper(url, (p) => (reads.push(p), map));
    expect(reads).toEqual([]);
    expect(mapFrame(site('node:internal/x', 1, 1))).toBeUndefined();
    expect(reads).toEqual([]);
    expect(mapFrame(site(url, 1, 1))).toBe(`fn (${path.resolve('/var/src/app.ts')}:4:3)`);
    expect(mapFrame(site(url, 1, 5))).toBe(`fn (${path.resolve('/var/src/app.ts')}:4:3)`);
    expect(reads).toEqual([`${fileURLToPath(url)}.map`]);
  });

  it('leaves a frame as it is when the map cannot be read or has no entry for it', () => {
    const broken = bundleFrameMapper(url, () => {
      throw new Error('ENOENT');
    });
    expect(broken(site(url, 1, 1))).toBeUndefined();
    const format = stackFormatter(broken);
    expect(format(new Error('x'), [site(url, 1, 1)])).toBe(`Error: x\n    at fn (${url}:1:1)`);
    const noEntry = bundleFrameMapper(url, () => map);
    // findEntry answers the nearest earlier mapping, from line 1: a frame on line 2 must not borrow it.
    expect(noEntry(site(url, 2, 1))).toBeUndefined();
  });

  it('is installed only when running from a bundle (.mjs), not from the TypeScript sources', () => {
    expect(sourceMappedStacks(pathToFileURL(path.join(ROOT, 'functions/adapters/stack-traces.ts')).href)).toBe(false);
    expect(sourceMappedStacks('node:internal/whatever.mjs')).toBe(false);
  });
});
