/** Lambda entry: the register `importer`, fed by ImportChunkRequested (functions/usecases/imports.ts). */
import { importerHandler } from '#functions/usecases/imports.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = importerHandler(awsPorts());
