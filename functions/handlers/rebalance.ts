/** Lambda entry: the `rebalance` consumer/job (see functions/app.ts). */
import { buildHandlers } from '../app.ts';
import { awsPorts } from '../adapters/aws.ts';

export const handler = buildHandlers(awsPorts()).rebalance;
