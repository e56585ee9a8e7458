/**
 * Configuration, validated once at cold start: a missing or malformed
 * variable fails the init, not the tenth request.
 *
 * Checked by the small readers below rather than a zod schema: every
 * function validates this at init, and building the 20-field schema (each
 * number a coerce, int, minimum, maximum and default) cost about 5 ms of
 * each cold start, a twelfth of the 60 ms budget (bench/bundles.ts). The
 * checks are the ones the schema made (tests/unit/http-edge.test.ts,
 * "configuration").
 */

/** A variable's reader: its value from the raw string (undefined when absent), or what is wrong with it. */
type Reader<T> = (raw: string | undefined) => { ok: T } | { problem: string };

const text =
  (minLength: number): Reader<string> =>
  (raw) =>
    raw === undefined ? { problem: 'required' } : raw.length >= minLength ? { ok: raw } : { problem: `at least ${minLength} character(s)` };

const optional =
  <T>(read: Reader<T>): Reader<T | undefined> =>
  (raw) =>
    raw === undefined ? { ok: undefined } : read(raw);

/** A whole number within [min, max], `def` when absent; read as zod's coerce read it (Number(raw), so '' is 0). */
const intFrom =
  (def: number, min: number, max: number): Reader<number> =>
  (raw) => {
    if (raw === undefined) return { ok: def };
    const n = Number(raw);
    if (!Number.isInteger(n)) return { problem: 'a whole number' };
    return n < min || n > max ? { problem: `between ${min} and ${max}` } : { ok: n };
  };

const url: Reader<string> = (raw) => {
  if (raw === undefined) return { problem: 'required' };
  try {
    new URL(raw);
    return { ok: raw };
  } catch {
    return { problem: 'a URL' };
  }
};

/** zod's default e-mail pattern (what z.email() accepted here). */
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const email: Reader<string> = (raw) => (raw !== undefined && EMAIL.test(raw) ? { ok: raw } : { problem: 'an e-mail address' });

const CONFIG = {
  TABLE_NAME: text(1),
  /** Local runtime only: dynalite's URL. Absent in AWS. */
  DYNAMODB_ENDPOINT: optional(url),
  /**
   * The bus a publishing function sends to. No default: a publishing function
   * that finds it missing fails at cold start (requireSetting), rather than
   * sending to a bus named 'local' in AWS.
   */
  EVENT_BUS_NAME: optional(text(1)),
  /** The matcher's FIFO queue (AWS only; the market-trigger function sends to it). */
  MATCHER_QUEUE_URL: optional(text(0)),
  /** A round waits this long so needs that arrive together compete by priority. */
  ROUND_DELAY_MS: intFrom(1000, 0, 900_000),
  /** PROPOSED and APPROVED matches expire after this many hours. */
  MATCH_TTL_HOURS: intFrom(72, 1, 24 * 90),
  /** A market whose oldest waiting need has waited this long gets a rebalance round. */
  REBALANCE_AFTER_MINUTES: intFrom(60, 1, 24 * 60 * 30),
  /**
   * A market round takes at most this many waiting needs (oldest first), so it
   * finishes within the matcher's Lambda timeout; the next window of the
   * market follows at once (usecases/matcher.ts).
   */
  MATCHER_MAX_NEEDS: intFrom(5000, 1, 100_000),
  /** A DELIVERED match the SME neither confirms nor disputes completes after this many days. */
  AUTO_CONFIRM_DAYS: intFrom(14, 1, 365),
  /**
   * Delivery is due at the end of the need's deadline day, but never sooner
   * than this many days after the match is confirmed (a match confirmed on the
   * eve of the deadline still gets time to deliver).
   */
  DELIVERY_MIN_DAYS: intFrom(7, 1, 365),
  /** The provider is reminded (DeliveryDueSoon) this many days before delivery is due. */
  DELIVERY_REMINDER_DAYS: intFrom(3, 0, 60),
  /**
   * Per-user quotas (api.md "Quotas"; 429 QUOTA_EXCEEDED beyond them), so one
   * account cannot use up the market or the matcher's round budget: open
   * needs (WAITING, PROPOSED, MATCHED) per SME and per SME and service type,
   * providers per owner, offerings per provider.
   */
  QUOTA_OPEN_NEEDS_PER_SME: intFrom(20, 1, 1_000),
  QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: intFrom(3, 1, 1_000),
  QUOTA_PROVIDERS_PER_OWNER: intFrom(5, 1, 1_000),
  QUOTA_OFFERINGS_PER_PROVIDER: intFrom(50, 1, 1_000),
  /** Idempotency-Key records are kept this long. */
  IDEMPOTENCY_TTL_HOURS: intFrom(24, 1, 24 * 30),
  /**
   * The notifier's e-mail channel: when set (CDK context `emailNotifications`
   * with `SES_FROM_ADDRESS`), each new inbox item is also e-mailed through SES
   * from this verified identity to the recipient's profile contact e-mail, if
   * any. Absent (the default): inbox only.
   */
  EMAIL_FROM: optional(email),
  /** Secret used to sign pagination cursors (HMAC). AWS: from the stack; local: generated per data dir. */
  CURSOR_SECRET: text(16),
};

export type Config = { -readonly [K in keyof typeof CONFIG]: (typeof CONFIG)[K] extends Reader<infer T> ? T : never };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, read] of Object.entries(CONFIG) as Array<[string, Reader<unknown>]>) {
    const r = read(env[name]);
    if ('problem' in r) problems.push(`${name}: ${r.problem}`);
    else if (r.ok !== undefined) out[name] = r.ok;
  }
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return out as Config;
}

/**
 * A setting only some functions need (optional in the schema), required by
 * the adapter of a function that does need it: missing, it fails the cold
 * start with the variable's name.
 */
export function requireSetting<K extends keyof Config>(config: Config, name: K): NonNullable<Config[K]> {
  const v = config[name];
  if (v === undefined || v === null || v === '') throw new Error(`invalid configuration: ${String(name)} is required by this function`);
  return v as NonNullable<Config[K]>;
}
