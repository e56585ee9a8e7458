/**
 * Every HTTP route, assembled from the per-Lambda declarations in
 * http/routes/<group>.ts (their shape: http/route-decl.ts). Everything else
 * is derived from this table:
 *
 * - HTTP_ROUTES: one API Gateway route per entry (infra/constructs/http-api.ts)
 *   and the local gateway's routing (JWT authorizer unless the route is public);
 * - each group's dispatch table (http/api.ts), which binds a handler to each
 *   declaration by its name (http/groups/<group>.ts);
 * - the OpenAPI document (http/openapi.ts).
 *
 * Data only (schemas and words): infra and the public Lambda import it
 * without pulling any use case, store or AWS SDK.
 */
import type { HttpGroup, HttpRoute, RouteDecl } from './route-decl.ts';
import { publicRoutes } from './routes/public.ts';
import { providersRoutes } from './routes/providers.ts';
import { smesRoutes } from './routes/smes.ts';
import { matchesRoutes } from './routes/matches.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { vouchersRoutes } from './routes/vouchers.ts';
import { registersRoutes } from './routes/registers.ts';

export type { ComponentName, HeaderDecl, RawBodyDecl, HttpGroup, HttpMethod, HttpRoute, ResponseDoc, RouteDecl, Schema } from './route-decl.ts';

/** The declarations, by name (the OpenAPI operationId); the order is HTTP_ROUTES' order. */
export const ROUTES = {
  ...publicRoutes,
  ...providersRoutes,
  ...smesRoutes,
  ...matchesRoutes,
  ...inboxRoutes,
  ...analyticsRoutes,
  ...vouchersRoutes,
  ...registersRoutes,
};

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;
/** The names of the routes one Lambda serves. */
export type RouteNameOf<G extends HttpGroup> = { [K in RouteName]: Routes[K]['group'] extends G ? K : never }[RouteName];

export { routeKeyOf } from './route-decl.ts';

export const HTTP_ROUTES: readonly HttpRoute[] = Object.values(ROUTES).map(
  (d: RouteDecl): HttpRoute => ({
    method: d.method,
    path: d.path,
    group: d.group,
    auth: d.roles === 'public' ? 'none' : 'jwt',
    ...(d.rawBody ? { maxBodyBytes: d.rawBody.maxBytes } : {}),
  }),
);

export const HTTP_GROUPS: readonly HttpGroup[] = ['public', 'providers', 'smes', 'matches', 'inbox', 'analytics', 'registers', 'vouchers'];
