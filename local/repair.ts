/**
 * Crash repair of the local table. dynalite writes an item and its index
 * entries as separate LevelDB writes, so a SIGKILL between them leaves an
 * index disagreeing with its table: a ghost entry (a need listed twice) or a
 * missing one (a WAITING need no round ever sees). DynamoDB itself has no
 * such window; this is the local runtime's to fix.
 *
 * After an unclean stop the runtime rebuilds the table: every item is dumped
 * (a Scan — a maintenance pass at start-up, never a request path) to a file
 * in the data dir and fsync'd, the table is deleted and created again from
 * the one definition, and the items are written back, which rebuilds every
 * index from the items. The dump is removed only once all is written back,
 * so a crash during the rebuild resumes it at the next start.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ensureTable } from './dynamo.ts';
import { writeFileDurably } from './files.ts';

/** Present while a runtime runs; a graceful stop removes it. */
export const RUNNING_MARKER = 'running';
const DUMP_FILE = 'table-rebuild.jsonl';

type Item = Record<string, AttributeValue>;

export async function repairAfterCrash(client: DynamoDBClient, tableName: string, dataDir: string, logger: Logger): Promise<boolean> {
  const marker = path.join(dataDir, RUNNING_MARKER);
  const dump = path.join(dataDir, DUMP_FILE);
  const crashed = await exists(marker);
  const resuming = await exists(dump);
  if (!crashed && !resuming) return false;

  const started = performance.now();
  if (!resuming) {
    const items = await scanAll(client, tableName);
    await writeFileDurably(dump, items.map((i) => JSON.stringify(i)).join('\n'));
  }
  const items = (await fs.readFile(dump, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Item);
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch((e: { name?: string }) => {
    if (e.name !== 'ResourceNotFoundException') throw e;
  });
  await ensureTable(client, tableName);
  await writeBack(client, tableName, items);
  await fs.rm(dump);
  logger.warn('the previous run did not stop cleanly: table rebuilt from its items', {
    items: items.length,
    ms: Math.round(performance.now() - started),
  });
  return true;
}

async function scanAll(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const res = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

async function writeBack(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 10) throw new Error('BatchWriteItem kept leaving items unprocessed during the rebuild');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * attempt));
      const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (res.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
