/** Lambda entry: the `smes` HTTP routes (functions/http/routes.ts, group 'smes'). */
import { smesHttp } from '#functions/http/groups/smes.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = smesHttp(awsPorts());
