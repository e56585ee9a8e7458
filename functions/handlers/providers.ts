/** Lambda entry: the `providers` HTTP routes (functions/http/routes.ts, group 'providers'). */
import { providersHttp } from '#functions/http/groups/providers.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = providersHttp(awsPorts());
