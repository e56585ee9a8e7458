/**
 * A document client whose requests fast-check's scheduler releases one at a
 * time: each request waits for the scheduler, then runs alone against
 * dynalite, and the scheduler picks the next only once it has finished and
 * its caller has gone on to its next request. Interleavings of multi-request
 * operations (claim then read, lock then claim then write) are therefore
 * chosen by the scheduler, reproducible from the seed, and the trace of
 * requests in execution order is the linearisation a model can replay.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';

export interface TraceEntry {
  /** The command (of the test) that issued the request, from AsyncLocalStorage. */
  owner: number | undefined;
  name: string;
  input: Record<string, unknown>;
  ok: boolean;
  output?: unknown;
  error?: unknown;
}

const controller: { inflight: Promise<unknown> | undefined } = { inflight: undefined };
const tick = () => new Promise<void>((r) => setImmediate(r));

/** The scheduler's act: release a task, then wait until its request (if any) is done and its caller moved on. */
export const serialAct = async (release: () => Promise<void>): Promise<void> => {
  await release();
  await tick();
  while (controller.inflight) {
    const p = controller.inflight;
    await p;
    if (controller.inflight === p) controller.inflight = undefined;
    await tick();
  }
  await tick();
};

/** fc.scheduler() with the serialising act. */
export const serialScheduler = () => fc.scheduler({ act: serialAct });

export const owner = new AsyncLocalStorage<number>();

export function scheduledDoc(
  doc: DynamoDBDocumentClient,
  s: fc.Scheduler,
  trace: TraceEntry[],
): DynamoDBDocumentClient {
  const send = async (cmd: { input: Record<string, unknown> }) => {
    const name = (cmd as object).constructor.name;
    const who = owner.getStore();
    await s.schedule(Promise.resolve(), `${who ?? '-'}:${name}`);
    const p = (doc.send as (c: unknown) => Promise<unknown>)(cmd);
    controller.inflight = p.then(
      () => undefined,
      () => undefined,
    );
    try {
      const output = await p;
      trace.push({ owner: who, name, input: cmd.input, ok: true, output });
      return output;
    } catch (error) {
      trace.push({ owner: who, name, input: cmd.input, ok: false, error });
      throw error;
    }
  };
  return { send } as unknown as DynamoDBDocumentClient;
}
