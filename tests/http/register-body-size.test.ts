/**
 * A register CSV near the contract's 5 MiB, as AWS carries it: API Gateway
 * (HTTP API, payload 2.0) hands text/csv to the Lambda as text, not base64,
 * and the whole event must stay within Lambda's 6 MiB synchronous request
 * (functions/http/api.ts says why, with the sources). A realistic register of
 * 5 MiB fits and is accepted; a file under 5 MiB whose JSON escaping (quotes,
 * line breaks) would take the event past the limit is 413 PAYLOAD_TOO_LARGE,
 * as API Gateway would answer it, and writes nothing. Through the real
 * handlers on dynalite, with the event the local gateway builds.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REGISTER_BYTES } from '#domain/registers.ts';
import { makeUscc } from '#domain/uscc.ts';
import { LAMBDA_SYNC_EVENT_BYTES } from '#functions/http/api.ts';
import { toV2Event } from '#local/aws-shapes.ts';
import { actor, testApp } from '#tests/support/app.ts';

const HEADER = 'uscc,name,tier,batch,validUntil';
let serial = 80_000_000 + Math.floor(Math.random() * 1_000_000);

/** Rows until the file would pass `bytes`. */
function csvOf(bytes: number, row: () => string, eol: string): string {
  const rows = [HEADER];
  let size = Buffer.byteLength(HEADER) + eol.length;
  for (;;) {
    const r = row();
    const b = Buffer.byteLength(r) + eol.length;
    if (size + b > bytes) break;
    rows.push(r);
    size += b;
  }
  return rows.join(eol) + eol;
}

/** How large the Lambda event carrying `csv` is, as the local gateway (and API Gateway, for text) builds it. */
const eventBytes = (csv: string) =>
  Buffer.byteLength(
    JSON.stringify(
      toV2Event({ method: 'POST', rawPath: '/v1/registers/tiers', rawQueryString: '', headers: { 'content-type': 'text/csv' }, body: Buffer.from(csv, 'utf8') }, 'POST /v1/registers/tiers', {}, undefined),
    ),
  );

describe('a register file near 5 MiB', () => {
  it('fits the Lambda event as text (how API Gateway carries text/csv; base64 would not fit): every field quoted, CRLF, Chinese names, accepted with 202', async () => {
    const app = await testApp();
    const op = actor('operator');
    const csv = csvOf(MAX_REGISTER_BYTES, () => `"${makeUscc('CN-SC', serial++)}","成都精密传动科技有限公司${serial}","LITTLE_GIANT","第五批","2027-12-31"`, '\r\n');
    const bytes = Buffer.byteLength(csv);
    expect(bytes).toBeGreaterThan(MAX_REGISTER_BYTES - 200);
    // Base64 would not fit (4/3 of 5 MiB is past 6 MiB); JSON-escaped text does.
    expect(Math.ceil(bytes / 3) * 4).toBeGreaterThan(LAMBDA_SYNC_EVENT_BYTES);
    expect(eventBytes(csv)).toBeLessThan(LAMBDA_SYNC_EVENT_BYTES - 8 * 1024);

    const r = await app.call('POST', '/v1/registers/tiers', { as: op, rawBody: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const imp = await app.call('GET', `/v1/imports/${r.body.importId}`, { as: op });
    expect(imp.body).toMatchObject({ status: 'RUNNING', processed: 0 });
    expect(imp.body.total).toBe(csv.split('\r\n').length - 2);
  });

  it('is 413 PAYLOAD_TOO_LARGE when its JSON escaping would take the event past the limit, and writes nothing', async () => {
    const app = await testApp();
    const op = actor('operator');
    // Short rows, every field quoted, names full of quotes: under 5 MiB, but about 1.3x once escaped.
    const csv = csvOf(MAX_REGISTER_BYTES, () => `"${makeUscc('CN-SC', serial++)}","""甲""","INNOVATIVE","","2027-12-31"`, '\r\n');
    expect(Buffer.byteLength(csv)).toBeLessThanOrEqual(MAX_REGISTER_BYTES);
    expect(eventBytes(csv)).toBeGreaterThan(LAMBDA_SYNC_EVENT_BYTES);

    const r = await app.call('POST', '/v1/registers/tiers', { as: op, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: [{ path: 'body' }] });
    expect(r.body.error.message).toMatch(/Lambda event/);
    expect(app.publisher.published.filter((e) => e.detailType === 'ImportChunkRequested')).toEqual([]);
    // The operator's one import slot was never taken: a small file starts at once.
    const small = await app.call('POST', '/v1/registers/tiers', { as: op, rawBody: `${HEADER}\n${makeUscc('CN-SC', serial++)},成都企业,INNOVATIVE,,2027-12-31\n`, headers: { 'content-type': 'text/csv' } });
    expect(small.status, JSON.stringify(small.body)).toBe(202);
  });
});
