/** Lambda entry: the scheduled `expiry` job (functions/usecases/jobs.ts). */
import { expiryHandler } from '#functions/usecases/jobs.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = expiryHandler(awsPorts());
