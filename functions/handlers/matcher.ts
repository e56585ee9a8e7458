/** Lambda entry: the matcher, consuming its SQS FIFO queue (functions/usecases/consumers.ts). The only bundle with the solver. */
import { matcherHandler } from '#functions/usecases/consumers.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = matcherHandler(awsPorts());
