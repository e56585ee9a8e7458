/**
 * No import cycle among domain/, events/ and functions/, type-only imports
 * included: a cycle makes the initialisation order of a Lambda bundle depend
 * on which file esbuild meets first, and it is how a layer ends up importing
 * the one above it. dpdm parses with the TypeScript compiler and resolves the
 * package's `#domain/*` subpath imports like tsc does.
 */
import { describe, expect, it } from 'vitest';
import { parseCircular, parseDependencyTree } from 'dpdm';

describe('module structure', () => {
  it('has no import cycle in domain/, events/ or functions/ (types included)', async () => {
    const tree = await parseDependencyTree(['functions/**/*.ts', 'domain/**/*.ts', 'events/**/*.ts'], {
      context: process.cwd(),
      transform: false,
      skipDynamicImports: false,
    });
    const files = Object.keys(tree);
    // The walk must actually reach the layers through their subpath imports, or it proves nothing.
    expect(files).toContain('functions/usecases/matcher.ts');
    expect(files).toContain('domain/round.ts');
    expect(tree['functions/usecases/matcher.ts']!.some((d) => d.id === 'domain/round.ts')).toBe(true);
    expect(parseCircular(tree)).toEqual([]);
  });
});
