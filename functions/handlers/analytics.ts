/** Lambda entry: the `analytics` HTTP routes (functions/http/routes.ts, group 'analytics'). Publishes no event. */
import { analyticsHttp } from '#functions/http/groups/analytics.ts';
import { awsTablePorts } from '#functions/adapters/aws-table.ts';

export const handler = analyticsHttp(awsTablePorts());
