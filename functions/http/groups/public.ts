/** Handlers of the `public` Lambda: health, the catalog, the regions and the API description. Touches no table and no bus. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { catalogView } from '#domain/catalog.ts';
import { regionsView } from '#domain/regions.ts';
import type { HttpHandler } from '#functions/ports.ts';
import { httpGroup } from '../api.ts';
import { publicRoutes } from '../routes/public.ts';
import { buildOpenApi } from '../openapi.ts';

export function publicHttp(logger: Logger): HttpHandler {
  // Built on first request, once per container: most invocations are health checks.
  let openApi: unknown;
  return httpGroup(
    publicRoutes,
    {
      health: async () => ({ status: 'ok' }),
      getCatalog: async () => catalogView(),
      getRegions: async () => regionsView(),
      getOpenApi: async () => (openApi ??= buildOpenApi()),
    },
    logger,
  );
}
