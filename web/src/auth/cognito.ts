/**
 * Sign-in through Cognito's hosted pages (AWS): the OAuth 2.0 authorization
 * code flow with PKCE (RFC 7636, S256) for a public client, a `state` to bind
 * the callback to this tab's request, and an OIDC `nonce` to bind the ID token
 * to it. The ID token becomes the session's bearer token (the API's JWT
 * authorizer accepts this client as audience); the role comes from its
 * `cognito:groups`. Sign-out ends the session and Cognito's (`/logout`).
 *
 * Everything the flow needs of the browser comes through a narrow port
 * (storage, navigation, fetch, randomness), so the flow runs in unit tests as
 * it runs in a tab; `config.ts` binds it to the real browser and the session.
 */

export const ROLES_BY_PRECEDENCE = ['operator', 'provider', 'sme'] as const;
export type ConsoleRole = (typeof ROLES_BY_PRECEDENCE)[number];

/** The `cognito` part of config.json, written by the deployment (infra/constructs/console-hosting.ts). */
export interface CognitoSettings {
  /** Hosted sign-in base URL, e.g. https://smematch-prod.auth.ap-east-1.amazoncognito.com */
  domain: string;
  clientId: string;
  /** `<console>/auth/callback`, registered on the app client. */
  redirectUri: string;
  /** `<console>/`, registered on the app client. */
  logoutUri: string;
}

/** What a successful sign-in puts in the session (structurally the session's `Session`). */
export interface SignedIn {
  token: string;
  role: ConsoleRole;
  sub: string;
  name?: string;
}

export interface BrowserPort {
  /** Survives the round trip to Cognito within this tab: sessionStorage. */
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
  /** A full-page navigation (location.assign). */
  navigate(url: string): void;
  fetch: typeof fetch;
  /** Cryptographically strong random bytes (crypto.getRandomValues). */
  randomBytes(n: number): Uint8Array;
}

export type SignInFailure = 'provider-error' | 'no-pending-sign-in' | 'state-mismatch' | 'no-code' | 'token-exchange' | 'bad-token' | 'no-role';

/** A sign-in that must not complete; `reason` says why (the page shows it by code). */
export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/** Where the pending request (verifier, state, nonce) waits for the callback. */
export const PENDING_KEY = 'console.cognito.pending';
const SCOPES = 'openid email profile';

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes → a 43-character verifier (RFC 7636 §4.1: 43..128 unreserved characters). */
export function createVerifier(randomBytes: (n: number) => Uint8Array): string {
  return base64url(randomBytes(32));
}

/** S256: BASE64URL(SHA-256(ASCII(verifier))), RFC 7636 §4.2. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function authorizeUrl(settings: CognitoSettings, req: { state: string; challenge: string; nonce: string }): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: SCOPES,
    state: req.state,
    nonce: req.nonce,
    code_challenge: req.challenge,
    code_challenge_method: 'S256',
  });
  return `${settings.domain}/oauth2/authorize?${q}`;
}

export function logoutUrl(settings: CognitoSettings): string {
  return `${settings.domain}/logout?${new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri })}`;
}

/**
 * The code of a callback URL, once its `state` equals the one this tab sent:
 * a callback this tab did not ask for (forged link, another tab's request,
 * a replayed URL) is refused before any code is exchanged.
 */
export function readCallback(callbackUrl: string, expectedState: string | null): string {
  const q = new URL(callbackUrl).searchParams;
  const error = q.get('error');
  if (error) throw new SignInError('provider-error', `sign-in refused: ${error}${q.get('error_description') ? ` (${q.get('error_description')})` : ''}`);
  if (!expectedState) throw new SignInError('no-pending-sign-in', 'no sign-in was started in this tab');
  if (q.get('state') !== expectedState) throw new SignInError('state-mismatch', 'the sign-in response does not belong to this tab');
  const code = q.get('code');
  if (!code) throw new SignInError('no-code', 'the sign-in response carries no code');
  return code;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part || token.split('.').length !== 3) throw new SignInError('bad-token', 'the ID token is not a JWT');
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const payload: unknown = JSON.parse(json);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('not an object');
    return payload as Record<string, unknown>;
  } catch {
    throw new SignInError('bad-token', 'the ID token payload is not JSON');
  }
}

/**
 * The console role from `cognito:groups`, which Cognito puts in the ID token
 * as a JSON array. Anything else (a string, a comma list) is no group at all:
 * "x,operator" must never read as operator. The most capable group wins,
 * as in the API (functions/http/identity.ts).
 */
export function roleFromGroups(groups: unknown): ConsoleRole | null {
  if (!Array.isArray(groups)) return null;
  return ROLES_BY_PRECEDENCE.find((r) => groups.includes(r)) ?? null;
}

/**
 * The session an ID token stands for. The token came straight from the token
 * endpoint over TLS, so its signature is the API's to check (it does, on
 * every call); here: it is for this client, unexpired, answers this tab's
 * nonce, and names a platform group.
 */
export function sessionFromIdToken(idToken: string, settings: CognitoSettings, expectedNonce: string, nowSeconds: number): SignedIn {
  const claims = decodeJwtPayload(idToken);
  const aud = claims.aud;
  if (aud !== settings.clientId && !(Array.isArray(aud) && aud.includes(settings.clientId))) {
    throw new SignInError('bad-token', 'the ID token was issued to another client');
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) throw new SignInError('bad-token', 'the ID token has expired');
  if (claims.nonce !== expectedNonce) throw new SignInError('bad-token', 'the ID token does not answer this sign-in');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new SignInError('bad-token', 'the ID token names no subject');
  const role = roleFromGroups(claims['cognito:groups']);
  if (!role) {
    throw new SignInError('no-role', 'this account is not yet in a group (sme, provider or operator); an operator adds it after checking who you are');
  }
  const name = typeof claims.name === 'string' && claims.name ? claims.name : typeof claims.email === 'string' && claims.email ? claims.email : undefined;
  return { token: idToken, role, sub: claims.sub, ...(name ? { name } : {}) };
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

/** Starts a sign-in: remembers verifier, state and nonce in this tab, then goes to the hosted page. */
export async function beginSignIn(settings: CognitoSettings, port: BrowserPort): Promise<void> {
  const pending: Pending = {
    verifier: createVerifier(port.randomBytes),
    state: base64url(port.randomBytes(16)),
    nonce: base64url(port.randomBytes(16)),
  };
  port.storage.setItem(PENDING_KEY, JSON.stringify(pending));
  port.navigate(authorizeUrl(settings, { state: pending.state, challenge: await codeChallenge(pending.verifier), nonce: pending.nonce }));
}

function takePending(port: BrowserPort): Pending | null {
  const raw = port.storage.getItem(PENDING_KEY);
  // One use only: a reload of the callback URL cannot replay the exchange.
  port.storage.removeItem(PENDING_KEY);
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Partial<Pending>;
    return typeof p.verifier === 'string' && typeof p.state === 'string' && typeof p.nonce === 'string' ? (p as Pending) : null;
  } catch {
    return null;
  }
}

/**
 * Completes a sign-in on the callback URL: checks state, exchanges the code
 * (with the verifier) at /oauth2/token, checks the ID token and starts the
 * session with it.
 */
export async function completeSignIn(
  settings: CognitoSettings,
  port: BrowserPort,
  callbackUrl: string,
  startSession: (s: SignedIn) => void,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<SignedIn> {
  const pending = takePending(port);
  const code = readCallback(callbackUrl, pending?.state ?? null);
  // readCallback refuses when nothing is pending, so pending is set from here on.
  const { verifier, nonce } = pending!;
  let res: Response;
  try {
    res = await port.fetch(`${settings.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: settings.clientId,
        code,
        redirect_uri: settings.redirectUri,
        code_verifier: verifier,
      }).toString(),
    });
  } catch (cause) {
    throw new SignInError('token-exchange', `the sign-in service could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const body = (await res.json().catch(() => null)) as { id_token?: unknown; error?: unknown } | null;
  if (!res.ok || typeof body?.id_token !== 'string') {
    throw new SignInError('token-exchange', `the code was not exchanged: ${typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`}`);
  }
  const session = sessionFromIdToken(body.id_token, settings, nonce, nowSeconds);
  startSession(session);
  return session;
}

/** Ends the session here, then at Cognito, which sends the browser back to `logoutUri`. */
export function signOut(settings: CognitoSettings, port: BrowserPort, endSession: () => void): void {
  endSession();
  port.navigate(logoutUrl(settings));
}
