/**
 * Register imports (api.md "Registers"; design.md "Imports").
 *
 * `startImport` (POST /v1/registers/tiers|providers) opens the file (a file
 * that cannot be processed is a 400 before anything is written), takes the
 * operator's one import slot, stores the file, writes the import RUNNING with
 * the request for its first chunk in its outbox, and answers at once.
 *
 * `processImportChunk` (the importer, fed by ImportChunkRequested) works
 * through the rows from the requested one in chunks of CHUNK_ROWS: each
 * chunk's rows are applied (idempotent upserts), then the import is advanced
 * by one versioned write that records the progress and row errors. When
 * little of the invocation's time is left, that same write carries the
 * request for the next chunk, so an import of any length finishes across
 * invocations, each within its timeout. A request whose `fromRow` is not the
 * import's next row is a repeat (the bus delivers at least once) and is
 * ignored; two deliveries racing on one chunk cannot both advance it (the
 * version guard), and what the loser applied is applied again by nobody, as
 * every row's write is an upsert of the same value.
 *
 * Re-importing: the import id is derived from the register kind and the
 * file's sha256, so the same file answers the existing import; and a row
 * whose entry is already what it says writes nothing. A FAILED import is the
 * exception: the same file then starts a new attempt (attemptFor).
 */
import type { Context } from 'aws-lambda';
import { NotFound, QuotaExceeded } from '#domain/errors.ts';
import { withRowErrors, type RegisterImport } from '#domain/imports.ts';
import type { Provider } from '#domain/model.ts';
import {
  inChunks,
  openRegister,
  type ProviderRegisterEntry,
  type RegisterKind,
  type RegisterRow,
  type RowError,
  type TierRegisterEntry,
} from '#domain/registers.ts';
import { parseDetail, makeEvent } from '#events/contracts.ts';
import { fromEnvelope } from '#events/envelope.ts';
import type { AppPorts, Caller, NotifierHandler, Stored } from '#functions/ports.ts';
import { retryOnStale, StaleWrite, type RegisterEntry } from '../store/store.ts';
import { derivedId, iso, publishStored } from './support.ts';
import { claimUscc, usccHolder } from './uscc.ts';
import { applyTierFromRegister } from './verification.ts';

/** Rows per progress write: the progress bar moves every CHUNK_ROWS rows. */
export const CHUNK_ROWS = 500;
/** Stop taking chunks when less than this is left of the invocation; the next invocation goes on. */
export const TIME_MARGIN_MS = 60_000;
/** A RUNNING import that has not moved for this long is abandoned: its slot may be taken (its consumer died for good). */
export const STALLED_AFTER_MS = 15 * 60_000;
/** Rows applied at once within a chunk (SME re-verifications, provider upserts). */
const ROW_CONCURRENCY = 8;

/** Starts (or finds) the import of this file; answers the import's id. */
export async function startImport(ports: AppPorts, caller: Caller, kind: RegisterKind, bytes: Uint8Array): Promise<{ importId: string }> {
  const file = await openRegister(kind, bytes);
  const { importId, exists } = await attemptFor(ports, kind, file.fingerprint);
  if (exists) return { importId };

  await takeSlot(ports, caller.sub, importId);
  const stored = await ports.store.putImportFile(importId, bytes);
  let imp: Stored<RegisterImport>;
  try {
    imp = await ports.store.insert(
      'import',
      (now) => ({
        id: importId,
        kind,
        fingerprint: file.fingerprint,
        ownerSub: caller.sub,
        status: file.total === 0 ? 'DONE' : 'RUNNING',
        total: file.total,
        processed: 0,
        accepted: 0,
        rejected: 0,
        errors: [],
        errorCount: 0,
        nextRow: 2,
        fileParts: stored.parts,
        fileBytes: stored.bytes,
        startedAt: iso(now),
        ...(file.total === 0 ? { finishedAt: iso(now) } : {}),
        createdAt: iso(now),
      }),
      (w) => (w.status === 'RUNNING' ? [chunkRequest(w, 2)] : []),
    );
  } catch (e) {
    // The same file started by a concurrent request of this operator: that import is the answer.
    if (await ports.store.get('import', importId, true)) return { importId };
    throw e;
  }
  if (imp.status !== 'RUNNING') await ports.store.releaseImportLock(caller.sub, importId);
  await publishStored(ports, { kind: 'import', id: imp.id }, imp.pendingEvents ?? [], imp.version);
  return { importId };
}

/** Attempts of one file before its id stops changing: a file that failed this often needs a person, not another try. */
export const MAX_IMPORT_ATTEMPTS = 20;

/**
 * The import id this file names now, and whether that import exists.
 * Attempt 1 is derived from the kind and the file's sha256 alone (as before
 * attempts existed), attempt n also from n. The first attempt that has not
 * failed is the answer: a DONE or RUNNING import of the same bytes answers
 * itself (idempotent); a FAILED one, or a RUNNING one that stalled (its
 * consumer died for good: it is failed here), is retried under the next id,
 * with its own file copy, progress and errors, the failed attempt kept as it
 * ended. Two concurrent re-imports compute the same next id, so one insert
 * wins (startImport). Each failed attempt costs one read more per request.
 */
async function attemptFor(ports: AppPorts, kind: RegisterKind, fingerprint: string): Promise<{ importId: string; exists: boolean }> {
  const now = ports.clock.now().getTime();
  let importId = derivedId('im', kind, fingerprint);
  for (let attempt = 2; ; attempt++) {
    const imp = await ports.store.get('import', importId, true);
    if (!imp) return { importId, exists: false };
    const stalled = imp.status === 'RUNNING' && now - (Date.parse(imp.updatedAt) || 0) > STALLED_AFTER_MS;
    if ((imp.status !== 'FAILED' && !stalled) || attempt > MAX_IMPORT_ATTEMPTS) return { importId, exists: true };
    if (stalled) await failImport(ports, imp, `no progress for ${STALLED_AFTER_MS / 60_000} minutes`);
    importId = derivedId('im', kind, fingerprint, `attempt-${attempt}`);
  }
}

export async function getImport(ports: Pick<AppPorts, 'store'>, importId: string): Promise<Stored<RegisterImport>> {
  const imp = await ports.store.get('import', importId);
  if (!imp) throw new NotFound('import not found');
  return imp;
}

/**
 * One running import per operator (api.md "Quotas"): the slot is a lock item
 * taken by a conditional write, so of two concurrent requests only one
 * starts. A slot held by a finished, failed or stalled import is taken over.
 */
async function takeSlot(ports: AppPorts, sub: string, importId: string): Promise<void> {
  const now = ports.clock.now();
  const lock = { importId, at: iso(now) };
  let held = await ports.store.takeImportLock(sub, lock);
  if (!held) return;
  const holder = held.importId ? await ports.store.get('import', held.importId, true) : undefined;
  const since = Date.parse(holder?.updatedAt ?? held.at) || 0;
  const stalled = now.getTime() - since > STALLED_AFTER_MS;
  const running = holder ? holder.status === 'RUNNING' : held.importId !== '';
  if (running && !stalled) throw quotaExceeded(held.importId);
  if (holder && holder.status === 'RUNNING') await failImport(ports, holder, `no progress for ${STALLED_AFTER_MS / 60_000} minutes`);
  held = await ports.store.takeImportLock(sub, lock, held.importId);
  if (held) throw quotaExceeded(held.importId);
}

const quotaExceeded = (running: string) =>
  new QuotaExceeded('an import of yours is still running: wait for it to finish', [
    { path: 'quota.importsRunning', message: `at most 1 running import per operator; ${running || 'another'} is RUNNING` },
  ]);

function chunkRequest(imp: RegisterImport, fromRow: number) {
  return makeEvent('ImportChunkRequested', imp.id, imp.version, { importId: imp.id, fromRow, occurredAt: imp.updatedAt });
}

async function failImport(ports: AppPorts, imp: Stored<RegisterImport>, failure: string): Promise<void> {
  try {
    await ports.store.update('import', imp, (now) => ({ status: 'FAILED', failure, finishedAt: iso(now) }));
  } catch (e) {
    if (!(e instanceof StaleWrite)) throw e;
  }
  await ports.store.releaseImportLock(imp.ownerSub, imp.id);
}

export interface ChunkOptions {
  /** How much of the invocation is left (the Lambda context's). */
  remainingMs: () => number;
  /** @default CHUNK_ROWS */
  chunkRows?: number;
  /** @default TIME_MARGIN_MS */
  marginMs?: number;
}

export interface ChunkResult {
  importId: string;
  fromRow: number;
  rows: number;
  outcome: 'done' | 'continued' | 'ignored' | 'lost-race' | 'failed';
}

/** Works through an import from `fromRow` (see the module comment). */
export async function processImportChunk(
  ports: AppPorts,
  request: { importId: string; fromRow: number },
  opts: ChunkOptions,
): Promise<ChunkResult> {
  const result: ChunkResult = { importId: request.importId, fromRow: request.fromRow, rows: 0, outcome: 'ignored' };
  const found = await ports.store.get('import', request.importId, true);
  if (!found || found.status !== 'RUNNING' || found.nextRow !== request.fromRow) return result;
  let imp: Stored<RegisterImport> = found;

  let file;
  try {
    file = await openRegister(imp.kind, await ports.store.readImportFile(imp.id, imp.fileParts));
  } catch (e) {
    // The file was checked when the import started: failing to read it now is permanent (a missing part).
    ports.logger.error('import file unreadable', { importId: imp.id, error: e as Error });
    await failImport(ports, imp, 'the stored file could not be read');
    return { ...result, outcome: 'failed' };
  }

  const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
  const margin = opts.marginMs ?? TIME_MARGIN_MS;
  for await (const chunk of inChunks(file.rows({ fromRow: request.fromRow }), chunkRows)) {
    const { accepted, errors } = await applyRows(ports, imp, chunk);
    const nextRow = chunk[chunk.length - 1]!.row + 1;
    const before: Stored<RegisterImport> = imp;
    const processed: number = before.processed + chunk.length;
    const done: boolean = processed >= before.total;
    const pause: boolean = !done && opts.remainingMs() < margin;
    const changes = (now: Date) => ({
      processed,
      accepted: before.accepted + accepted,
      rejected: before.rejected + (chunk.length - accepted),
      errors: withRowErrors(before.errors, errors),
      errorCount: before.errorCount + errors.length,
      nextRow,
      ...(done ? { status: 'DONE' as const, finishedAt: iso(now) } : {}),
    });
    try {
      imp = await ports.store.update('import', before, changes, (w) => (pause ? [chunkRequest(w, nextRow)] : []));
    } catch (e) {
      // Another delivery of this request advanced the import first: it goes on from there.
      if (e instanceof StaleWrite) return { ...result, rows: result.rows + chunk.length, outcome: 'lost-race' };
      throw e;
    }
    result.rows += chunk.length;
    if (done) break;
    if (pause) {
      await publishStored(ports, { kind: 'import', id: imp.id }, imp.pendingEvents ?? [], imp.version);
      return { ...result, outcome: 'continued' };
    }
  }
  if (imp.status === 'RUNNING') {
    // Fewer rows than counted (cannot happen for an unchanged file): end it rather than leave it running.
    imp = await ports.store.update('import', imp, (now) => ({ status: 'DONE', finishedAt: iso(now) }));
  }
  await ports.store.releaseImportLock(imp.ownerSub, imp.id);
  return { ...result, outcome: 'done' };
}

/** Applies a chunk's valid rows; answers how many were accepted and the rows' errors. */
async function applyRows(
  ports: AppPorts,
  imp: RegisterImport,
  chunk: readonly RegisterRow<TierRegisterEntry | ProviderRegisterEntry>[],
): Promise<{ accepted: number; errors: RowError[] }> {
  const errors: RowError[] = chunk.flatMap((r) => ('errors' in r ? r.errors : []));
  const valid = chunk.flatMap((r) => ('entry' in r ? [{ row: r.row, entry: r.entry }] : []));
  if (imp.kind === 'TIERS') {
    await applyTierRows(ports, imp.id, valid.map((v) => v.entry as TierRegisterEntry));
    return { accepted: valid.length, errors };
  }
  let accepted = 0;
  await eachLimited(valid, ROW_CONCURRENCY, async ({ row, entry }) => {
    const problem = await upsertRegisteredProvider(ports, imp.id, entry as ProviderRegisterEntry);
    if (problem) errors.push({ row, field: 'uscc', message: problem });
    else accepted++;
  });
  errors.sort((a, b) => a.row - b.row);
  return { accepted, errors };
}

/**
 * Upserts the entries that differ from what the register holds (a row
 * already there as it says writes nothing), then re-verifies the SMEs that
 * hold those codes (applyTierFromRegister; codes no SME holds are skipped
 * without asking, by one batch read of the USCC lookup).
 */
async function applyTierRows(ports: AppPorts, importId: string, entries: readonly TierRegisterEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const usccs = entries.map((e) => e.uscc);
  const [existing, holders] = await Promise.all([ports.store.batchGetRegisterEntries(usccs), ports.store.batchGetUsccHolders(usccs)]);
  const changed: RegisterEntry[] = entries.filter((e) => !sameEntry(existing.get(e.uscc), e)).map((e) => ({ ...e, importId }));
  await ports.store.putRegisterEntries(changed);
  const smeRows = changed.filter((e) => holders.get(e.uscc)?.kind === 'sme');
  await eachLimited(smeRows, ROW_CONCURRENCY, (e) =>
    applyTierFromRegister(ports, { uscc: e.uscc, tier: e.tier, validUntil: e.validUntil, ...(e.batch !== undefined ? { batch: e.batch } : {}) }).then(() => undefined),
  );
}

function sameEntry(a: RegisterEntry | undefined, b: TierRegisterEntry): boolean {
  return a !== undefined && a.name === b.name && a.tier === b.tier && a.batch === b.batch && a.validUntil === b.validUntil;
}

/**
 * A directory row: the APPROVED provider keyed by its USCC, created or
 * updated. Answers a row error's message when the code belongs to an SME.
 * The id of a provider the directory creates is derived from its code, so a
 * retried row finds the provider (or the claim) it made before.
 */
async function upsertRegisteredProvider(ports: AppPorts, importId: string, e: ProviderRegisterEntry): Promise<string | undefined> {
  const holder = await usccHolder(ports, e.uscc);
  if (holder?.kind === 'sme') return 'this USCC is registered to an SME on the platform, not a provider';
  const facts = {
    name: e.name,
    kind: e.kind,
    regions: e.regions,
    languages: e.languages,
    contact: { name: e.contactName, email: e.contactEmail },
    uscc: e.uscc,
    status: 'APPROVED' as const,
    approvedVia: 'REGISTER' as const,
  };
  const id = holder?.id ?? derivedId('pr', 'register', e.uscc);
  if (!holder) await claimUscc(ports, e.uscc, { kind: 'provider', id });
  await retryOnStale(
    async () => {
      const cur = await ports.store.get('provider', id, true);
      if (!cur) {
        await ports.store.insert('provider', (now) => ({
          id,
          ownerSub: e.ownerSub ?? '',
          ...facts,
          certifications: [],
          rating: null,
          ratingCount: 0,
          importId,
          createdAt: iso(now),
        }));
        return;
      }
      // An owner the directory does not name keeps the one the provider has.
      const changes: Partial<Provider> = { ...facts, ...(e.ownerSub !== undefined ? { ownerSub: e.ownerSub } : {}) };
      const differs = (Object.keys(changes) as (keyof Provider)[]).some((k) => JSON.stringify(cur[k]) !== JSON.stringify(changes[k]));
      if (differs) await ports.store.update('provider', cur, { ...changes, importId, statusReason: undefined });
    },
    { attempts: 5 },
  );
  return undefined;
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  };
  // Every worker settles before a failure goes up: no write is left in flight.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, queue.length) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The importer Lambda: one ImportChunkRequested per invocation, working until its time is nearly up. */
export const importerHandler =
  (ports: AppPorts): NotifierHandler =>
  async (event, context: Context) => {
    const e = fromEnvelope(event);
    if (e.detailType !== 'ImportChunkRequested') return;
    const detail = parseDetail('ImportChunkRequested', e.detail);
    const r = await processImportChunk(ports, detail, { remainingMs: () => context.getRemainingTimeInMillis() });
    ports.logger.info('import chunk', { ...r });
  };
