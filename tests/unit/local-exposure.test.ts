import { describe, expect, it } from 'vitest';
import { checkExposure, EXPOSE_VARIABLE, isLoopbackHost } from '#local/exposure.ts';

describe('the local token mint stays on this machine', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'api.localhost'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
    expect(checkExposure(h, {})).toEqual({ ok: true });
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.5', 'example.org', 'myhost'])('%s is refused without the explicit opt-in', (h) => {
    const d = checkExposure(h, {});
    expect(d.ok).toBe(false);
    expect(!d.ok && d.message).toContain(EXPOSE_VARIABLE);
  });

  it('an explicit opt-in starts, with a warning naming the risk', () => {
    const d = checkExposure('0.0.0.0', { [EXPOSE_VARIABLE]: '1' });
    expect(d.ok).toBe(true);
    expect(d.ok && d.warning).toMatch(/mint an operator token/);
  });

  it('any other value of the opt-in is not an opt-in', () => {
    expect(checkExposure('0.0.0.0', { [EXPOSE_VARIABLE]: 'true' }).ok).toBe(false);
  });
});
