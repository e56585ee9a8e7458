/**
 * Register imports in the table: the file, the per-operator lock and the
 * tier register's entries. (The import itself is a versioned entity: see
 * entities.ts; its outbox carries the request for its next chunk.)
 *
 * Where the file lives: in the table, gzip-compressed, in parts below
 * DynamoDB's 400 KB item limit. An API body is at most 5 MiB, a CSV register
 * compresses 4-6x, so a file is one to four items (1 write unit per KB: about
 * 1,200 units for a 5 MiB file, once; ~0.01 per row of a 100,000-row file),
 * read back with one Query per chunk invocation. The same code runs in AWS
 * and locally, with no bucket, no second store to grant, back up or clean,
 * and no event source to keep in step. An S3 bucket becomes the better home
 * only for files above what an API request carries (API Gateway's HTTP API
 * payload limit is 10 MB; Lambda's synchronous request payload limit, 6 MB,
 * binds first), which the contract does not ask for.
 */
import { BatchWriteCommand, DeleteCommand, PutCommand, QueryCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { TierRegisterEntry } from '#domain/registers.ts';
import { batchGetItems, getItem, writeIf, type Item, type StoreContext } from './core.ts';
import { importFileKey, importKey, importLockKey, registerEntryKey, usccKey } from './keys.ts';

/**
 * node:zlib, loaded on first use: only the register functions read or write
 * files, and loading it at import cost every other function's cold start ~3 ms.
 */
let zlib: Promise<typeof import('node:zlib')> | undefined;
const zlibOnce = () => (zlib ??= import('node:zlib'));

/** Below the 400 KB item limit with room for the keys. */
const PART_BYTES = 350 * 1024;

/** A tier register entry as stored: the register's row and the import that wrote it. */
export interface RegisterEntry extends TierRegisterEntry {
  importId: string;
}

export async function putImportFile(ctx: StoreContext, importId: string, bytes: Uint8Array): Promise<{ parts: number; bytes: number }> {
  const gz = (await zlibOnce()).gzipSync(bytes);
  const parts = Math.max(1, Math.ceil(gz.byteLength / PART_BYTES));
  for (let i = 0; i < parts; i++) {
    // Plain puts: writing the same part again (a retried request) writes the same bytes.
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...importFileKey(importId, i), type: 'importFile', data: gz.subarray(i * PART_BYTES, (i + 1) * PART_BYTES) },
      }),
    );
  }
  return { parts, bytes: bytes.byteLength };
}

/** The file's bytes; throws when a part is missing (the import then fails rather than reading half a file). */
export async function readImportFile(ctx: StoreContext, importId: string, parts: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let start: Item | undefined;
  do {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :file)',
        ExpressionAttributeValues: { ':pk': importKey(importId).pk, ':file': 'FILE#' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of res.Items ?? []) chunks.push(Buffer.from(item.data as Uint8Array));
    start = res.LastEvaluatedKey;
  } while (start);
  if (chunks.length !== parts) throw new Error(`import ${importId}: ${chunks.length} of ${parts} file parts found`);
  return (await zlibOnce()).gunzipSync(Buffer.concat(chunks));
}

export interface ImportLock {
  importId: string;
  at: string;
}

/**
 * Takes the operator's one import slot for `importId`: a conditional put that
 * succeeds when the slot is free, already this import's, or held by exactly
 * `replacing` (a finished or abandoned import the caller checked). Returns
 * undefined when taken, else the lock that holds the slot.
 */
export async function takeImportLock(
  ctx: StoreContext,
  sub: string,
  lock: ImportLock,
  replacing?: string,
): Promise<ImportLock | undefined> {
  const ok = await writeIf(
    ctx,
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...importLockKey(sub), type: 'importLock', ...lock },
      ConditionExpression:
        replacing === undefined ? 'attribute_not_exists(pk) OR importId = :self' : 'attribute_not_exists(pk) OR importId = :self OR importId = :old',
      ExpressionAttributeValues: { ':self': lock.importId, ...(replacing === undefined ? {} : { ':old': replacing }) },
    }),
  );
  if (ok) return undefined;
  const held = await getItem(ctx, importLockKey(sub), true);
  // Freed between the two calls: report it as held by nobody; the caller tries again.
  return held ? { importId: held.importId as string, at: held.at as string } : { importId: '', at: '' };
}

/** Frees the operator's slot if `importId` holds it (a repeat, or a slot taken over since, changes nothing). */
export async function releaseImportLock(ctx: StoreContext, sub: string, importId: string): Promise<void> {
  try {
    await ctx.doc.send(
      new DeleteCommand({
        TableName: ctx.tableName,
        Key: importLockKey(sub),
        ConditionExpression: 'importId = :id',
        ExpressionAttributeValues: { ':id': importId },
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
  }
}

// ------------------------------------------------------------------ the tier register

export async function getRegisterEntry(ctx: StoreContext, uscc: string): Promise<RegisterEntry | undefined> {
  const item = await getItem(ctx, registerEntryKey(uscc), false);
  return item ? toEntry(item) : undefined;
}

export async function batchGetRegisterEntries(ctx: StoreContext, usccs: readonly string[]): Promise<Map<string, RegisterEntry>> {
  const items = await batchGetItems(ctx, [...new Set(usccs)].map(registerEntryKey));
  return new Map(items.map((i) => [i.uscc as string, toEntry(i)]));
}

/** BatchWriteItem calls in flight at once: a chunk's 20 batches overlap their round trips. */
const WRITE_CONCURRENCY = 4;

/** Writes whole entries, 25 per BatchWriteItem, retrying what DynamoDB leaves unprocessed. */
export async function putRegisterEntries(ctx: StoreContext, entries: readonly RegisterEntry[]): Promise<void> {
  const batches: RegisterEntry[][] = [];
  for (let i = 0; i < entries.length; i += 25) batches.push(entries.slice(i, i + 25));
  const writeBatch = async (batch: RegisterEntry[]) => {
    let pending: NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string] | undefined = batch.map((e) => ({
      PutRequest: { Item: { ...registerEntryKey(e.uscc), type: 'registerEntry', ...e } },
    }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('BatchWriteItem kept leaving items unprocessed');
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 1000)));
      const res: BatchWriteCommandOutput = await ctx.doc.send(new BatchWriteCommand({ RequestItems: { [ctx.tableName]: pending } }));
      pending = res.UnprocessedItems?.[ctx.tableName];
    }
  };
  // Every worker settles before a failure goes up: no write is left in flight.
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(WRITE_CONCURRENCY, batches.length) }, async () => {
      for (let b = batches.shift(); b; b = batches.shift()) await writeBatch(b);
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The holders of many USCCs at once (the lookup items of store/uscc.ts), so
 * an import asks about an SME only for the rows of codes an SME holds.
 */
export async function batchGetUsccHolders(ctx: StoreContext, usccs: readonly string[]): Promise<Map<string, { kind: string; id: string }>> {
  const items = await batchGetItems(ctx, [...new Set(usccs)].map(usccKey));
  return new Map(items.map((i) => [i.uscc as string, { kind: i.holderKind as string, id: i.holderId as string }]));
}

function toEntry(item: Item): RegisterEntry {
  return {
    uscc: item.uscc as string,
    name: item.name as string,
    tier: item.tier as RegisterEntry['tier'],
    ...(typeof item.batch === 'string' ? { batch: item.batch } : {}),
    validUntil: item.validUntil as string,
    importId: item.importId as string,
  };
}
