/** Lambda entry: the daily `lapse` job (functions/usecases/provider-standing.ts). */
import { lapseHandler } from '#functions/usecases/provider-standing.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = lapseHandler(awsPorts());
