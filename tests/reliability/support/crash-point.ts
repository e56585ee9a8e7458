/**
 * Crashes at one precise point: a child runtime preloaded with
 * kill-at-item-write.ts dies when dynalite is about to write a chosen item
 * (after that item's index entries are written). Then the same data dir is
 * opened again in process, as a restart.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRuntime, type Runtime } from '#local/runtime.ts';
import { call, ok, startChild, type ChildRuntime } from './crash.ts';
import { needBody, offeringBody, providerBody, smeBody } from './fuzz.ts';

const PRELOAD = fileURLToPath(new URL('./kill-at-item-write.ts', import.meta.url));

export interface CrashPoint {
  dataDir: string;
  child: ChildRuntime;
  smeToken: string;
  providerToken: string;
  smeId: string;
  /** The need's POST, sent as the process died (no answer expected). */
  post: (description: string, key: string) => Promise<unknown>;
  restart: (clock?: () => Date) => Promise<Runtime>;
  cleanup: () => Promise<void>;
}

/** A child runtime that dies when it writes an item matching `killPattern`; an SME and optionally an offering of energy-audit. */
export async function crashPoint(killPattern: string, opts: { offeringCapacity?: number } = {}): Promise<CrashPoint> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crash-point-'));
  // dynalite inside the runtime's process (LOCAL_DYNALITE, local/dynamo.ts): the preload patches it there, and the kill ends both.
  const child = await startChild(dataDir, { KILL_AT_ITEM_WRITE: killPattern, LOCAL_DYNALITE: 'inline' }, [PRELOAD]);
  const url = child.url;
  const smeToken = (await ok(url, 'POST', '/local/tokens', undefined, { role: 'sme', sub: 'crash-point-sme' }, 201)).token as string;
  const providerToken = (await ok(url, 'POST', '/local/tokens', undefined, { role: 'provider', sub: 'crash-point-provider' }, 201)).token as string;
  if (opts.offeringCapacity !== undefined) {
    const p = await ok(url, 'POST', '/v1/providers', providerToken, providerBody(), 201);
    const operatorToken = (await ok(url, 'POST', '/local/tokens', undefined, { role: 'operator', sub: 'crash-point-operator' }, 201)).token as string;
    await ok(url, 'POST', `/v1/providers/${p.id}/approve`, operatorToken, undefined, 200);
    await ok(url, 'POST', `/v1/providers/${p.id}/offerings`, providerToken, offeringBody({ capacityPerMonth: opts.offeringCapacity }), 201);
  }
  const smeId = (await ok(url, 'POST', '/v1/smes', smeToken, smeBody(), 201)).id as string;
  let runtime: Runtime | undefined;
  return {
    dataDir,
    child,
    smeToken,
    providerToken,
    smeId,
    post: (description, key) =>
      call(url, 'POST', `/v1/smes/${smeId}/needs`, smeToken, needBody({ description }), { 'idempotency-key': key }).catch((e: Error) => e),
    restart: async (clock) => {
      runtime = await startRuntime({
        dataDir,
        roundDelayMs: 0,
        logLevel: 'SILENT',
        intervals: { relay: 0, rebalance: 0, expiry: 0 },
        ...(clock ? { clock: { now: clock } } : {}),
      });
      return runtime;
    },
    cleanup: async () => {
      if (child.proc.exitCode === null && child.proc.signalCode === null) {
        child.proc.kill('SIGKILL');
        await child.exited;
      }
      await runtime?.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
