/** The routes of the `analytics` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import {
  period, serviceType
} from '#domain/model.ts';
import { KPI_CSV_COLUMNS, kpiCsvRows } from '#domain/kpis.ts';
import { province } from '#domain/model.ts';
import { route } from '../route-decl.ts';

export const analyticsRoutes = {
  marketAnalytics: route({
    method: 'GET', path: '/v1/analytics/markets', group: 'analytics', roles: ['operator'], status: 200, response: 'MarketReport',
    summary: 'Demand against capacity per market and province',
    description:
      "Operators. The period defaults to the current month. Two reads whatever the platform's size: the period's match counters, and each market's waiting needs and active capacity as its last round left them (`asOf`).",
    query: z.strictObject({ period: z.optional(period), serviceType: z.optional(serviceType) }),
  }),
  kpis: route({
    method: 'GET', path: '/v1/analytics/kpis', group: 'analytics', roles: ['operator'], status: 200, response: 'KpiReport',
    summary: "The plan's KPIs of a month (and province)",
    description:
      'Operators. Served from counters the event consumers keep per province (two reads, whatever the number of matches); the period defaults to the current month. With Accept: text/csv, one row per project and a total row.',
    query: z.strictObject({ period: z.optional(period), province: z.optional(province) }),
    csv: { columns: KPI_CSV_COLUMNS, rows: kpiCsvRows },
  }),
};
