/**
 * Per-function composition: each Lambda's bundle holds only what its entry
 * reaches. Built with esbuild exactly as the CDK app bundles (the options of
 * infra/constructs/app-function.ts: ESM, the AWS SDK bundled with its
 * aliases) and read from esbuild's metafile and output: which files went in,
 * what the bundle still imports at run time, and its size.
 */
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';
import { BUNDLING, esbuildOptions } from '#infra/constructs/app-function.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The budget per bundle, minified (bench/bundles.ts reports the same KB). */
const MAX_BUNDLE_BYTES = 400 * 1024;

interface Contents {
  /** Every input of the bundle, relative to the root (node_modules/... for packages). */
  inputs: string[];
  /** Repository files in the bundle, relative to the root. */
  files: string[];
  /** What the bundle imports at run time (esbuild leaves these external). */
  externals: string[];
  bytes: number;
  code: string;
  map: { sourcesContent?: unknown[] };
}

async function contentsOf(fn: FunctionName): Promise<Contents> {
  const res = await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, FUNCTIONS[fn].entry)],
    outfile: path.join(ROOT, 'out', `${fn}.mjs`),
    ...esbuildOptions(),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = res.metafile;
  const [output] = Object.entries(meta.outputs).filter(([p]) => p.endsWith('.mjs'));
  const js = res.outputFiles.find((f) => f.path.endsWith('.mjs'))!;
  const map = res.outputFiles.find((f) => f.path.endsWith('.mjs.map'))!;
  const inputs = Object.keys(meta.inputs);
  return {
    inputs,
    files: inputs.filter((f) => !f.includes('node_modules/')),
    externals: [...new Set((output?.[1].imports ?? []).filter((i) => i.external).map((i) => i.path))],
    bytes: js.contents.byteLength,
    code: js.text,
    map: JSON.parse(map.text) as Contents['map'],
  };
}

describe('Lambda bundles', () => {
  const bundles = new Map<FunctionName, Contents>();
  beforeAll(async () => {
    for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) bundles.set(fn, await contentsOf(fn));
  }, 240_000);
  const of = (fn: FunctionName) => bundles.get(fn)!;
  const has = (fn: FunctionName, prefix: string) => of(fn).files.some((f) => f.startsWith(prefix));
  const hasPackage = (fn: FunctionName, pkg: string) => of(fn).inputs.some((f) => f.includes(`node_modules/${pkg}/`));
  const all = () => [...bundles.keys()];

  it('put the solver in the matcher only', () => {
    const withSolver = all().filter((fn) => has(fn, 'domain/solver'));
    expect(withSolver).toEqual(['matcher']);
  });

  it('keep the public function free of the AWS SDK, the store and the use cases', () => {
    expect(of('public').inputs.filter((f) => /node_modules\/(@aws-sdk|@smithy)\//.test(f))).toEqual([]);
    expect(has('public', 'functions/store/')).toBe(false);
    expect(has('public', 'functions/usecases/')).toBe(false);
  });

  it('give the EventBridge client only to functions that publish', () => {
    for (const [fn, spec] of Object.entries(FUNCTIONS) as Array<[FunctionName, (typeof FUNCTIONS)[FunctionName]]>) {
      expect(hasPackage(fn, '@aws-sdk/client-eventbridge'), fn).toBe(spec.needs.publish);
    }
  });

  it('give the SQS client to the market trigger and the SES client to the notifier, and to no other', () => {
    expect(all().filter((fn) => hasPackage(fn, '@aws-sdk/client-sqs'))).toEqual(['marketTrigger']);
    expect(all().filter((fn) => hasPackage(fn, '@aws-sdk/client-sesv2'))).toEqual(['notifier']);
  });

  it("give each HTTP function its own group's handlers and no other's", () => {
    const groups = ['public', 'providers', 'smes', 'matches', 'inbox', 'analytics'] as const;
    for (const g of groups) {
      const inside = groups.filter((x) => has(g, `functions/http/groups/${x}.ts`));
      expect(inside, g).toEqual([g]);
    }
  });

  it("build only each HTTP function's own route declarations (schemas are built at init), the public one's OpenAPI aside", () => {
    const groups = ['providers', 'smes', 'matches', 'inbox', 'analytics', 'registers', 'vouchers'] as const;
    for (const g of groups) {
      expect(of(g).files.filter((f) => f.startsWith('functions/http/routes')), g).toEqual([`functions/http/routes/${g}.ts`]);
    }
    // The public Lambda serves the OpenAPI document, which describes every route.
    expect(has('public', 'functions/http/routes.ts')).toBe(true);
  });

  it('load no @middy/core nor node:stream/web (the HTTP edge is a few lines of http/api.ts)', () => {
    for (const fn of all()) {
      expect(hasPackage(fn, '@middy/core'), fn).toBe(false);
      expect(of(fn).externals.filter((e) => /^(node:)?stream\/web$/.test(e)), fn).toEqual([]);
    }
  });

  it('keep zod and the event contracts out of the market trigger (the matcher validates what it forwards)', () => {
    expect(hasPackage('marketTrigger', 'zod')).toBe(false);
    expect(of('marketTrigger').files.filter((f) => f.startsWith('events/') || f.startsWith('domain/'))).toEqual([]);
  });

  it('load no node:http2 (the SDK talks HTTP/1.1 to DynamoDB, SQS, SES and EventBridge)', () => {
    for (const fn of all()) expect(of(fn).externals.filter((e) => /^(node:)?http2$/.test(e)), fn).toEqual([]);
  });

  it('load node:zlib only when a register file is read or written, never at init', () => {
    for (const fn of all()) expect(/from\s*"(node:)?zlib"/.test(of(fn).code), fn).toBe(false);
    for (const fn of ['registers', 'importer'] as const) expect(/import\("node:zlib"\)/.test(of(fn).code), fn).toBe(true);
  });

  it('bundle the AWS SDK: nothing is left to the runtime but Node built-ins', () => {
    for (const fn of all()) {
      expect(of(fn).externals.filter((e) => !isBuiltin(e)), fn).toEqual([]);
    }
    // The SDK really is inside (not merely absent): every function with the table carries the DynamoDB client.
    for (const [fn, spec] of Object.entries(FUNCTIONS) as Array<[FunctionName, (typeof FUNCTIONS)[FunctionName]]>) {
      expect(hasPackage(fn, '@aws-sdk/client-dynamodb'), fn).toBe(spec.needs.table !== 'none');
    }
  });

  it('keep every bundle within 400 KB minified', () => {
    const over = all()
      .filter((fn) => of(fn).bytes > MAX_BUNDLE_BYTES)
      .map((fn) => `${fn} ${(of(fn).bytes / 1024).toFixed(1)} KB`);
    expect(over).toEqual([]);
  });

  it('replace the SDK modules a Lambda never runs with the aliased ones', () => {
    expect(Object.keys(BUNDLING.alias).sort()).toEqual(['@aws-sdk/credential-provider-node', '@smithy/core/event-streams', 'mnemonist/lru-cache']);
    const replaced = /node_modules\/(@aws-sdk\/(credential-provider-[a-z-]+|nested-clients|token-providers)|@smithy\/core\/dist-es\/submodules\/event-streams|@smithy\/credential-provider-imds|mnemonist|obliterator)\//;
    for (const fn of all()) {
      expect(of(fn).inputs.filter((f) => replaced.test(f)), fn).toEqual([]);
      if (hasPackage(fn, '@aws-sdk/core')) {
        expect(of(fn).files, fn).toEqual(expect.arrayContaining(['functions/adapters/lambda-credentials.ts']));
      }
    }
    expect(of('smes').files).toEqual(expect.arrayContaining(['functions/adapters/lru-cache.ts']));
  });

  it('need no require() at run time (the createRequire banner is gone)', () => {
    // esbuild's shim for a require() it could not resolve throws "Dynamic require of ... is not supported" in an ES module.
    for (const fn of all()) expect(of(fn).code.includes('Dynamic require of'), fn).toBe(false);
  });

  it('ship source maps without the sources (the map is parsed on the first stack written)', () => {
    for (const fn of all()) expect(of(fn).map.sourcesContent ?? [], fn).toEqual([]);
  });

  it('install the lazy stack-trace mapping in every function (no --enable-source-maps at init)', () => {
    for (const fn of all()) expect(of(fn).files, fn).toEqual(expect.arrayContaining(['functions/adapters/stack-traces.ts']));
  });
});
