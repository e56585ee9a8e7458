/**
 * Sign-in on the local runtime: the demo people by role, and a token from
 * POST /local/tokens for the chosen (stable) sub, so the same person sees the
 * same data next visit. In AWS this module is replaced by Cognito hosted
 * sign-in (authorization code + PKCE); nothing else depends on how.
 */
import { DEMO_USERS_PATH } from '../paths.ts';
import type { Api } from '../api/client.ts';
import { ROLES, startSession, type Role, type Session } from './session.ts';

export interface DemoUser {
  role: Role;
  sub: string;
  name: string;
}

export async function listDemoUsers(api: Api): Promise<DemoUser[]> {
  const { items } = await api.get<{ items: DemoUser[] }>(DEMO_USERS_PATH);
  return items.filter((u) => ROLES.includes(u.role));
}

export async function signInAs(api: Api, who: { role: Role; sub: string; name?: string }): Promise<Session> {
  const { token, sub } = await api.post<{ token: string; sub: string }>('/local/tokens', { role: who.role, sub: who.sub });
  const s: Session = { token, role: who.role, sub, ...(who.name ? { name: who.name } : {}) };
  startSession(s);
  return s;
}

const OWN_SUB_KEY = (role: Role) => `console.localSub.${role}`;

/**
 * A made-up identity for a role, kept in localStorage: without demo data,
 * "a new SME" is still the same SME on the next visit from this browser.
 */
export function ownLocalSub(role: Role): string {
  const key = OWN_SUB_KEY(role);
  const existing = localStorage.getItem(key);
  if (existing) return existing;
  const sub = `local-${role}-${crypto.randomUUID()}`;
  localStorage.setItem(key, sub);
  return sub;
}
