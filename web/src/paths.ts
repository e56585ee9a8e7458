/**
 * The console's routes, shared by the router (web/src/router.ts) and the
 * server that answers index.html for them (local/console.ts): a deep link
 * or a reload on /sme/matches must get the app, while /v1/... stays the API's.
 * Pure data: no browser globals, so the Node side can import it.
 */
export const ROUTES = {
  signIn: '/sign-in',
  operatorReview: '/operator/review',
  operatorMarkets: '/operator/markets',
  operatorOnboarding: '/operator/onboarding',
  operatorImports: '/operator/imports',
  operatorWaiting: '/operator/waiting',
  operatorSuspensions: '/operator/suspensions',
  operatorVouchers: '/operator/vouchers',
  operatorKpis: '/operator/kpis',
  smeProfile: '/sme/profile',
  smeNewNeed: '/sme/needs/new',
  smeMatches: '/sme/matches',
  providerOfferings: '/provider/offerings',
  providerMatches: '/provider/matches',
  smeVouchers: '/sme/vouchers',
  providerProfile: '/provider/profile',
  providerSettlements: '/provider/settlements',
  /** Where Cognito's hosted sign-in sends the browser back (infra/constructs/console-hosting.ts AUTH_CALLBACK_PATH). */
  authCallback: '/auth/callback',
  inbox: '/inbox',
} as const;

export type RoutePath = (typeof ROUTES)[keyof typeof ROUTES];

const APP_PATHS: ReadonlySet<string> = new Set<string>(['/', ...Object.values(ROUTES)]);

/** True for a path the console itself renders (index.html answers it). */
export function isAppPath(pathname: string): boolean {
  return APP_PATHS.has(pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname);
}

/** Where the static assets live; hashed names, so they may be cached for ever. */
export const ASSET_PREFIX = '/assets/';

/** Local runtime only: the demo people the sign-in page lists (no tokens, just who they are). */
export const DEMO_USERS_PATH = '/local/demo-users';
