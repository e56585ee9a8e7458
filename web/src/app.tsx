/**
 * The app shell: header (who is signed in, navigation for their role,
 * language switch, sign-out) and the page for the current path.
 */
import { useEffect } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { endSession, session, type Role } from './auth/session.ts';
import { lang, locale, setLang, t, type MessageKey } from './i18n/index.ts';
import { ROUTES, type RoutePath } from './paths.ts';
import { currentPath, followLink, navigate } from './router.ts';
import { SignInPage } from './pages/sign-in.tsx';
import { ReviewPage } from './pages/operator-review.tsx';
import { MarketsPage } from './pages/operator-markets.tsx';
import { OnboardingPage } from './pages/operator-onboarding.tsx';
import { ImportsPage } from './pages/operator-imports.tsx';
import { WaitingNeedsPage } from './pages/operator-waiting.tsx';
import { SuspensionsPage } from './pages/operator-suspensions.tsx';
import { VoucherProgrammesPage } from './pages/operator-vouchers.tsx';
import { KpiDashboardPage } from './pages/operator-kpis.tsx';
import { SmeProfilePage } from './pages/sme-profile.tsx';
import { NewNeedPage } from './pages/sme-new-need.tsx';
import { SmeMatchesPage } from './pages/sme-matches.tsx';
import { OfferingsPage } from './pages/provider-offerings.tsx';
import { ProviderMatchesPage } from './pages/provider-matches.tsx';
import { InboxPage } from './pages/inbox.tsx';
import { SmeVouchersPage } from './pages/sme-vouchers.tsx';
import { ProviderProfilePage } from './pages/provider-profile.tsx';
import { SettlementsPage } from './pages/provider-settlements.tsx';
import { AuthCallbackPage } from './pages/auth-callback.tsx';
import { cognitoSignIn, signInMode } from './auth/mode.ts';

interface PageDef {
  component: ComponentType;
  /** Who may open it; the API enforces the same, this only keeps people on their own pages. */
  roles: readonly Role[];
  nav: MessageKey;
}

const PAGES: Record<Exclude<RoutePath, typeof ROUTES.signIn | typeof ROUTES.authCallback>, PageDef> = {
  [ROUTES.operatorReview]: { component: ReviewPage, roles: ['operator'], nav: 'nav.review' },
  [ROUTES.operatorMarkets]: { component: MarketsPage, roles: ['operator'], nav: 'nav.markets' },
  [ROUTES.operatorOnboarding]: { component: OnboardingPage, roles: ['operator'], nav: 'nav.onboarding' },
  [ROUTES.operatorImports]: { component: ImportsPage, roles: ['operator'], nav: 'nav.imports' },
  [ROUTES.operatorWaiting]: { component: WaitingNeedsPage, roles: ['operator'], nav: 'nav.waiting' },
  [ROUTES.operatorSuspensions]: { component: SuspensionsPage, roles: ['operator'], nav: 'nav.suspensions' },
  [ROUTES.operatorVouchers]: { component: VoucherProgrammesPage, roles: ['operator'], nav: 'nav.vouchers' },
  [ROUTES.operatorKpis]: { component: KpiDashboardPage, roles: ['operator'], nav: 'nav.kpis' },
  [ROUTES.smeProfile]: { component: SmeProfilePage, roles: ['sme'], nav: 'nav.profile' },
  [ROUTES.smeNewNeed]: { component: NewNeedPage, roles: ['sme'], nav: 'nav.newNeed' },
  [ROUTES.smeMatches]: { component: SmeMatchesPage, roles: ['sme'], nav: 'nav.smeMatches' },
  [ROUTES.smeVouchers]: { component: SmeVouchersPage, roles: ['sme'], nav: 'nav.smeVouchers' },
  [ROUTES.providerOfferings]: { component: OfferingsPage, roles: ['provider'], nav: 'nav.offerings' },
  [ROUTES.providerMatches]: { component: ProviderMatchesPage, roles: ['provider'], nav: 'nav.providerMatches' },
  [ROUTES.providerSettlements]: { component: SettlementsPage, roles: ['provider'], nav: 'nav.settlements' },
  [ROUTES.providerProfile]: { component: ProviderProfilePage, roles: ['provider'], nav: 'nav.providerProfile' },
  [ROUTES.inbox]: { component: InboxPage, roles: ['sme', 'provider'], nav: 'nav.inbox' },
};

export const HOME: Record<Role, RoutePath> = {
  operator: ROUTES.operatorReview,
  sme: ROUTES.smeProfile,
  provider: ROUTES.providerOfferings,
};

function Header() {
  const s = session.value;
  const here = currentPath.value;
  const links = s ? (Object.entries(PAGES) as Array<[RoutePath, PageDef]>).filter(([, p]) => p.roles.includes(s.role)) : [];
  return (
    <header class={s ? 'header' : 'header header-bare'}>
      <div class="header-top">
        <p class="brand">{t('app.title')}</p>
        <div class="header-tools">
          <div class="lang-switch" role="group" aria-label={t('lang.label')}>
            {(['zh', 'en'] as const).map((l) => (
              <button key={l} type="button" lang={locale(l)} aria-pressed={lang.value === l} onClick={() => setLang(l)}>
                {t(`lang.${l}`)}
              </button>
            ))}
          </div>
          {s && (
            <button
              type="button"
              class="button"
              onClick={() => {
                const mode = signInMode.value;
                // In AWS, Cognito's session ends too (its /logout sends the browser back to the console).
                if (mode.kind === 'cognito') return cognitoSignIn(mode.cognito).signOut();
                endSession();
                navigate(ROUTES.signIn);
              }}
            >
              {t('nav.signOut')}
            </button>
          )}
        </div>
      </div>
      {s && (
        <>
          <p class="who">
            <span class="badge badge-role">{t(`role.${s.role}`)}</span> {s.name ?? (s.role === 'operator' ? '' : s.sub)}
          </p>
          <nav aria-label={t('nav.label')}>
            <ul class="nav">
              {links.map(([path, p]) => (
                <li key={path}>
                  <a href={path} onClick={followLink} aria-current={here === path ? 'page' : undefined}>
                    {t(p.nav)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </>
      )}
    </header>
  );
}

function NotFound() {
  return (
    <section>
      <h1>{t('app.notFound')}</h1>
      <p>
        <a href="/" onClick={followLink}>
          {t('app.home')}
        </a>
      </p>
    </section>
  );
}

export function App() {
  const s = session.value;
  const path = currentPath.value;
  const page: PageDef | undefined = PAGES[path as keyof typeof PAGES];

  const mode = signInMode.value.kind;
  // Signed out (or the token expired): sign in first (the Cognito callback signs in itself).
  // Signed in at /, on a sign-in page or on another role's page: go home.
  const signingIn = path === ROUTES.signIn || path === ROUTES.authCallback;
  const target =
    mode === 'loading' ? null : !s ? (signingIn ? null : ROUTES.signIn) : path === '/' || signingIn || (page && !page.roles.includes(s.role)) ? HOME[s.role] : null;
  useEffect(() => {
    if (target) navigate(target, { replace: true });
  }, [target]);
  useEffect(() => {
    document.documentElement.lang = locale();
    document.title = t('app.title');
  }, [lang.value]);

  const Page =
    mode === 'loading' || target ? null : !s ? (path === ROUTES.signIn ? SignInPage : path === ROUTES.authCallback ? AuthCallbackPage : null) : (page?.component ?? NotFound);
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {Page && <Page key={`${path}:${s?.sub ?? ''}`} />}
      </main>
    </>
  );
}
