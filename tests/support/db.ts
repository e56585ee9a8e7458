/**
 * A fresh table per test file in the run's dynalite, through the real AWS SDK.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '#local/dynamo.ts';
import { makeDocumentClient } from '#functions/store/client.ts';
import { Store } from '#functions/store/store.ts';

export const TEST_CURSOR_SECRET = 'test-cursor-secret-0123456789';

export async function freshTable(prefix = 'test') {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const raw = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTable(raw, tableName);
  raw.destroy();
  const doc = makeDocumentClient({ endpoint });
  return {
    endpoint,
    tableName,
    doc,
    store: () => new Store(doc, tableName, TEST_CURSOR_SECRET),
  };
}
