/** Routes of the `public` Lambda: health, the catalog and the API description. */
import { catalogView } from '#domain/catalog.ts';
import { publicRoute, type RouteDef } from '../api.ts';

export function publicRoutes(openApi: () => unknown): RouteDef[] {
  return [
    publicRoute({ routeKey: 'GET /health', handle: async () => ({ status: 'ok' }) }),
    publicRoute({ routeKey: 'GET /v1/catalog', handle: async () => catalogView() }),
    publicRoute({ routeKey: 'GET /openapi.json', handle: async () => openApi() }),
  ];
}
