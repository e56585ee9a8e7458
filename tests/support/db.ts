/**
 * A fresh table per test file in the run's dynalite, through the real AWS SDK.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '#local/dynamo.ts';
import { makeDocumentClient } from '#functions/store/client.ts';
import { Store, type Entities, type EventsFor, type Kind, type StoreOptions } from '#functions/store/store.ts';

export const TEST_CURSOR_SECRET = 'test-cursor-secret-0123456789';

const storeAt = (doc: DynamoDBDocumentClient, tableName: string, at: string) =>
  new Store(doc, tableName, TEST_CURSOR_SECRET, { clock: { now: () => new Date(at) } });

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
    /** A store on this table; pass the test's clock when use cases read it too. */
    store: (options: StoreOptions = {}) => new Store(doc, tableName, TEST_CURSOR_SECRET, options),
    /** A store whose clock always reads `at` (ISO): everything it writes is stamped with that instant. */
    at: (at: string) => storeAt(doc, tableName, at),
    /**
     * Writes an entity as a test made it (tests/support/factories.ts): through
     * `insert`, stamped with the entity's own `updatedAt`, so what is stored
     * equals what the test holds (version 1). Returns it as stored.
     */
    seed: <K extends Kind>(kind: K, entity: Entities[K], events?: EventsFor<Entities[K]>) =>
      storeAt(doc, tableName, (entity as { updatedAt: string }).updatedAt).insert(kind, entity, events),
  };
}
