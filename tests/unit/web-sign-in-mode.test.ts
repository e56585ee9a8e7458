/**
 * How the console decides its sign-in at start (web/src/auth/config.ts): the
 * local runtime by its demo-user list, AWS by the config.json the deployment
 * writes (infra/constructs/console-hosting.ts), a broken file refused; and
 * the /auth/callback step as the app runs it: code exchanged once, session
 * started, code and state gone from the address bar even when it fails.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_CALLBACK_PATH, SIGNED_OUT_PATH, type ConsoleConfig } from '#infra/constructs/console-hosting.ts';
import { base64url, PENDING_KEY, SignInError, type BrowserPort, type SignedIn } from '#web/src/auth/cognito.ts';
import { CONFIG_PATH, cognitoFlow, loadSignInMode, parseConsoleConfig, type AddressBar } from '#web/src/auth/config.ts';
import { DEMO_USERS_PATH, isAppPath, ROUTES } from '#web/src/paths.ts';

const ORIGIN = 'https://d111.cloudfront.net';
const DEPLOYED: ConsoleConfig = {
  apiBase: '',
  cognito: {
    domain: 'https://smematch-dev.auth.ap-east-1.amazoncognito.com/',
    clientId: 'console-client-id',
    redirectUri: `${ORIGIN}${AUTH_CALLBACK_PATH}`,
    logoutUri: `${ORIGIN}${SIGNED_OUT_PATH}`,
  },
};

/** A fetch that answers by path, recording what was asked. */
function fakeFetch(answers: Record<string, () => Response>) {
  const asked: string[] = [];
  const f = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    const answer = answers[url];
    if (!answer) throw new TypeError(`unexpected fetch ${url}`);
    return answer();
  }) as typeof fetch;
  return { f, asked };
}
const html = () => new Response('<!doctype html><div id="app"></div>', { headers: { 'content-type': 'text/html; charset=utf-8' } });

describe('the sign-in mode', () => {
  it('is local where the local runtime lists its demo people, without asking for a config.json it does not serve', async () => {
    const { f, asked } = fakeFetch({ [DEMO_USERS_PATH]: () => Response.json({ items: [] }) });
    expect(await loadSignInMode(f)).toEqual({ kind: 'local', apiBase: '' });
    expect(asked).toEqual([DEMO_USERS_PATH]);
  });

  it('is Cognito with the deployment’s config.json, where the demo path is only the app’s index.html', async () => {
    const { f, asked } = fakeFetch({ [DEMO_USERS_PATH]: html, [CONFIG_PATH]: () => Response.json(DEPLOYED) });
    expect(await loadSignInMode(f)).toEqual({
      kind: 'cognito',
      apiBase: '',
      // The trailing slash of the domain is dropped: URLs are built as `${domain}/oauth2/...`.
      cognito: { ...DEPLOYED.cognito, domain: 'https://smematch-dev.auth.ap-east-1.amazoncognito.com' },
    });
    expect(asked).toEqual([DEMO_USERS_PATH, CONFIG_PATH]);
  });

  it('is local when neither answers (a static copy of dist/ without config.json), and fails on a broken server', async () => {
    const missing = () => new Response('not found', { status: 404 });
    expect(await loadSignInMode(fakeFetch({ [DEMO_USERS_PATH]: missing, [CONFIG_PATH]: missing }).f)).toEqual({ kind: 'local', apiBase: '' });
    const broken = fakeFetch({ [DEMO_USERS_PATH]: html, [CONFIG_PATH]: () => new Response('', { status: 503 }) });
    await expect(loadSignInMode(broken.f)).rejects.toThrow(/config\.json: HTTP 503/);
  });

  it('refuses a config.json that would send people to a wrong or insecure sign-in page', () => {
    const bad: unknown[] = [
      null,
      { ...DEPLOYED, apiBase: 'http://api.example.cn' },
      { ...DEPLOYED, cognito: { ...DEPLOYED.cognito, domain: 'http://smematch-dev.auth.ap-east-1.amazoncognito.com' } },
      { ...DEPLOYED, cognito: { ...DEPLOYED.cognito, clientId: '' } },
      { ...DEPLOYED, cognito: { ...DEPLOYED.cognito, redirectUri: 'not a url' } },
      { apiBase: '' },
    ];
    for (const raw of bad) expect(() => parseConsoleConfig(raw), JSON.stringify(raw)).toThrow(/not a valid console configuration/);
    expect(parseConsoleConfig({ ...DEPLOYED, apiBase: 'https://api.example.cn' }).apiBase).toBe('https://api.example.cn');
  });

  it('registers as redirect URI a path the console serves as a route of its own', () => {
    expect(ROUTES.authCallback).toBe(AUTH_CALLBACK_PATH);
    expect(isAppPath(AUTH_CALLBACK_PATH)).toBe(true);
  });
});

describe('the callback', () => {
  const settings = (() => {
    const mode = parseConsoleConfig(DEPLOYED);
    if (mode.kind !== 'cognito') throw new Error('a deployment config is Cognito');
    return mode.cognito;
  })();
  const NOW = Math.floor(Date.now() / 1000);
  const jwt = (claims: Record<string, unknown>) =>
    `${base64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}.c2ln`;

  function tab(callbackQuery: string, tokenAnswer: () => Response) {
    const store = new Map<string, string>([[PENDING_KEY, JSON.stringify({ verifier: 'v-1', state: 's-1', nonce: 'n-1' })]]);
    let href = `${ORIGIN}${AUTH_CALLBACK_PATH}?${callbackQuery}`;
    const exchanges: string[] = [];
    const port: BrowserPort = {
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
      navigate: () => {
        throw new Error('the callback does not leave the page');
      },
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        exchanges.push(`${String(input)} ${String(init?.body)}`);
        return tokenAnswer();
      }) as typeof fetch,
      randomBytes: (n) => new Uint8Array(n),
    };
    const address: AddressBar = { href: () => href, replace: (url) => void (href = new URL(url, href).href) };
    const started: SignedIn[] = [];
    const flow = cognitoFlow(settings, port, address, (s) => void started.push(s), () => {
      throw new Error('the callback ends no session');
    });
    return { flow, started, exchanges, href: () => href, store };
  }

  it('exchanges the code once, starts the session with the role of the ID token, and clears code and state from the address bar', async () => {
    const idToken = jwt({ sub: 'sub-9', aud: 'console-client-id', exp: NOW + 3600, nonce: 'n-1', 'cognito:groups': ['provider'], name: '陕西质量认证中心' });
    const t = tab('code=c-1&state=s-1', () => Response.json({ id_token: idToken }));
    const s = await t.flow.complete();
    expect(s).toEqual({ token: idToken, role: 'provider', sub: 'sub-9', name: '陕西质量认证中心' });
    expect(t.started).toEqual([s]);
    expect(t.exchanges).toHaveLength(1);
    expect(t.exchanges[0]).toMatch(/^https:\/\/smematch-dev\.auth\.ap-east-1\.amazoncognito\.com\/oauth2\/token .*code=c-1.*code_verifier=v-1/);
    expect(t.href()).toBe(`${ORIGIN}${AUTH_CALLBACK_PATH}`);
    expect(t.store.has(PENDING_KEY)).toBe(false);
  });

  it('refuses a callback of another tab, exchanges nothing and starts no session, and still clears the address bar', async () => {
    const t = tab('code=c-1&state=forged', () => Response.json({ id_token: 'never' }));
    await expect(t.flow.complete()).rejects.toMatchObject({ reason: 'state-mismatch' });
    expect(t.exchanges).toEqual([]);
    expect(t.started).toEqual([]);
    expect(t.href()).toBe(`${ORIGIN}${AUTH_CALLBACK_PATH}`);
  });

  it('says "no role" for an account in no platform group', async () => {
    const idToken = jwt({ sub: 'sub-9', aud: 'console-client-id', exp: NOW + 3600, nonce: 'n-1' });
    const t = tab('code=c-1&state=s-1', () => Response.json({ id_token: idToken }));
    const e = await t.flow.complete().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SignInError);
    expect((e as SignInError).reason).toBe('no-role');
    expect(t.started).toEqual([]);
  });
});
