/**
 * Sign-in: on the local runtime the demo people by role, one click each (and
 * a new person per role, to start from no profile); in AWS one button to
 * Cognito's hosted sign-in (auth/config.ts decides which at start).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import { cognitoSignIn, signInMode } from '../auth/mode.ts';
import type { CognitoSettings } from '../auth/cognito.ts';
import { listDemoUsers, ownLocalSub, signInAs, type DemoUser } from '../auth/local-sign-in.ts';
import { ROLES, type Role } from '../auth/session.ts';
import { ErrorNotice, Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { useAction } from '../components/action.ts';

const GROUP_TITLE: Record<Role, MessageKey> = { operator: 'signIn.operators', sme: 'signIn.smes', provider: 'signIn.providers' };

export function SignInPage() {
  const mode = signInMode.value;
  if (mode.kind === 'cognito') return <HostedSignIn settings={mode.cognito} />;
  if (mode.kind === 'failed') {
    return (
      <section>
        <h1>{t('signIn.title')}</h1>
        <p class="notice notice-error" role="alert">
          {t('auth.configFailed')}
        </p>
      </section>
    );
  }
  return <LocalSignIn />;
}

function HostedSignIn({ settings }: { settings: CognitoSettings }) {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void performance.mark('console-usable'), []);
  return (
    <section class="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p>{t('auth.intro')}</p>
      {error !== null && <ErrorNotice error={error} />}
      <button type="button" class="button button-primary" onClick={() => cognitoSignIn(settings).start().catch(setError)}>
        {t('auth.signIn')}
      </button>
    </section>
  );
}

function LocalSignIn() {
  const users = useResource(() => listDemoUsers(api), []);
  // The shell sees the new session and moves to the role's home page.
  const { busy, error, run } = useAction('onError');

  useEffect(() => {
    // Measured by the browser tests: when the first page can be used.
    if (users.state === 'ready') performance.mark('console-usable');
  }, [users.state]);

  const go = (who: { role: Role; sub: string; name?: string }) =>
    run(async () => {
      await signInAs(api, who);
    });

  return (
    <section class="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      {error !== null && <ErrorNotice error={error} />}
      <Loaded resource={users}>
        {(list: DemoUser[]) => (
          <>
            {list.length === 0 && <p class="notice">{t('signIn.noDemo')}</p>}
            <div class="role-groups">
              {ROLES.map((role) => {
                const people = list.filter((u) => u.role === role);
                const headingId = `sign-in-${role}`;
                return (
                  <section key={role} class="card" aria-labelledby={headingId}>
                    <h2 id={headingId}>{t(GROUP_TITLE[role])}</h2>
                    <ul class="people">
                      {people.map((u) => {
                        // The operator is one shared desk: its name is its role, which the header already shows.
                        const name = u.role === 'operator' ? t('signIn.operatorName') : u.name;
                        return (
                          <li key={u.sub}>
                            <button type="button" class="person" disabled={busy} onClick={() => void go(u.role === 'operator' ? { role, sub: u.sub } : { role, sub: u.sub, name })}>
                              <span>{name}</span>
                              <span class="muted sub">{u.sub}</span>
                            </button>
                          </li>
                        );
                      })}
                      {/* A person without a profile yet creates one on the role's home page; operators have no profile. */}
                      {(role !== 'operator' || people.length === 0) && (
                        <li>
                          <button type="button" class="person" disabled={busy} onClick={() => void go({ role, sub: ownLocalSub(role) })}>
                            {t('signIn.newIdentity', { role: t(`role.${role}`) })}
                          </button>
                        </li>
                      )}
                    </ul>
                  </section>
                );
              })}
            </div>
          </>
        )}
      </Loaded>
    </section>
  );
}
