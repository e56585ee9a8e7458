/**
 * Who is signed in. The token lives in sessionStorage: it ends with the tab,
 * and a second tab may act as someone else (handy with three roles).
 * How a session is obtained is the sign-in module's business
 * (local-sign-in.ts here; Cognito hosted sign-in in AWS).
 */
import { signal } from '@preact/signals';

export const ROLES = ['operator', 'sme', 'provider'] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  token: string;
  role: Role;
  sub: string;
  /** Shown in the header; absent for an identity without a known name. */
  name?: string;
}

const STORAGE_KEY = 'console.session';

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    return typeof s.token === 'string' && typeof s.sub === 'string' && ROLES.includes(s.role as Role) ? (s as Session) : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(load());

export function startSession(s: Session): void {
  session.value = s;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
}

export function endSession(): void {
  session.value = null;
  sessionStorage.removeItem(STORAGE_KEY);
}
