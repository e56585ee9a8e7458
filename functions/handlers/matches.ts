/** Lambda entry: the `matches` HTTP routes (functions/http/routes.ts, group 'matches'). */
import { matchesHttp } from '#functions/http/groups/matches.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = matchesHttp(awsPorts());
