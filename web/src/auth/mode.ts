/**
 * The sign-in mode of this tab (auth/config.ts), loaded once at start
 * (main.tsx), and the Cognito flow bound to the real browser and session.
 */
import { signal } from '@preact/signals';
import type { BrowserPort, CognitoSettings } from './cognito.ts';
import { cognitoFlow, loadSignInMode, type SignInMode } from './config.ts';
import { endSession, startSession } from './session.ts';

/** Loading until the mode is known: the app renders only its shell before. */
export const signInMode = signal<SignInMode | { kind: 'loading' } | { kind: 'failed'; error: unknown }>({ kind: 'loading' });

export function loadMode(): Promise<void> {
  return loadSignInMode().then(
    (m) => void (signInMode.value = m),
    (error: unknown) => void (signInMode.value = { kind: 'failed', error }),
  );
}

/** The API's origin: '' (this one) unless config.json names another. */
export const apiBase = (): string => {
  const m = signInMode.value;
  return m.kind === 'cognito' ? m.apiBase : '';
};

const browserPort = (): BrowserPort => ({
  storage: sessionStorage,
  navigate: (url) => location.assign(url),
  fetch: (input, init) => fetch(input, init),
  randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
});

export const cognitoSignIn = (settings: CognitoSettings) =>
  cognitoFlow(settings, browserPort(), { href: () => location.href, replace: (url) => history.replaceState(null, '', url) }, startSession, endSession);
