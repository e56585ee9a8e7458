/** Lambda entry: the `providers` HTTP routes (functions/http/groups/providers.ts). */
import { buildHandlers } from '../app.ts';
import { awsPorts } from '../adapters/aws.ts';

export const handler = buildHandlers(awsPorts()).http.providers;
