/** Lambda entry: the `registers` HTTP routes (functions/http/routes.ts, group 'registers'). */
import { registersHttp } from '#functions/http/groups/registers.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = registersHttp(awsPorts());
