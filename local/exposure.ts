/**
 * The local runtime mints tokens for anyone who asks (POST /local/tokens),
 * operators included: that is its point on a developer's machine and a hole
 * on a network. So it listens on loopback unless told otherwise, and a HOST
 * other machines can reach is refused unless the person also says, in a
 * second variable, that they mean to hand out operator tokens to that network.
 */
import { isIP } from 'node:net';

export const EXPOSE_VARIABLE = 'LOCAL_EXPOSE_TOKEN_MINT';

/** True when only this machine can connect to `host`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

export type ExposureDecision = { ok: true; warning?: string } | { ok: false; message: string };

export function checkExposure(host: string, env: Record<string, string | undefined>): ExposureDecision {
  if (isLoopbackHost(host)) return { ok: true };
  if (env[EXPOSE_VARIABLE] === '1') {
    return {
      ok: true,
      warning:
        `WARNING: listening on ${host}: anyone who can reach this address can mint an operator token ` +
        `(POST /local/tokens) and act on every record. Never do this on a shared network.`,
    };
  }
  return {
    ok: false,
    message:
      `HOST=${host} would let other machines mint tokens (POST /local/tokens issues any role, operators included). ` +
      `The local runtime listens on loopback only; set ${EXPOSE_VARIABLE}=1 as well if you really mean to expose it.`,
  };
}
