/** Handlers of the `analytics` Lambda: operators watch demand against capacity. */
import type { HttpHandler, TablePorts } from '#functions/ports.ts';
import { marketReport } from '#functions/usecases/analytics.ts';
import { httpGroup } from '../api.ts';

export function analyticsHttp(ports: TablePorts): HttpHandler {
  return httpGroup(
    'analytics',
    {
      marketAnalytics: async ({ query }) => marketReport(ports, query.period, query.serviceType),
    },
    ports.logger,
  );
}
