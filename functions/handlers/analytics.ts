/** Lambda entry: the `analytics` HTTP routes (functions/http/groups/analytics.ts). */
import { buildHandlers } from '../app.ts';
import { awsPorts } from '../adapters/aws.ts';

export const handler = buildHandlers(awsPorts()).http.analytics;
