/**
 * dynalite in process: started on a loopback port (0 = a free one), stopped
 * with the process. Used by the local runtime, the tests' global setup and
 * the benchmarks.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '#functions/store/table.ts';

export interface RunningDynalite {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<RunningDynalite> {
  // Tables become ACTIVE at once: the default 500 ms delay only slows start-up.
  const server = dynalite({ ...(opts.path ? { path: opts.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets from SDK clients would hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const named = (e: unknown, name: string) => (e as { name?: string } | null)?.name === name;

/**
 * Creates the table from the one definition unless it exists; waits until
 * ACTIVE. A table still being deleted (dynalite deletes asynchronously, so
 * "in use" can be answered by a table about to vanish) is waited out and
 * created again.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (e) {
      if (!(e instanceof ResourceInUseException) && !named(e, 'ResourceInUseException')) throw e;
    }
    try {
      const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (d.Table?.TableStatus === 'ACTIVE') return;
    } catch (e) {
      if (!named(e, 'ResourceNotFoundException')) throw e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
