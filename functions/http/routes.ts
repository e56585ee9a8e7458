/**
 * The HTTP routes, defined once: the CDK app makes one API Gateway route per
 * entry (JWT authorizer unless `auth: 'none'`), and the local gateway serves
 * the same table. `group` names the Lambda (functions/handlers/<group>.ts)
 * whose middy router handles the route.
 */
export type HttpGroup = 'public' | 'providers' | 'smes' | 'matches' | 'inbox' | 'analytics';
export type HttpMethod = 'GET' | 'POST' | 'PATCH';

export interface HttpRoute {
  method: HttpMethod;
  /** API Gateway path syntax: /v1/providers/{providerId} */
  path: string;
  group: HttpGroup;
  auth: 'none' | 'jwt';
}

const r = (method: HttpMethod, path: string, group: HttpGroup, auth: 'none' | 'jwt' = 'jwt'): HttpRoute => ({
  method,
  path,
  group,
  auth,
});

export const HTTP_ROUTES: readonly HttpRoute[] = [
  r('GET', '/health', 'public', 'none'),
  r('GET', '/v1/catalog', 'public', 'none'),
  r('GET', '/openapi.json', 'public', 'none'),

  r('POST', '/v1/providers', 'providers'),
  r('GET', '/v1/providers', 'providers'),
  r('GET', '/v1/providers/{providerId}', 'providers'),
  r('POST', '/v1/providers/{providerId}/offerings', 'providers'),
  r('GET', '/v1/providers/{providerId}/offerings', 'providers'),
  r('GET', '/v1/providers/{providerId}/matches', 'providers'),
  r('GET', '/v1/offerings/{offeringId}', 'providers'),
  r('PATCH', '/v1/offerings/{offeringId}', 'providers'),
  r('GET', '/v1/offerings/{offeringId}/capacity', 'providers'),

  r('POST', '/v1/smes', 'smes'),
  r('GET', '/v1/smes', 'smes'),
  r('GET', '/v1/smes/{smeId}', 'smes'),
  r('POST', '/v1/smes/{smeId}/needs', 'smes'),
  r('GET', '/v1/smes/{smeId}/needs', 'smes'),
  r('GET', '/v1/smes/{smeId}/matches', 'smes'),
  r('GET', '/v1/needs/{needId}', 'smes'),
  r('POST', '/v1/needs/{needId}/withdraw', 'smes'),
  r('GET', '/v1/needs/{needId}/matches', 'smes'),

  r('GET', '/v1/matches', 'matches'),
  r('GET', '/v1/matches/{matchId}', 'matches'),
  r('POST', '/v1/matches/{matchId}/approve', 'matches'),
  r('POST', '/v1/matches/{matchId}/reject', 'matches'),
  r('POST', '/v1/matches/{matchId}/accept', 'matches'),
  r('POST', '/v1/matches/{matchId}/decline', 'matches'),
  r('POST', '/v1/matches/{matchId}/complete', 'matches'),
  r('POST', '/v1/matches/{matchId}/feedback', 'matches'),

  r('GET', '/v1/inbox', 'inbox'),
  r('POST', '/v1/inbox/{notificationId}/read', 'inbox'),

  r('GET', '/v1/analytics/markets', 'analytics'),
];

export const HTTP_GROUPS: readonly HttpGroup[] = ['public', 'providers', 'smes', 'matches', 'inbox', 'analytics'];
