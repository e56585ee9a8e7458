/**
 * The console's Cognito sign-in (web/src/auth/cognito.ts): PKCE per RFC 7636,
 * the state check, the code exchange, the ID token → session, the role from
 * `cognito:groups`, and sign-out, driven through a fake browser port.
 */
import { describe, expect, it } from 'vitest';
import {
  PENDING_KEY,
  SignInError,
  authorizeUrl,
  base64url,
  beginSignIn,
  codeChallenge,
  completeSignIn,
  createVerifier,
  logoutUrl,
  readCallback,
  roleFromGroups,
  sessionFromIdToken,
  signOut,
  type BrowserPort,
  type CognitoSettings,
  type SignedIn,
} from '#web/src/auth/cognito.ts';

const SETTINGS: CognitoSettings = {
  domain: 'https://smematch-dev.auth.ap-east-1.amazoncognito.com',
  clientId: 'console-client-id',
  redirectUri: 'https://d111.cloudfront.net/auth/callback',
  logoutUri: 'https://d111.cloudfront.net/',
};
const NOW = 1_800_000_000;

/** An unsigned JWT with these claims (the console never checks signatures; the API does). */
const jwt = (claims: Record<string, unknown>) =>
  `${base64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}.c2ln`;
const idToken = (over: Record<string, unknown> = {}) =>
  jwt({ sub: 'sub-1', aud: SETTINGS.clientId, exp: NOW + 3600, nonce: 'n-1', 'cognito:groups': ['sme'], email: 'a@firm.example', ...over });

function fakeBrowser(tokenResponse: () => Response = () => Response.json({ id_token: idToken(), access_token: 'a', token_type: 'Bearer' })) {
  const store = new Map<string, string>();
  const visited: string[] = [];
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  let counter = 0;
  const port: BrowserPort = {
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    navigate: (url) => void visited.push(url),
    fetch: async (input, init) => {
      requests.push({ url: String(input), init });
      return tokenResponse();
    },
    randomBytes: (n) => Uint8Array.from({ length: n }, () => ++counter % 256),
  };
  return { port, store, visited, requests };
}

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of appendix B from its verifier', async () => {
    // Appendix B: these 32 octets give the verifier, whose SHA-256 gives the challenge.
    const octets = Uint8Array.from([
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ]);
    const verifier = createVerifier(() => octets);
    expect(verifier).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(await codeChallenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters from 32 random bytes', () => {
    const v = createVerifier((n) => crypto.getRandomValues(new Uint8Array(n)));
    expect(v).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
  });
});

describe('the authorization request', () => {
  it('asks the hosted page for a code with the S256 challenge, state, nonce, scopes and registered redirect', async () => {
    const b = fakeBrowser();
    await beginSignIn(SETTINGS, b.port);
    expect(b.visited).toHaveLength(1);
    const url = new URL(b.visited[0]!);
    expect(`${url.origin}${url.pathname}`).toBe(`${SETTINGS.domain}/oauth2/authorize`);
    const pending = JSON.parse(b.store.get(PENDING_KEY)!) as { verifier: string; state: string; nonce: string };
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: SETTINGS.clientId,
      redirect_uri: SETTINGS.redirectUri,
      scope: 'openid email profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await codeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    // The verifier itself never leaves the tab.
    expect(b.visited[0]).not.toContain(pending.verifier);
    expect(new Set([pending.verifier, pending.state, pending.nonce]).size).toBe(3);
  });

  it('builds the same URL from its parts', () => {
    const url = new URL(authorizeUrl(SETTINGS, { state: 's', challenge: 'c', nonce: 'n' }));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('response_type')).toBe('code');
  });
});

describe('the callback', () => {
  it('gives the code when the state is the one this tab sent', () => {
    expect(readCallback(`${SETTINGS.redirectUri}?code=abc&state=s1`, 's1')).toBe('abc');
  });

  it.each([
    [`${SETTINGS.redirectUri}?code=abc&state=other`, 's1', 'state-mismatch'],
    [`${SETTINGS.redirectUri}?code=abc`, 's1', 'state-mismatch'],
    [`${SETTINGS.redirectUri}?code=abc&state=s1`, null, 'no-pending-sign-in'],
    [`${SETTINGS.redirectUri}?state=s1`, 's1', 'no-code'],
    [`${SETTINGS.redirectUri}?error=access_denied&state=s1`, 's1', 'provider-error'],
  ])('refuses %s (expected state %s): %s', (url, state, reason) => {
    expect(() => readCallback(url, state)).toThrow(expect.objectContaining({ name: 'SignInError', reason }));
  });

  it('exchanges the code with the verifier at /oauth2/token and starts the session with the ID token', async () => {
    const b = fakeBrowser();
    b.store.set(PENDING_KEY, JSON.stringify({ verifier: 'v-1', state: 's-1', nonce: 'n-1' }));
    const started: SignedIn[] = [];
    const s = await completeSignIn(SETTINGS, b.port, `${SETTINGS.redirectUri}?code=the-code&state=s-1`, (x) => void started.push(x), NOW);

    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]!.url).toBe(`${SETTINGS.domain}/oauth2/token`);
    expect(b.requests[0]!.init!.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(String(b.requests[0]!.init!.body)))).toEqual({
      grant_type: 'authorization_code',
      client_id: SETTINGS.clientId,
      code: 'the-code',
      redirect_uri: SETTINGS.redirectUri,
      code_verifier: 'v-1',
    });
    expect(s).toEqual({ token: idToken(), role: 'sme', sub: 'sub-1', name: 'a@firm.example' });
    expect(started).toEqual([s]);
    // Used once: a reload of the callback cannot exchange again.
    expect(b.store.has(PENDING_KEY)).toBe(false);
  });

  it('refuses a callback of another tab without calling the token endpoint or starting a session', async () => {
    const b = fakeBrowser();
    b.store.set(PENDING_KEY, JSON.stringify({ verifier: 'v-1', state: 's-1', nonce: 'n-1' }));
    const started: SignedIn[] = [];
    await expect(completeSignIn(SETTINGS, b.port, `${SETTINGS.redirectUri}?code=c&state=forged`, (x) => void started.push(x), NOW)).rejects.toMatchObject({
      reason: 'state-mismatch',
    });
    expect(b.requests).toEqual([]);
    expect(started).toEqual([]);
  });

  it('reports a refused exchange with the OAuth error and starts no session', async () => {
    const b = fakeBrowser(() => Response.json({ error: 'invalid_grant' }, { status: 400 }));
    b.store.set(PENDING_KEY, JSON.stringify({ verifier: 'v-1', state: 's-1', nonce: 'n-1' }));
    const started: SignedIn[] = [];
    await expect(completeSignIn(SETTINGS, b.port, `${SETTINGS.redirectUri}?code=c&state=s-1`, (x) => void started.push(x), NOW)).rejects.toMatchObject({
      reason: 'token-exchange',
      message: expect.stringContaining('invalid_grant'),
    });
    expect(started).toEqual([]);
  });
});

describe('the ID token', () => {
  it.each([
    [{ aud: 'another-client' }, 'bad-token'],
    [{ exp: NOW - 1 }, 'bad-token'],
    [{ nonce: 'replayed' }, 'bad-token'],
    [{ sub: '' }, 'bad-token'],
    [{ 'cognito:groups': undefined }, 'no-role'],
  ])('is refused with %j: %s', (over, reason) => {
    expect(() => sessionFromIdToken(idToken(over), SETTINGS, 'n-1', NOW)).toThrow(expect.objectContaining({ reason }));
  });

  it('must be a JWT with a JSON payload', () => {
    expect(() => sessionFromIdToken('not-a-jwt', SETTINGS, 'n-1', NOW)).toThrow(SignInError);
    expect(() => sessionFromIdToken('a.%%%.c', SETTINGS, 'n-1', NOW)).toThrow(SignInError);
  });
});

describe('groups → role', () => {
  it.each([
    [['sme'], 'sme'],
    [['provider'], 'provider'],
    [['sme', 'operator'], 'operator'],
    [['provider', 'sme'], 'provider'],
    [['auditors'], null],
    [[], null],
    // Only Cognito's JSON array counts: a string is never split into groups.
    ['x,operator', null],
    ['operator', null],
    [undefined, null],
  ])('%j → %s', (groups, role) => {
    expect(roleFromGroups(groups)).toBe(role);
  });
});

describe('sign-out', () => {
  it('ends the session, then signs out of Cognito, back to the registered logout URL', () => {
    const b = fakeBrowser();
    const events: string[] = [];
    signOut(SETTINGS, { ...b.port, navigate: (url) => void events.push(`go ${url}`) }, () => void events.push('ended'));
    expect(events).toEqual([`ended`, `go ${logoutUrl(SETTINGS)}`]);
    const url = new URL(logoutUrl(SETTINGS));
    expect(`${url.origin}${url.pathname}`).toBe(`${SETTINGS.domain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: SETTINGS.clientId, logout_uri: SETTINGS.logoutUri });
  });
});
