/** Lambda entry: the `matches` HTTP routes (functions/http/groups/matches.ts). */
import { buildHandlers } from '../app.ts';
import { awsPorts } from '../adapters/aws.ts';

export const handler = buildHandlers(awsPorts()).http.matches;
