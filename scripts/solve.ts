/**
 * `npm run --silent solve < market.json`: runs the matcher's optimiser on a
 * market given as JSON on stdin and prints the assignment as JSON.
 *
 *   in:  { "needs": [{ "id", "postedAt", "priority"? }],
 *          "offerings": [{ "id", "capacity", "provider"? }],
 *          "edges": [{ "need", "offering", "weight" }],
 *          "providers"?: [{ "id", "softCap", "penalty" }],
 *          "servedFirst"?: boolean }
 *   out: { "assignments": [{ "need", "offering" }], "objective", "served",
 *          "stats": { "solveMs" } }
 *
 * `objective` is the chosen edges' weights minus each provider's penalty
 * per match beyond its softCap; with servedFirst the assignment serves the
 * most needs possible and, among those, has the greatest objective.
 *
 * Bad input (not JSON, wrong shape, inconsistent market) prints one line on
 * stderr and exits 2, so scripts can tell it from a crash (exit 1).
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { SolverInputError, solveAssignment } from '#domain/solver.ts';

// zod/mini ships without messages; English ones make the stderr line useful.
z.config(en());

const Market = z.strictObject({
  needs: z.array(
    z.strictObject({
      id: z.string(),
      postedAt: z.string(),
      priority: z.optional(z.number()),
    }),
  ),
  offerings: z.array(z.strictObject({ id: z.string(), capacity: z.number(), provider: z.optional(z.string()) })),
  edges: z.array(z.strictObject({ need: z.string(), offering: z.string(), weight: z.number() })),
  providers: z.optional(z.array(z.strictObject({ id: z.string(), softCap: z.number(), penalty: z.number() }))),
  servedFirst: z.optional(z.boolean()),
});

function fail(message: string): void {
  process.stderr.write(`solve: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 2;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readStdin());
  } catch (err) {
    fail(`input is not valid JSON (${(err as Error).message})`);
    return;
  }
  const parsed = Market.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more issues)` : '';
    fail(`invalid input at ${where}: ${issue.message}${more}`);
    return;
  }
  let result;
  const t0 = performance.now();
  try {
    result = solveAssignment(parsed.data);
  } catch (err) {
    if (err instanceof SolverInputError) {
      fail(err.message);
      return;
    }
    throw err;
  }
  const solveMs = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ...result, stats: { solveMs } })}\n`);
}

await main();
