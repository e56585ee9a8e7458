/**
 * The two register files operators import (api.md "Registers"): the tier
 * register (专精特新 lists: uscc,name,tier,batch,validUntil) and the provider
 * directory (uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub).
 *
 * A file is opened once (`openRegister`): size, UTF-8 and the header are
 * checked, the data rows are counted and any CSV syntax error found, so a
 * file that cannot be processed is refused before an import is started. Its
 * rows are then read as a stream (`rows`), validated one at a time into an
 * entry or row errors, in bounded memory: a background job takes them in
 * chunks (`inChunks`), records progress, and can resume after the last row it
 * recorded (`fromRow`) in another invocation. Row numbers are a
 * spreadsheet's: the header is row 1.
 */
import { createHash } from 'node:crypto';
import { parse, CsvError, type Options as CsvOptions } from 'csv-parse';
import * as z from 'zod/mini';
import { PROVIDER_KINDS, type ProviderKind } from './catalog.ts';
import { PayloadTooLarge, ValidationFailed } from './errors.ts';
import type { Tier } from './model.ts';
import { PROVINCE_CODES, isLanguageTag, suggestProvince, type ProvinceCode } from './regions.ts';
import { didYouMean, nearest } from './suggest.ts';
import { usccSchema } from './uscc.ts';

export const MAX_REGISTER_BYTES = 5 * 1024 * 1024;

export const REGISTER_KINDS = ['TIERS', 'PROVIDERS'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

export const REGISTER_HEADERS = {
  TIERS: ['uscc', 'name', 'tier', 'batch', 'validUntil'],
  PROVIDERS: ['uscc', 'name', 'kind', 'regions', 'languages', 'contactName', 'contactEmail', 'ownerSub'],
} as const satisfies Record<RegisterKind, readonly string[]>;

/** The tiers a register can vouch for (NONE is the absence of an entry). */
export const REGISTER_TIERS = ['INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const satisfies readonly Tier[];
export type RegisterTier = (typeof REGISTER_TIERS)[number];

export interface TierRegisterEntry {
  uscc: string;
  name: string;
  tier: RegisterTier;
  /** The published batch (批次), when the register names one. */
  batch?: string;
  /** Last day the listing is valid, YYYY-MM-DD. */
  validUntil: string;
}

export interface ProviderRegisterEntry {
  uscc: string;
  name: string;
  kind: ProviderKind;
  regions: ProvinceCode[];
  languages: string[];
  contactName: string;
  contactEmail: string;
  /** The Cognito sub of the provider's account; absent for a provider visible to operators only. */
  ownerSub?: string;
}

export interface RegisterEntries {
  TIERS: TierRegisterEntry;
  PROVIDERS: ProviderRegisterEntry;
}

export interface RowError {
  row: number;
  /** The column at fault, when one is. */
  field?: string;
  message: string;
}

export type RegisterRow<E> = { row: number; entry: E } | { row: number; errors: RowError[] };

export interface RegisterFile<K extends RegisterKind> {
  kind: K;
  /** sha256 (hex) of the file's bytes: the same file imported twice has the same fingerprint. */
  fingerprint: string;
  /** Data rows, blank rows not counted. */
  total: number;
  /**
   * The data rows in order, each validated. `fromRow` (a spreadsheet row
   * number) skips the rows before it, to resume an import.
   */
  rows(options?: { fromRow?: number }): AsyncIterable<RegisterRow<RegisterEntries[K]>>;
}

/** sha256 of the bytes, hex; a string counts as its UTF-8 encoding. */
export function registerFingerprint(body: string | Uint8Array): string {
  return createHash('sha256').update(toBytes(body)).digest('hex');
}

/**
 * Checks a register file and counts its rows. Throws PayloadTooLarge over
 * 5 MiB, ValidationFailed when the file is not UTF-8, not CSV, or its header
 * is not the register's.
 */
export async function openRegister<K extends RegisterKind>(
  kind: K,
  body: string | Uint8Array,
  options: { chunkBytes?: number } = {},
): Promise<RegisterFile<K>> {
  const bytes = toBytes(body);
  if (bytes.byteLength > MAX_REGISTER_BYTES) {
    throw new PayloadTooLarge(`a register file may be at most ${MAX_REGISTER_BYTES} bytes (5 MiB)`);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileError('the file is not valid UTF-8: save it as "CSV UTF-8" (a spreadsheet saving as GBK/ANSI produces this)');
  }
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const expected = REGISTER_HEADERS[kind];
  const usccColumn = (expected as readonly string[]).indexOf('uscc');

  // First pass: header, syntax, row count, and the first row of each USCC so
  // that a repeated USCC is refused the same way whichever chunk reads it.
  let total = 0;
  let sawHeader = false;
  const firstRowOf = new Map<string, number>();
  for await (const { row, cells } of records(bytes, chunkBytes)) {
    if (!sawHeader) {
      checkHeader(cells, expected);
      sawHeader = true;
      continue;
    }
    if (isBlank(cells)) continue;
    total++;
    const uscc = (cells[usccColumn] ?? '').trim();
    if (uscc !== '' && !firstRowOf.has(uscc)) firstRowOf.set(uscc, row);
  }
  if (!sawHeader) throw fileError(`the file is empty: row 1 must be the header "${expected.join(',')}"`);

  const validate = VALIDATORS[kind] as Validator<RegisterEntries[K]>;
  return {
    kind,
    fingerprint: registerFingerprint(bytes),
    total,
    async *rows({ fromRow = 2 } = {}) {
      for await (const { row, cells } of records(bytes, chunkBytes)) {
        if (row === 1 || row < fromRow || isBlank(cells)) continue;
        const result = validate(row, cells);
        const uscc = (cells[usccColumn] ?? '').trim();
        const first = firstRowOf.get(uscc);
        if (first !== undefined && first !== row) {
          const dup: RowError = { row, field: 'uscc', message: `the same USCC is already on row ${first}` };
          yield { row, errors: 'errors' in result ? [...result.errors, dup] : [dup] };
        } else {
          yield result;
        }
      }
    },
  };
}

/** Groups a stream of rows into arrays of `size` (the last one may be shorter). */
export async function* inChunks<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

// ---------------------------------------------------------------- CSV

const CSV_OPTIONS: CsvOptions = {
  bom: true,
  // Rows of the wrong width are reported per row, not as a broken file.
  relax_column_count: true,
  // A quote inside an unquoted cell (北京"小巨人"科技) is kept as text, as spreadsheets read it.
  relax_quotes: true,
  // Blank lines stay records so row numbers match what a spreadsheet shows.
  skip_empty_lines: false,
};

function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function* slices(bytes: Uint8Array, size: number): Generator<Buffer> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < buf.byteLength; i += size) yield buf.subarray(i, i + size);
}

/**
 * Records with their spreadsheet row numbers, a batch per slice of the file.
 * The parser is written one slice at a time and hands each record over
 * through `on_record` (which then drops it from the stream), so memory holds
 * one slice's records whatever the file's size, and the cost is one await per
 * slice rather than per record. A slice may end inside a multi-byte
 * character: the parser joins a field's bytes before decoding them.
 */
async function* recordBatches(bytes: Uint8Array, chunkBytes: number): AsyncGenerator<{ row: number; cells: string[] }[]> {
  let batch: { row: number; cells: string[] }[] = [];
  let row = 0;
  const parser = parse({
    ...CSV_OPTIONS,
    on_record: (cells: string[]) => {
      batch.push({ row: ++row, cells });
      return null;
    },
  });
  // The same error reaches the write/end callback below; without a listener
  // the stream's 'error' event would also crash the process.
  parser.on('error', () => {});
  const step = (write: (done: (e?: Error | null) => void) => void) =>
    new Promise<void>((resolve, reject) => write((e) => (e ? reject(e) : resolve())));
  try {
    for (const slice of slices(bytes, chunkBytes)) {
      await step((done) => parser.write(slice, done));
      yield batch;
      batch = [];
    }
    await step((done) => parser.end(done));
    if (batch.length > 0) yield batch;
  } catch (e) {
    if (e instanceof CsvError) throw fileError(`the file is not valid CSV (near row ${row + 1}): ${e.message}`);
    throw e;
  } finally {
    parser.destroy();
  }
}

async function* records(bytes: Uint8Array, chunkBytes: number): AsyncGenerator<{ row: number; cells: string[] }> {
  for await (const batch of recordBatches(bytes, chunkBytes)) yield* batch;
}

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

function checkHeader(cells: string[], expected: readonly string[]): void {
  const got = cells.map((c) => c.trim());
  if (got.length === expected.length && got.every((c, i) => c === expected[i])) return;
  const missing = expected.filter((c) => !got.includes(c));
  const unexpected = got.filter((c) => !expected.includes(c));
  const why = [
    missing.length > 0 ? `missing ${missing.join(', ')}` : '',
    unexpected.length > 0 ? `unexpected ${unexpected.map((c) => JSON.stringify(c)).join(', ')}` : '',
    missing.length === 0 && unexpected.length === 0 ? 'columns out of order' : '',
  ]
    .filter(Boolean)
    .join('; ');
  throw fileError(`row 1 must be the header "${expected.join(',')}" (${why})`);
}

function fileError(message: string): ValidationFailed {
  return new ValidationFailed(message, [{ path: 'body', message }]);
}

// ---------------------------------------------------------------- rows

type Validator<E> = (row: number, cells: string[]) => RegisterRow<E>;

const NO_CONTROL = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
const text = (max: number) =>
  z.string().check(z.maxLength(max, `must be at most ${max} characters`), z.regex(NO_CONTROL, 'must not contain control characters'));

/** An enum whose message lists the values and suggests the nearest to what was written. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) => {
      const hint = didYouMean(nearest(String(issue.input).toUpperCase(), values));
      return hint ? `is not a known value: ${hint}` : `must be one of ${values.join(', ')}`;
    },
  });

/** A `;`-separated cell: each item checked, none repeated, at least one. */
const list = (check: (item: string) => string | undefined) =>
  z.string().check(
    z.superRefine((value, ctx) => {
      const items = value.split(';').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length === 0) ctx.issues.push({ code: 'custom', message: 'must list at least one item, separated by ";"', input: value });
      for (const item of items) {
        const problem = check(item);
        if (problem) ctx.issues.push({ code: 'custom', message: `"${item}" ${problem}`, input: value });
      }
      if (new Set(items).size !== items.length) ctx.issues.push({ code: 'custom', message: 'must not repeat an item', input: value });
    }),
  );
const PROVINCES = new Set<string>(PROVINCE_CODES);
const isoDay = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });

const TierRow = z.object({
  uscc: usccSchema,
  name: text(200),
  tier: oneOf(REGISTER_TIERS),
  batch: z.optional(text(100)),
  validUntil: isoDay,
});

const ProviderRow = z.object({
  uscc: usccSchema,
  name: text(200),
  kind: oneOf(PROVIDER_KINDS),
  regions: list((p) => {
    if (PROVINCES.has(p)) return undefined;
    const code = suggestProvince(p);
    return code ? `is not a province code: did you mean ${code}?` : 'is not a province code, e.g. "CN-SC" (GET /v1/regions lists them)';
  }),
  languages: list((l) => (isLanguageTag(l) ? undefined : 'is not a canonical BCP 47 language tag, e.g. "zh-CN"')),
  contactName: text(100),
  contactEmail: z.email({ error: 'must be an e-mail address' }).check(z.maxLength(254)),
  ownerSub: z.optional(z.string().check(z.regex(/^[\x21-\x7E]{1,128}$/, 'must be an account id (sub) without spaces'))),
});

const OPTIONAL: ReadonlySet<string> = new Set(['batch', 'ownerSub']);

/**
 * Cells → named, trimmed values (empty → absent), then the row schema.
 * Empty required cells are reported as such rather than as a type error.
 */
function validator<S extends z.ZodMiniType, E>(columns: readonly string[], schema: S, finish: (v: z.infer<S>) => E): Validator<E> {
  return (row, cells) => {
    const errors: RowError[] = [];
    if (cells.length > columns.length) {
      errors.push({ row, message: `has ${cells.length} cells; the header has ${columns.length} (a "," inside a cell needs quotes)` });
    }
    const values: Record<string, string> = {};
    const missing = new Set<string>();
    columns.forEach((column, i) => {
      const v = (cells[i] ?? '').trim();
      if (v !== '') values[column] = v;
      else if (!OPTIONAL.has(column)) missing.add(column);
    });
    for (const field of missing) errors.push({ row, field, message: 'is required' });
    const r = schema.safeParse(values);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const field = String(issue.path[0]);
        if (!missing.has(field)) errors.push({ row, field, message: issue.message });
      }
    }
    return r.success && errors.length === 0 ? { row, entry: finish(r.data) } : { row, errors };
  };
}

const VALIDATORS: { [K in RegisterKind]: Validator<RegisterEntries[K]> } = {
  TIERS: validator(REGISTER_HEADERS.TIERS, TierRow, (v): TierRegisterEntry => ({
    uscc: v.uscc,
    name: v.name,
    tier: v.tier,
    ...(v.batch !== undefined ? { batch: v.batch } : {}),
    validUntil: v.validUntil,
  })),
  PROVIDERS: validator(REGISTER_HEADERS.PROVIDERS, ProviderRow, (v): ProviderRegisterEntry => ({
    uscc: v.uscc,
    name: v.name,
    kind: v.kind,
    regions: splitList(v.regions) as ProvinceCode[],
    languages: splitList(v.languages),
    contactName: v.contactName,
    contactEmail: v.contactEmail,
    ...(v.ownerSub !== undefined ? { ownerSub: v.ownerSub } : {}),
  })),
};

function splitList(value: string): string[] {
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
