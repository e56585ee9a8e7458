/** Lambda entry: the KPI counters consumer (events/routing.ts route 'kpi'). Publishes no event. */
import { awsTablePorts } from '#functions/adapters/aws-table.ts';
import { kpiHandler } from '#functions/usecases/kpis.ts';

export const handler = kpiHandler(awsTablePorts());
