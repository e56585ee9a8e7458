/** Lambda entry: the scheduled `relay` job (functions/usecases/jobs.ts). */
import { relayHandler } from '#functions/usecases/jobs.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = relayHandler(awsPorts());
