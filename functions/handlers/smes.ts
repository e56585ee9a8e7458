/** Lambda entry: the `smes` HTTP routes (functions/http/groups/smes.ts). */
import { buildHandlers } from '../app.ts';
import { awsPorts } from '../adapters/aws.ts';

export const handler = buildHandlers(awsPorts()).http.smes;
