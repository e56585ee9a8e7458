/**
 * Per-function composition: each Lambda's bundle holds only what its entry
 * reaches. Built with esbuild as the CDK app bundles (ESM, @aws-sdk/*
 * external) and read from esbuild's metafile: which source files went in,
 * and which external packages the bundle imports at init.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Contents {
  /** Repository files in the bundle, relative to the root. */
  files: string[];
  /** External packages the bundle imports. */
  externals: string[];
}

async function contentsOf(fn: FunctionName): Promise<Contents> {
  const res = await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, FUNCTIONS[fn].entry)],
    outfile: path.join(ROOT, 'out', `${fn}.mjs`),
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    external: ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = res.metafile;
  const [output] = Object.values(meta.outputs);
  return {
    files: Object.keys(meta.inputs).filter((f) => !f.includes('node_modules/')),
    externals: [...new Set((output?.imports ?? []).filter((i) => i.external).map((i) => i.path))],
  };
}

describe('Lambda bundles', () => {
  const bundles = new Map<FunctionName, Contents>();
  beforeAll(async () => {
    for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) bundles.set(fn, await contentsOf(fn));
  }, 60_000);
  const of = (fn: FunctionName) => bundles.get(fn)!;
  const has = (fn: FunctionName, prefix: string) => of(fn).files.some((f) => f.startsWith(prefix));

  it('put the solver in the matcher only', () => {
    const withSolver = [...bundles.keys()].filter((fn) => has(fn, 'domain/solver'));
    expect(withSolver).toEqual(['matcher']);
  });

  it('keep the public function free of the AWS SDK, the store and the use cases', () => {
    expect(of('public').externals.filter((e) => e.startsWith('@aws-sdk/'))).toEqual([]);
    expect(has('public', 'functions/store/')).toBe(false);
    expect(has('public', 'functions/usecases/')).toBe(false);
  });

  it('give the EventBridge client only to functions that publish', () => {
    for (const [fn, spec] of Object.entries(FUNCTIONS) as Array<[FunctionName, (typeof FUNCTIONS)[FunctionName]]>) {
      expect(of(fn).externals.includes('@aws-sdk/client-eventbridge'), fn).toBe(spec.needs.publish);
    }
  });

  it("give each HTTP function its own group's handlers and no other's", () => {
    const groups = ['public', 'providers', 'smes', 'matches', 'inbox', 'analytics'] as const;
    for (const g of groups) {
      const inside = groups.filter((x) => has(g, `functions/http/groups/${x}.ts`));
      expect(inside, g).toEqual([g]);
    }
  });
});
