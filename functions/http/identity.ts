/**
 * Who is calling: the JWT authorizer's verified claims (API Gateway in AWS,
 * the local gateway's verifier locally). Handlers never see the token.
 */
import { Unauthenticated } from '#domain/errors.ts';
import type { Caller, Role } from '../ports.ts';

/** When a user is in several groups, the most capable one acts (operators are assigned by an admin). */
const PRECEDENCE: readonly Role[] = ['operator', 'provider', 'sme'];

/**
 * `cognito:groups` arrives as a real array (direct invocations), as API
 * Gateway's rendering of an array claim ("[sme provider]", space-separated), as JSON text, or
 * as one bare group name.
 */
export function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  const s = raw.trim();
  if (s.startsWith('[') && s.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: API Gateway's rendering of an array claim, "[a b]"
    }
    // Space-separated only: a comma is part of a group's name ("x,operator" is one group, not operator).
    return s
      .slice(1, -1)
      .split(/\s+/)
      .filter(Boolean);
  }
  return s ? [s] : [];
}

export function callerFromClaims(claims: Record<string, unknown> | undefined): Caller {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new Unauthenticated('a signed-in caller is required');
  const groups = parseGroups(claims?.['cognito:groups']);
  const role = PRECEDENCE.find((r) => groups.includes(r));
  if (!role) throw new Unauthenticated('the token carries no platform group (sme, provider or operator)');
  return { sub, role };
}
