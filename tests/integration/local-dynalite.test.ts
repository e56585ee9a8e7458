/**
 * dynalite in a child process (local/dynalite-process.ts, started by
 * local/dynamo.ts): it answers on loopback through the real AWS SDK, close()
 * ends it, it keeps what it stored on disk, and it does not outlive a parent
 * that dies.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMode, ensureTable, MODE_VARIABLE, startDynalite, type RunningDynalite } from '#local/dynamo.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DYNAMO = fileURLToPath(new URL('../../local/dynamo.ts', import.meta.url));

const started: RunningDynalite[] = [];
const clients: DynamoDBClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const db of started.splice(0)) await db.close();
});

async function start(opts: Parameters<typeof startDynalite>[0]) {
  const db = await startDynalite(opts);
  started.push(db);
  return db;
}

function clientOf(endpoint: string) {
  const c = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  clients.push(c);
  return c;
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

/** Whether something accepts TCP connections on the loopback port. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

async function waitUntilClosed(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await accepts(port))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const item = (id: string) => ({ pk: { S: `NEED#${id}` }, sk: { S: 'NEED' }, note: { S: `kept ${id}` } });
const noteOf = async (c: DynamoDBClient, id: string) =>
  (await c.send(new GetItemCommand({ TableName: 'tbl', Key: { pk: { S: `NEED#${id}` }, sk: { S: 'NEED' } }, ConsistentRead: true }))).Item?.note?.S;

describe('dynalite in a child process', () => {
  it('answers on loopback through the AWS SDK, and close() ends the child', async () => {
    const db = await start({ mode: 'process' });
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = clientOf(db.endpoint);
    await ensureTable(c, 'tbl');
    await c.send(new PutItemCommand({ TableName: 'tbl', Item: item('a') }));
    expect(await noteOf(c, 'a')).toBe('kept a');

    await db.close();
    expect(await accepts(portOf(db.endpoint))).toBe(false);
    // A second close is the same close.
    await db.close();
  });

  it('keeps what it stored on disk across a stop and a start on the same path', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dynalite-proc-'));
    try {
      const first = await start({ mode: 'process', path: path.join(dir, 'dynamo') });
      const c1 = clientOf(first.endpoint);
      await ensureTable(c1, 'tbl');
      await c1.send(new PutItemCommand({ TableName: 'tbl', Item: item('b') }));
      await first.close();

      const second = await start({ mode: 'process', path: path.join(dir, 'dynamo') });
      expect(await noteOf(clientOf(second.endpoint), 'b')).toBe('kept b');
    } finally {
      for (const db of started.splice(0)) await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('exits when its parent dies, and the next start opens the same store with what was written', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dynalite-orphan-'));
    const store = path.join(dir, 'dynamo');
    // A parent process that starts dynalite in its child and then only waits: it is killed below.
    const script = [
      `import { startDynalite } from ${JSON.stringify(DYNAMO)};`,
      `const db = await startDynalite({ mode: 'process', path: ${JSON.stringify(store)} });`,
      `console.log('ENDPOINT ' + db.endpoint);`,
      `setInterval(() => undefined, 1000);`,
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      parent.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const endpoint = await new Promise<string>((resolve, reject) => {
        parent.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /ENDPOINT (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) first:\n${out}`)));
      });
      const c = clientOf(endpoint);
      await ensureTable(c, 'tbl');
      await c.send(new PutItemCommand({ TableName: 'tbl', Item: item('c') }));

      parent.kill('SIGKILL');
      expect(await waitUntilClosed(portOf(endpoint), 10_000)).toBe(true);

      const next = await start({ mode: 'process', path: store });
      expect(await noteOf(clientOf(next.endpoint), 'c')).toBe('kept c');
    } finally {
      parent.kill('SIGKILL');
      for (const db of started.splice(0)) await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fails to start with the reason when the port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as net.AddressInfo;
      await expect(startDynalite({ mode: 'process', port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('dynalite in this process', () => {
  it('answers on loopback and close() stops it', async () => {
    const db = await start({ mode: 'inline' });
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = clientOf(db.endpoint);
    await ensureTable(c, 'tbl');
    expect((await c.send(new ListTablesCommand({}))).TableNames).toEqual(['tbl']);
    c.destroy();
    await db.close();
    expect(await accepts(portOf(db.endpoint))).toBe(false);
  });
});

describe(`the mode where the caller names none (${MODE_VARIABLE})`, () => {
  it('is a child process unless the variable says inline, and refuses other values', () => {
    expect(defaultMode({})).toBe('process');
    expect(defaultMode({ [MODE_VARIABLE]: '' })).toBe('process');
    expect(defaultMode({ [MODE_VARIABLE]: 'inline' })).toBe('inline');
    expect(defaultMode({ [MODE_VARIABLE]: 'process' })).toBe('process');
    expect(() => defaultMode({ [MODE_VARIABLE]: 'thread' })).toThrow(/expected process or inline/);
  });
});
