/** Lambda entry: the `inbox` HTTP routes (functions/http/groups/inbox.ts). */
import { buildHandlers } from '../app.ts';
import { awsPorts } from '../adapters/aws.ts';

export const handler = buildHandlers(awsPorts()).http.inbox;
