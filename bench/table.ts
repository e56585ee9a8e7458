/**
 * A fresh dynalite with the platform's table, for a bench part that drives
 * use cases against the real store: its document client (the one the Store
 * takes), the config a function would load, the ports a use case takes on
 * it, and one close for all of it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig, type Config } from '#functions/config.ts';
import type { AppPorts, Clock, EventPublisher } from '#functions/ports.ts';
import { makeDocumentClient } from '#functions/store/client.ts';
import { Store } from '#functions/store/store.ts';
import { ensureTable, startDynalite } from '#local/dynamo.ts';

export interface BenchTable {
  tableName: string;
  doc: DynamoDBDocumentClient;
  config: Config;
  /** The ports a use case takes, on this table: the store on `clock`, a silent logger, events to `publish` (dropped by default). */
  ports(clock: Clock, publish?: EventPublisher['publish']): AppPorts;
  close(): Promise<void>;
}

export async function benchTable(tableName: string): Promise<BenchTable> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const db = await startDynalite();
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = makeDocumentClient({ endpoint: db.endpoint });
  const close = async () => {
    doc.destroy();
    raw.destroy();
    await db.close();
  };
  try {
    await ensureTable(raw, tableName);
  } catch (e) {
    await close();
    throw e;
  }
  const config = loadConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: db.endpoint, CURSOR_SECRET: 'bench-cursor-secret-0123456789' });
  const ports = (clock: Clock, publish: EventPublisher['publish'] = async () => undefined): AppPorts => ({
    store: new Store(doc, tableName, config.CURSOR_SECRET, { clock }),
    publisher: { publish },
    clock,
    config,
    logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
  });
  return { tableName, doc, config, ports, close };
}
