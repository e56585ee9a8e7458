/** Lambda entry: health, catalog and OpenAPI. Touches no table and no bus. */
import { publicHandler } from '../app.ts';
import { awsLogger } from '../adapters/logger.ts';

export const handler = publicHandler(awsLogger());
