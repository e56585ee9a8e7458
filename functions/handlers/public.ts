/** Lambda entry: health, catalog and OpenAPI. Touches no table and no bus, and loads no AWS SDK. */
import { publicHttp } from '#functions/http/groups/public.ts';
import { awsLogger } from '#functions/adapters/logger.ts';

export const handler = publicHttp(awsLogger());
