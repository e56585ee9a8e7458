/**
 * How this console signs people in, decided at run time from `/config.json`:
 * the AWS deployment writes it next to index.html (apiBase + Cognito
 * settings: infra/constructs/console-hosting.ts); the local runtime has none,
 * so its absence means the local demo sign-in (local-sign-in.ts).
 */
import { beginSignIn, completeSignIn, signOut, type BrowserPort, type CognitoSettings, type SignedIn } from './cognito.ts';
import { endSession, startSession } from './session.ts';

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

export async function loadSignInMode(fetchImpl: typeof fetch = fetch): Promise<SignInMode> {
  const res = await fetchImpl(CONFIG_PATH, { headers: { accept: 'application/json' } });
  if (res.status === 404) return { kind: 'local', apiBase: '' };
  if (!res.ok) throw new Error(`${CONFIG_PATH}: HTTP ${res.status}`);
  return parseConsoleConfig(await res.json());
}

/** The real browser behind the Cognito flow's port. */
export const browserPort: BrowserPort = {
  storage: sessionStorage,
  navigate: (url) => location.assign(url),
  fetch: (input, init) => fetch(input, init),
  randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
};

/** Cognito hosted sign-in bound to this tab and the console's session. */
export function cognitoSignIn(settings: CognitoSettings, port: BrowserPort = browserPort) {
  return {
    /** Sign-in button: off to the hosted page. */
    start: (): Promise<void> => beginSignIn(settings, port),
    /** On /auth/callback: exchange the code, start the session, drop code and state from the address bar. */
    complete: async (): Promise<SignedIn> => {
      const s = await completeSignIn(settings, port, location.href, startSession);
      history.replaceState(null, '', '/');
      return s;
    },
    signOut: (): void => signOut(settings, port, endSession),
  };
}
