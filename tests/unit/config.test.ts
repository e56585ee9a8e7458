/**
 * functions/config.ts reads the environment with small readers instead of a
 * zod schema (cold start): it must accept and refuse exactly what that schema
 * did. The schema's checks are rebuilt here with zod as the reference.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { loadConfig } from '#functions/config.ts';

const BASE = { TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(16) };
const accepts = (env: Record<string, string>) => {
  try {
    return loadConfig({ ...BASE, ...env });
  } catch {
    return null;
  }
};

describe('configuration readers', () => {
  it('read whole numbers as the former z.coerce.number() with int, minimum, maximum and default did', () => {
    const reference = z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(24 * 90)), 72);
    for (const raw of ['', ' ', '1e2', '0x10', '5', ' 7 ', '2.5', '-1', '0', 'soon', '2160', '2161', 'Infinity', 'NaN']) {
      const r = reference.safeParse(raw);
      expect(accepts({ MATCH_TTL_HOURS: raw })?.MATCH_TTL_HOURS ?? null, raw).toBe(r.success ? r.data : null);
    }
    expect(accepts({})?.MATCH_TTL_HOURS).toBe(72);
  });

  it('accept the URLs and e-mail addresses z.url() and z.email() accepted', () => {
    for (const raw of ['http://127.0.0.1:4567', 'https://dynamodb.local', 'file:///x', 'x:y', 'not a url', 'http://', '']) {
      expect(accepts({ DYNAMODB_ENDPOINT: raw }) !== null, raw).toBe(z.url().safeParse(raw).success);
    }
    for (const raw of ['a@b.co', 'a+b@x-y.org', 'a.b@c.d', 'a..b@c.com', '.a@b.com', 'a@b', '']) {
      expect(accepts({ EMAIL_FROM: raw }) !== null, raw).toBe(z.email().safeParse(raw).success);
    }
  });

  it('name every problem, keep only the variables it knows, and leave absent optionals out', () => {
    expect(() => loadConfig({ CURSOR_SECRET: 'short', EVENT_BUS_NAME: '' })).toThrow(
      'invalid configuration: TABLE_NAME: required; EVENT_BUS_NAME: at least 1 character(s); CURSOR_SECRET: at least 16 character(s)',
    );
    const config = loadConfig({ ...BASE, PATH: '/bin', EVENT_BUS_NAME: 'bus' });
    expect('PATH' in config).toBe(false);
    expect('EMAIL_FROM' in config).toBe(false);
    expect(config.EVENT_BUS_NAME).toBe('bus');
  });
});
