/** Sign-in on the local runtime: the demo people by role, one click each. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import { listDemoUsers, ownLocalSub, signInAs, type DemoUser } from '../auth/local-sign-in.ts';
import { ROLES, type Role } from '../auth/session.ts';
import { ErrorNotice, Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { t, type MessageKey } from '../i18n/index.ts';

const GROUP_TITLE: Record<Role, MessageKey> = { operator: 'signIn.operators', sme: 'signIn.smes', provider: 'signIn.providers' };

export function SignInPage() {
  const users = useResource(() => listDemoUsers(api), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Measured by the browser tests: when the first page can be used.
    if (users.state === 'ready') performance.mark('console-usable');
  }, [users.state]);

  const go = async (who: { role: Role; sub: string; name?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signInAs(api, who);
      // The shell sees the new session and moves to the role's home page.
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

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
                      {people.length === 0 && (
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
