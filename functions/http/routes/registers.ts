/** The routes of the `registers` Lambda (declared as described in ../route-decl.ts): register imports, operators only. */
import * as z from 'zod/mini';
import { MAX_REGISTER_BYTES } from '#domain/registers.ts';
import { ImportParams, route } from '../route-decl.ts';

/** A register file: CSV, UTF-8 (a BOM is fine), up to 5 MiB; its own limit, enforced by the gateway and the HTTP edge. */
const CSV_BODY = { mediaType: 'text/csv', maxBytes: MAX_REGISTER_BYTES };
const STARTED =
  'Answers 202 with the import id at once; the rows are processed in the background (GET /v1/imports/{importId} shows progress and row errors). ' +
  'The same file again answers its first import and changes nothing. One running import per operator: another meanwhile is 429 QUOTA_EXCEEDED. ' +
  'A file that is not UTF-8 CSV with the header row below is a 400 before anything is written.';

export const registersRoutes = {
  importTierRegister: route({
    method: 'POST', path: '/v1/registers/tiers', group: 'registers', roles: ['operator'], status: 202, response: 'ImportStarted',
    summary: 'Import a tier register (创新型 / 专精特新 / 小巨人 lists)',
    description: `Operators. Header row uscc,name,tier,batch,validUntil; each valid row upserts the register entry of its USCC and re-verifies the SME holding it. ${STARTED}`,
    rawBody: CSV_BODY,
    example: 'uscc,name,tier,batch,validUntil\n9151000071520391XJ,成都精密传动科技有限公司,LITTLE_GIANT,第五批,2027-12-31\n',
  }),
  importProviderRegister: route({
    method: 'POST', path: '/v1/registers/providers', group: 'registers', roles: ['operator'], status: 202, response: 'ImportStarted',
    summary: 'Import a provider directory',
    description: `Operators. Header row uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub (regions and languages separated by ";", ownerSub may be empty); each valid row creates or updates an APPROVED provider keyed by its USCC (one without an owner is visible to operators only). ${STARTED}`,
    rawBody: CSV_BODY,
    example: 'uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub\n914400003052881645,广东省知识产权保护中心,IP_PROTECTION_CENTRE,CN-GD,zh-CN;en,王芳,wang@example.cn,\n',
  }),
  getImport: route({
    method: 'GET', path: '/v1/imports/{importId}', group: 'registers', roles: ['operator'], status: 200, response: 'Import',
    summary: "An import's progress and row errors",
    description: 'Operators (any operator may follow any import). Row errors are worded in Chinese when Accept-Language names Chinese first, as refusals are (see Error).',
    params: ImportParams,
    headers: {
      acceptLanguage: {
        name: 'Accept-Language',
        schema: z.optional(z.string()),
        description: 'An addition: Chinese first (zh, zh-CN, ...) words the row errors in Chinese; anything else, or a wildcard alone, in English.',
      },
    },
  }),
};
