/**
 * Configuration, validated once at cold start: a missing or malformed
 * variable fails the init, not the tenth request.
 */
import * as z from 'zod/mini';

const intFrom = (def: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), def);

export const ConfigSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  /** Local runtime only: dynalite's URL. Absent in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  EVENT_BUS_NAME: z._default(z.string(), 'local'),
  /** The matcher's FIFO queue (AWS only; the market-trigger function sends to it). */
  MATCHER_QUEUE_URL: z.optional(z.string()),
  STAGE: z._default(z.string(), 'local'),
  /** A round waits this long so needs that arrive together compete by priority. */
  ROUND_DELAY_MS: intFrom(1000, 0, 900_000),
  /** PROPOSED and APPROVED matches expire after this many hours. */
  MATCH_TTL_HOURS: intFrom(72, 1, 24 * 90),
  /** A market whose oldest waiting need has waited this long gets a rebalance round. */
  REBALANCE_AFTER_MINUTES: intFrom(60, 1, 24 * 60 * 30),
  /** Idempotency-Key records are kept this long. */
  IDEMPOTENCY_TTL_HOURS: intFrom(24, 1, 24 * 30),
  /** Secret used to sign pagination cursors (HMAC). AWS: from the stack; local: generated per data dir. */
  CURSOR_SECRET: z.string().check(z.minLength(16)),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
