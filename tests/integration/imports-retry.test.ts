/**
 * Re-importing a register file (api.md "Registers": the same file imported
 * twice changes nothing the second time) after its import failed: the same
 * bytes start a new attempt with an id of its own, which runs to DONE; a DONE
 * or still RUNNING import keeps answering itself; a RUNNING import that
 * stalled is failed and retried; concurrent retries start one attempt.
 * Through the real handlers on dynalite; the failure is a real one (a part
 * of the stored file gone, which the importer refuses to half-read).
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { makeUscc } from '#domain/uscc.ts';
import { importFileKey } from '#functions/store/keys.ts';
import { processImportChunk } from '#functions/usecases/imports.ts';
import { actor, testApp } from '#tests/support/app.ts';

let serial = 70_000_000 + Math.floor(Math.random() * 1_000_000);
const tiersCsv = (rows: number) =>
  ['uscc,name,tier,batch,validUntil', ...Array.from({ length: rows }, (_, i) => `${makeUscc('CN-HN', serial++)},湖南企业${i},SPECIALIZED,第六批,2030-12-31`)].join('\n');

async function importer() {
  const app = await testApp();
  const op = actor('operator');
  const post = (csv: string) => app.call('POST', '/v1/registers/tiers', { as: op, rawBody: csv, headers: { 'content-type': 'text/csv' } });
  const get = async (id: string) => (await app.call('GET', `/v1/imports/${id}`, { as: op })).body;
  /** Fails the import for real: a part of its stored file disappears, and the importer will not read half a file. */
  const breakAndRun = async (importId: string) => {
    await app.doc.send(new DeleteCommand({ TableName: app.tableName, Key: importFileKey(importId, 0) }));
    app.publisher.queue = [];
    expect(await processImportChunk(app.ports, { importId, fromRow: 2 }, { remainingMs: () => 300_000 })).toMatchObject({ outcome: 'failed' });
  };
  const chunkRequests = () => app.publisher.published.filter((e) => e.detailType === 'ImportChunkRequested').length;
  return { app, op, post, get, breakAndRun, chunkRequests };
}

describe('re-importing the same file', () => {
  it('after a FAILED import starts a new attempt that runs to DONE; the failed one stays as it ended', async () => {
    const { app, post, get, breakAndRun } = await importer();
    const csv = tiersCsv(30);
    const first = await post(csv);
    expect(first.status).toBe(202);
    const failedId = first.body.importId as string;
    await breakAndRun(failedId);
    expect(await get(failedId)).toMatchObject({ status: 'FAILED', processed: 0, failure: 'the stored file could not be read' });

    const retry = await post(csv);
    expect(retry.status).toBe(202);
    const retryId = retry.body.importId as string;
    expect(retryId).not.toBe(failedId);
    expect(await get(retryId)).toMatchObject({ status: 'RUNNING', total: 30, processed: 0 });
    await app.drain();
    expect(await get(retryId)).toMatchObject({ status: 'DONE', total: 30, processed: 30, accepted: 30, rejected: 0 });
    expect(await get(failedId)).toMatchObject({ status: 'FAILED', processed: 0 });
  });

  it('after DONE answers the DONE import and starts nothing', async () => {
    const { app, post, get, breakAndRun, chunkRequests } = await importer();
    const csv = tiersCsv(12);
    const failedId = (await post(csv)).body.importId as string;
    await breakAndRun(failedId);
    const doneId = (await post(csv)).body.importId as string;
    await app.drain();
    expect(await get(doneId)).toMatchObject({ status: 'DONE', accepted: 12 });

    const requested = chunkRequests();
    const again = await post(csv);
    expect(again.status).toBe(202);
    expect(again.body.importId).toBe(doneId);
    expect(chunkRequests()).toBe(requested);
    // A file that never failed is idempotent from its first import on.
    const other = tiersCsv(3);
    const once = (await post(other)).body.importId;
    await app.drain();
    expect((await post(other)).body.importId).toBe(once);
  });

  it('while it is RUNNING answers the running import; once it stalled, fails it and starts a new attempt', async () => {
    const { app, post, get } = await importer();
    const csv = tiersCsv(8);
    const runningId = (await post(csv)).body.importId as string;
    // Its chunk request is never delivered: the consumer "died".
    app.publisher.queue = [];
    expect((await post(csv)).body.importId).toBe(runningId);

    app.advance(16 * 60_000);
    const retryId = (await post(csv)).body.importId as string;
    expect(retryId).not.toBe(runningId);
    expect(await get(runningId)).toMatchObject({ status: 'FAILED', failure: 'no progress for 15 minutes' });
    await app.drain();
    expect(await get(retryId)).toMatchObject({ status: 'DONE', accepted: 8 });
  });

  it('twice at once after a failure starts one attempt, answered to both', async () => {
    const { app, post, get, breakAndRun, chunkRequests } = await importer();
    const csv = tiersCsv(5);
    const failedId = (await post(csv)).body.importId as string;
    await breakAndRun(failedId);
    const requested = chunkRequests();
    const [a, b] = await Promise.all([post(csv), post(csv)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.importId).toBe(b.body.importId);
    expect(a.body.importId).not.toBe(failedId);
    expect(chunkRequests()).toBe(requested + 1);
    await app.drain();
    expect(await get(a.body.importId)).toMatchObject({ status: 'DONE', accepted: 5 });
  });
});
