/** Lambda entry: the scheduled `rebalance` job (functions/usecases/jobs.ts). */
import { rebalanceHandler } from '#functions/usecases/jobs.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = rebalanceHandler(awsPorts());
