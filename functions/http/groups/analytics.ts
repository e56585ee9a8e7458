/** Handlers of the `analytics` Lambda: operators watch demand against capacity. */
import type { HttpHandler, TablePorts } from '#functions/ports.ts';
import { marketReport } from '#functions/usecases/analytics.ts';
import { kpis } from '#functions/usecases/kpis.ts';
import { httpGroup } from '../api.ts';
import { analyticsRoutes } from '../routes/analytics.ts';

export function analyticsHttp(ports: TablePorts): HttpHandler {
  return httpGroup(
    analyticsRoutes,
    {
      marketAnalytics: async ({ query }) => marketReport(ports, query.period, query.serviceType),
      kpis: async ({ query }) => kpis(ports, query.period, query.province),
    },
    ports.logger,
  );
}
