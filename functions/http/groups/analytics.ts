/** Routes of the `analytics` Lambda: operators watch demand against capacity. */
import * as z from 'zod/mini';
import { period, serviceType } from '#domain/model.ts';
import type { AppPorts } from '../../app.ts';
import { marketAnalytics } from '../../usecases/analytics.ts';
import { periodOf } from '../../usecases/support.ts';
import { route, type RouteDef } from '../api.ts';

export function analyticsRoutes(ports: AppPorts): RouteDef[] {
  return [
    route({
      routeKey: 'GET /v1/analytics/markets',
      roles: ['operator'],
      query: z.strictObject({ period: z.optional(period), serviceType: z.optional(serviceType) }),
      handle: async ({ query }) => {
        const p = query.period ?? periodOf(ports.clock.now());
        return { period: p, items: await marketAnalytics(ports.store, p, query.serviceType) };
      },
    }),
  ];
}
