/**
 * /auth/callback: Cognito's hosted sign-in sends the browser back here with
 * `?code=&state=`. The code is exchanged once; the shell then sees the
 * session and moves to the role's home. A refused sign-in says why, with a
 * way to try again. The local runtime has no callback: back to sign-in.
 */
import { useEffect, useState } from 'preact/hooks';
import { cognitoSignIn, signInMode } from '../auth/mode.ts';
import { SignInError } from '../auth/cognito.ts';
import { t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { navigate } from '../router.ts';

export function AuthCallbackPage() {
  const mode = signInMode.value;
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (mode.kind !== 'cognito') return navigate(ROUTES.signIn, { replace: true });
    cognitoSignIn(mode.cognito).complete().catch(setError);
  }, []);
  if (mode.kind !== 'cognito') return null;
  return (
    <section>
      <h1>{t('signIn.title')}</h1>
      {error === null ? (
        <p class="muted" aria-busy="true">
          {t('auth.completing')}
        </p>
      ) : (
        <div class="notice notice-error" role="alert">
          <p>{error instanceof SignInError && error.reason === 'no-role' ? t('auth.noRole') : t('auth.failed')}</p>
          <button type="button" class="button" onClick={() => void cognitoSignIn(mode.cognito).start()}>
            {t('auth.retry')}
          </button>
        </div>
      )}
    </section>
  );
}
