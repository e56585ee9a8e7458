/**
 * How this console signs people in, decided at run time from `/config.json`:
 * the AWS deployment writes it next to index.html (apiBase + Cognito
 * settings: infra/constructs/console-hosting.ts); the local runtime has none,
 * so its absence means the local demo sign-in (local-sign-in.ts).
 * Pure of browser globals (unit-tested in Node); mode.ts binds it to the tab.
 */
import { DEMO_USERS_PATH } from '../paths.ts';
import { beginSignIn, completeSignIn, signOut, type BrowserPort, type CognitoSettings, type SignedIn } from './cognito.ts';

export const CONFIG_PATH = '/config.json';

export type SignInMode = { kind: 'local'; apiBase: '' } | { kind: 'cognito'; apiBase: string; cognito: CognitoSettings };

const isHttpsUrl = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};

/** The config file's shape, checked: a half-written file must not send people to a wrong sign-in page. */
export function parseConsoleConfig(raw: unknown): SignInMode {
  const c = raw as { apiBase?: unknown; cognito?: Record<string, unknown> } | null;
  const cog = c?.cognito;
  if (
    typeof c?.apiBase !== 'string' ||
    (c.apiBase !== '' && !isHttpsUrl(c.apiBase)) ||
    !cog ||
    !isHttpsUrl(cog.domain) ||
    typeof cog.clientId !== 'string' ||
    cog.clientId === '' ||
    !isHttpsUrl(cog.redirectUri) ||
    !isHttpsUrl(cog.logoutUri)
  ) {
    throw new Error(`${CONFIG_PATH} is not a valid console configuration`);
  }
  return {
    kind: 'cognito',
    apiBase: c.apiBase,
    cognito: { domain: cog.domain.replace(/\/+$/, ''), clientId: cog.clientId, redirectUri: cog.redirectUri, logoutUri: cog.logoutUri },
  };
}

const LOCAL: SignInMode = { kind: 'local', apiBase: '' };

/**
 * The local runtime is asked first, by its demo-user list (JSON there; a
 * deployment has no such route, its SPA fallback answers index.html): the
 * browser reports every 404 as a console error, so the local runtime, which
 * serves no config.json, must not be asked for one.
 */
export async function loadSignInMode(fetchImpl: typeof fetch = fetch): Promise<SignInMode> {
  const probe = await fetchImpl(DEMO_USERS_PATH, { headers: { accept: 'application/json' } }).catch(() => null);
  if (probe?.ok && /^application\/json\b/.test(probe.headers.get('content-type') ?? '')) return LOCAL;
  const res = await fetchImpl(CONFIG_PATH, { headers: { accept: 'application/json' } });
  if (res.status === 404) return LOCAL;
  if (!res.ok) throw new Error(`${CONFIG_PATH}: HTTP ${res.status}`);
  return parseConsoleConfig(await res.json());
}

/** Where the tab is, and how to rewrite its address without a reload. */
export interface AddressBar {
  href(): string;
  replace(url: string): void;
}

/** Cognito hosted sign-in bound to a tab (its port and address bar) and a session. */
export function cognitoFlow(settings: CognitoSettings, port: BrowserPort, address: AddressBar, start: (s: SignedIn) => void, end: () => void) {
  return {
    /** Sign-in button: off to the hosted page. */
    start: (): Promise<void> => beginSignIn(settings, port),
    /**
     * On /auth/callback: exchange the code and start the session. The code and
     * state leave the address bar whatever happens (a failed exchange too):
     * nothing of them stays in the history or a copied link.
     */
    complete: async (): Promise<SignedIn> => {
      const url = address.href();
      try {
        return await completeSignIn(settings, port, url, start);
      } finally {
        address.replace(new URL(url).pathname);
      }
    },
    signOut: (): void => signOut(settings, port, end),
  };
}
