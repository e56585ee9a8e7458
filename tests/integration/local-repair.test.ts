/**
 * The local table's crash repair (local/repair.ts): after an unclean stop the
 * table is rebuilt from its items, so no index entry disagrees with an item.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTable, startDynalite, type RunningDynalite } from '#local/dynamo.ts';
import { repairAfterCrash, RUNNING_MARKER } from '#local/repair.ts';

const logger = new Logger({ logLevel: 'SILENT' });
let db: RunningDynalite | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function setUp() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'repair-'));
  db = await startDynalite({ path: path.join(dir, 'dynamo') });
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTable(client, 'tbl');
  return { dir, client };
}

const waitingOf = async (client: DynamoDBClient) =>
  (
    await client.send(
      new QueryCommand({
        TableName: 'tbl',
        IndexName: 'GSI2',
        KeyConditionExpression: 'gsi2pk = :m',
        ExpressionAttributeValues: { ':m': { S: 'MARKET#energy-audit' } },
      }),
    )
  ).Items?.map((i) => i.pk!.S) ?? [];

describe('crash repair of the local table', () => {
  it('does nothing after a clean stop', async () => {
    const { dir, client } = await setUp();
    expect(await repairAfterCrash(client, 'tbl', dir, logger)).toBe(false);
  });

  it('after an unclean stop rebuilds the table and its indexes from the items', async () => {
    const { dir, client } = await setUp();
    const need = (id: string, waiting: boolean) => ({
      pk: { S: `NEED#${id}` },
      sk: { S: 'NEED' },
      gsisk: { S: `NEED#2026-12-01T00:00:00.000Z#${id}` },
      ...(waiting ? { gsi2pk: { S: 'MARKET#energy-audit' } } : {}),
      claims: { SS: ['mt_a', 'mt_b'] },
    });
    await client.send(new PutItemCommand({ TableName: 'tbl', Item: need('a', true) }));
    await client.send(new PutItemCommand({ TableName: 'tbl', Item: need('b', false) }));
    // A real ghost (an index entry no item backs) needs a SIGKILL inside dynalite's write: the fault
    // suite makes one (tests/reliability/faults.test.ts). Here: the rebuild keeps exactly the items and
    // the index entries they imply.
    await fs.writeFile(path.join(dir, RUNNING_MARKER), '1');

    expect(await repairAfterCrash(client, 'tbl', dir, logger)).toBe(true);

    expect(await waitingOf(client)).toEqual(['NEED#a']);
    const b = await client.send(new GetItemCommand({ TableName: 'tbl', Key: { pk: { S: 'NEED#b' }, sk: { S: 'NEED' } } }));
    expect(b.Item?.claims).toEqual({ SS: ['mt_a', 'mt_b'] });
    await expect(fs.access(path.join(dir, 'table-rebuild.jsonl'))).rejects.toThrow();
  });

  it('resumes a rebuild that was itself interrupted, from the dump it left', async () => {
    const { dir, client } = await setUp();
    const item = { pk: { S: 'NEED#c' }, sk: { S: 'NEED' }, gsisk: { S: 'NEED#2026#c' }, gsi2pk: { S: 'MARKET#energy-audit' } };
    // The dump was written and the table already dropped and recreated empty when the crash came.
    await fs.writeFile(path.join(dir, 'table-rebuild.jsonl'), JSON.stringify(item));

    expect(await repairAfterCrash(client, 'tbl', dir, logger)).toBe(true);

    expect(await waitingOf(client)).toEqual(['NEED#c']);
  });
});
