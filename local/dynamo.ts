/**
 * dynalite on a loopback port (0 = a free one), stopped with its owner. Used
 * by the local runtime, the tests' global setup and the benchmarks, either in
 * a child process of its own (the store's CPU on another core than the
 * handlers', local/dynalite-process.ts) or in this process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '#functions/store/table.ts';
import { CHILD_ARG, listenDynalite, type ChildReport, type DynaliteServerOptions } from './dynalite-process.ts';

export interface RunningDynalite {
  endpoint: string;
  close(): Promise<void>;
}

export type DynaliteMode = 'process' | 'inline';

export interface DynaliteOptions extends DynaliteServerOptions {
  /**
   * 'process': a child process (stopped by close(), gone when this process
   * dies); 'inline': in this process, sharing its event loop.
   * @default the MODE_VARIABLE environment variable, else 'process'
   */
  mode?: DynaliteMode;
}

/**
 * Chooses the mode where the caller does not (the local runtime, so `npm
 * start` and every test that starts a runtime): `inline` for a run that must
 * have dynalite inside the runtime's process, e.g. the fault tests that kill
 * the runtime in the middle of one of dynalite's writes.
 */
export const MODE_VARIABLE = 'LOCAL_DYNALITE';

export function defaultMode(env: Record<string, string | undefined> = process.env): DynaliteMode {
  const v = env[MODE_VARIABLE];
  if (v === undefined || v === '') return 'process';
  if (v === 'process' || v === 'inline') return v;
  throw new Error(`${MODE_VARIABLE}=${v}: expected process or inline`);
}

/** A child that has not said where it listens by then is killed and the start fails. */
const CHILD_START_TIMEOUT_MS = 30_000;
/** After asking the child to stop, how long before it is killed (it closes its LevelDB store first). */
const CHILD_STOP_TIMEOUT_MS = 10_000;

export async function startDynalite(opts: DynaliteOptions = {}): Promise<RunningDynalite> {
  const { mode = defaultMode(), ...server } = opts;
  if (mode === 'process') return startChild(server);
  const s = await listenDynalite(server);
  return { endpoint: `http://127.0.0.1:${s.port}`, close: () => s.close() };
}

function startChild(opts: DynaliteServerOptions): Promise<RunningDynalite> {
  const script = fileURLToPath(new URL('./dynalite-process.ts', import.meta.url));
  // The child runs TypeScript through tsx's loader, named by its full path so it resolves from any working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = fork(script, [CHILD_ARG, JSON.stringify(opts)], {
    execArgv: ['--import', tsx],
    // stdout closed (dynalite prints nothing we need), stderr shared: a crash says why.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return new Promise<RunningDynalite>((resolve, reject) => {
    const onError = (e: Error) => fail(e.message);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? code}) before listening`);
    const settle = () => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
    };
    const fail = (why: string) => {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`dynalite child process: ${why}`));
    };
    const timer = setTimeout(() => fail(`no port after ${CHILD_START_TIMEOUT_MS} ms`), CHILD_START_TIMEOUT_MS);
    child.once('error', onError);
    child.once('exit', onExit);
    child.once('message', (m: ChildReport) => {
      if ('error' in m) {
        fail(m.error);
        return;
      }
      settle();
      // Not a reason for this process to stay up: close() or this process's exit ends the child.
      child.unref();
      child.channel?.unref();
      let closing: Promise<void> | undefined;
      resolve({
        endpoint: `http://127.0.0.1:${m.listening}`,
        close: () =>
          (closing ??= (async () => {
            // Held until it has exited (closing its store): the caller's next step may reopen the same path.
            child.ref();
            if (child.connected) child.send({ stop: true });
            const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS);
            await exited;
            clearTimeout(killer);
          })()),
      });
    });
  });
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
