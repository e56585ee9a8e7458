import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { solveAssignment, type SolverInput } from '#domain/solver.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Runs scripts/solve.ts the way `npm run solve` does (tsx), with `stdin` piped in. */
function solveCli(stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/solve.ts'], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const market: SolverInput = {
  needs: [
    { id: 'n1', postedAt: '2026-10-01T08:00:00.000Z', priority: 25 },
    { id: 'n2', postedAt: '2026-10-02T08:00:00.000Z', priority: 1 },
    { id: 'n3', postedAt: '2026-10-03T08:00:00.000Z' },
  ],
  offerings: [
    { id: 'o1', capacity: 1 },
    { id: 'o2', capacity: 2 },
  ],
  edges: [
    { need: 'n1', offering: 'o1', weight: 20 },
    { need: 'n1', offering: 'o2', weight: 19.5 },
    { need: 'n2', offering: 'o1', weight: 0.9 },
    { need: 'n3', offering: 'o2', weight: 0.5 },
  ],
};

describe('solve CLI', () => {
  it('prints the optimal assignment, its objective and the solve time as JSON', async () => {
    const { code, stdout, stderr } = await solveCli(JSON.stringify(market));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['assignments', 'objective', 'served', 'stats']);
    const { assignments, objective } = solveAssignment(market);
    expect(out.assignments).toEqual(assignments);
    expect(out.objective).toBe(objective);
    expect(out.served).toBe(3);
    // Greedy would take n1 → o1 (20) and leave n2 out: 20.5 against 20.9.
    expect(out.assignments).toEqual([
      { need: 'n1', offering: 'o2' },
      { need: 'n2', offering: 'o1' },
      { need: 'n3', offering: 'o2' },
    ]);
    expect(out.objective).toBeCloseTo(20.9, 12);
    const stats = out.stats as { solveMs: unknown };
    expect(Object.keys(stats)).toEqual(['solveMs']);
    expect(typeof stats.solveMs).toBe('number');
    expect(stats.solveMs as number).toBeGreaterThanOrEqual(0);
  });

  it('takes provider soft caps and servedFirst, and prints how many needs are served', async () => {
    // p may take one match free, each further one costs 30: weighing alone,
    // n2 waits (0.9 < 30); served first, all three are served.
    const capped: SolverInput = {
      ...market,
      offerings: market.offerings.map((o) => ({ ...o, provider: 'p' })),
      providers: [{ id: 'p', softCap: 1, penalty: 30 }],
    };
    const plain = await solveCli(JSON.stringify(capped));
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    const out = JSON.parse(plain.stdout) as { assignments: unknown; objective: number; served: number };
    expect(out.assignments).toEqual([{ need: 'n1', offering: 'o1' }]);
    expect(out.served).toBe(1);
    expect(out.objective).toBe(20);

    const first = await solveCli(JSON.stringify({ ...capped, servedFirst: true }));
    expect(first.code).toBe(0);
    const outFirst = JSON.parse(first.stdout) as { assignments: unknown; objective: number; served: number };
    expect(outFirst.served).toBe(3);
    expect(outFirst.objective).toBeCloseTo(20.9 - 2 * 30, 12);
    expect(outFirst).toMatchObject(solveAssignment({ ...capped, servedFirst: true }));
  });

  it.each([
    ['input that is not JSON', '{"needs": [', /^solve: input is not valid JSON/],
    ['a field of the wrong type', JSON.stringify({ ...market, offerings: [{ id: 'o1', capacity: '1' }] }), /offerings\.0\.capacity/],
    ['an unknown key', JSON.stringify({ ...market, extra: true }), /Unrecognized key/],
    [
      'an edge to an unknown offering',
      JSON.stringify({ ...market, edges: [{ need: 'n1', offering: 'ghost', weight: 1 }] }),
      /unknown offering "ghost"/,
    ],
    [
      'an offering naming an unknown provider',
      JSON.stringify({ ...market, offerings: [{ id: 'o1', capacity: 1, provider: 'ghost' }, { id: 'o2', capacity: 2 }] }),
      /unknown provider "ghost"/,
    ],
    [
      'a negative penalty',
      JSON.stringify({ ...market, providers: [{ id: 'p', softCap: 1, penalty: -1 }] }),
      /penalty -1/,
    ],
    ['a servedFirst that is not a boolean', JSON.stringify({ ...market, servedFirst: 'yes' }), /servedFirst/],
  ])('exits 2 with one line on stderr for %s', async (_, stdin, message) => {
    const { code, stdout, stderr } = await solveCli(stdin);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
