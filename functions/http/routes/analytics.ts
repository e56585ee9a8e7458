/** The routes of the `analytics` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import {
  period, serviceType
} from '#domain/model.ts';
import { route } from '../route-decl.ts';

export const analyticsRoutes = {
  marketAnalytics: route({
    method: 'GET', path: '/v1/analytics/markets', group: 'analytics', roles: ['operator'], status: 200, response: 'MarketReport',
    summary: 'Demand against capacity per market and province',
    description: 'Operators. The period defaults to the current month.',
    query: z.strictObject({ period: z.optional(period), serviceType: z.optional(serviceType) }),
  }),
};
