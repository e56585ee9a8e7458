/**
 * node:http plumbing shared by the gateway and the local-only routes: a body
 * read that never buffers past its limit, and a JSON answer carrying the
 * request id every answer of the local runtime carries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './aws-shapes.ts';

export type BodyRead = { ok: true; body: Buffer } | { ok: false };

/** Reads at most `limit` bytes; `{ ok: false }` as soon as the body is known to be larger. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: BodyRead | Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Keep the stream flowing so the rest is discarded, never buffered.
        req.resume();
        finish({ ok: false });
      } else chunks.push(c);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) });
    const onError = (e: Error) => finish(e);
    const onClose = () => finish(new Error('client closed the request before its body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Writes `payload` as the whole JSON answer; returns the status, for the access log. */
export function writeJson(res: ServerResponse, status: number, payload: unknown, requestId: string, extra: Record<string, string> = {}): number {
  const body = Buffer.from(JSON.stringify(payload));
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...extra });
  res.end(body);
  return status;
}

/**
 * The body within `limit` bytes, or a 413 PAYLOAD_TOO_LARGE already written
 * (by the declared length, before reading anything, or once the bytes pass
 * the limit). The connection closes after a 413: the rest is never read.
 */
export async function readBodyWithin(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  requestId: string,
): Promise<{ ok: true; body: Buffer } | { ok: false; status: number }> {
  const tooLarge = () => ({
    ok: false as const,
    status: writeJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `the request body exceeds ${limit} bytes`), requestId, { connection: 'close' }),
  });
  if (Number(req.headers['content-length'] ?? '0') > limit) return tooLarge();
  const read = await readBody(req, limit);
  return read.ok ? read : tooLarge();
}
