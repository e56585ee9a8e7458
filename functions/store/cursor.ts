/**
 * Opaque, tamper-checked pagination cursors. A cursor carries DynamoDB's
 * LastEvaluatedKey and the scope of the list it was made for (index and
 * partition value), signed with HMAC-SHA256. A forged, edited or foreign
 * cursor (made for another owner's list) is refused as VALIDATION_FAILED.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationFailed } from '#domain/errors.ts';

export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(scope: string, lastKey: Record<string, unknown> | undefined): string | null {
    if (!lastKey) return null;
    const payload = Buffer.from(JSON.stringify({ s: scope, k: lastKey })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  decode(scope: string, cursor: string | undefined): Record<string, unknown> | undefined {
    if (cursor === undefined) return undefined;
    const refuse = () =>
      new ValidationFailed('cursor is invalid for this list', [{ path: 'cursor', message: 'not a cursor this list issued' }]);
    const [payload, mac, extra] = cursor.split('.');
    if (!payload || !mac || extra !== undefined || cursor.length > 2048) throw refuse();
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refuse();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refuse();
    }
    const p = parsed as { s?: unknown; k?: unknown };
    if (p.s !== scope || typeof p.k !== 'object' || p.k === null) throw refuse();
    return p.k as Record<string, unknown>;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
