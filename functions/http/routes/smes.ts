/** The routes of the `smes` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import {
  CreateNeedBody, CreateSmeBody, PatchSmeBody, province, serviceType, SuspendBody, VerifySmeBody
} from '#domain/model.ts';
import { IdempotencyKey, PageQuery } from '../schemas.ts';
import { NeedParams, OWNER_OR_OPERATOR, Paging, route, SmeParams } from '../route-decl.ts';

export const smesRoutes = {
  createSme: route({
    method: 'POST', path: '/v1/smes', group: 'smes', roles: ['sme'], status: 201, response: 'Sme',
    summary: 'Register an SME profile',
    description:
      'SMEs; the caller becomes its owner. `uscc` (统一社会信用代码) is checked by its GB 32100 check character and must agree with `region.province`; one profile per USCC on the platform (409 DUPLICATE). `tier` is the declared tier (shown as `declaredTier`); the `tier` the matcher uses is verified by a register entry or an operator.',
    body: CreateSmeBody,
    example: {
      name: '成都示例科技有限公司',
      uscc: '91510000736451285F',
      sizeClass: 'SMALL',
      tier: 'SPECIALIZED',
      industry: 'C39 electronic equipment',
      region: { province: 'CN-SC', city: 'Chengdu' },
      weakFoundation: false,
    },
  }),
  verifySme: route({
    method: 'PATCH', path: '/v1/smes/{smeId}/verification', group: 'smes', roles: ['operator'], status: 200, response: 'Sme',
    summary: "Verify or correct an SME's tier, size class or weak foundation",
    description:
      "Operators. `tier` (with `tierValidUntil`, inclusive; none: no end) replaces the SME's tier verification and wins over register entries while valid; `sizeClass` and `weakFoundation` replace the declared values and mark them verified. The note is kept in the SME's history. Its waiting needs carry the new facts from the next round.",
    params: SmeParams,
    body: VerifySmeBody,
    example: { tier: 'LITTLE_GIANT', tierValidUntil: '2028-12-31', note: '工信部第五批专精特新"小巨人"公示名单核实' },
  }),
  suspendSme: route({
    method: 'POST', path: '/v1/smes/{smeId}/suspend', group: 'smes', roles: ['operator'], status: 200, response: 'Sme',
    summary: 'Suspend an SME',
    description:
      'Operators. Its needs leave matching, its open PROPOSED/APPROVED matches are cancelled (capacity released), and it cannot post needs until reinstated. 409 when already suspended.',
    params: SmeParams,
    body: SuspendBody,
    example: { reason: '营业执照已吊销，待核实' },
  }),
  reinstateSme: route({
    method: 'POST', path: '/v1/smes/{smeId}/reinstate', group: 'smes', roles: ['operator'], status: 200, response: 'Sme',
    summary: 'Reinstate a suspended SME',
    description: 'Operators. Its waiting needs return to matching (a round of each of their markets is requested). 409 when not suspended.',
    params: SmeParams,
  }),
  listSmes: route({
    method: 'GET', path: '/v1/smes', group: 'smes', roles: ['sme', 'operator'], status: 200, response: { pageOf: 'Sme' },
    summary: 'List SME profiles',
    description: 'SMEs see their own; operators see all.',
    query: Paging,
  }),
  getSme: route({
    method: 'GET', path: '/v1/smes/{smeId}', group: 'smes', roles: ['sme', 'operator'], status: 200, response: 'Sme',
    summary: 'Read an SME profile',
    description: OWNER_OR_OPERATOR('SME'),
    params: SmeParams,
  }),
  patchSme: route({
    method: 'PATCH', path: '/v1/smes/{smeId}', group: 'smes', roles: ['sme'], status: 200, response: 'Sme',
    summary: 'Change an SME profile',
    description:
      "The SME's owner only. Name, industry, city and contact; the province, size class and tier do not change here. The summaries on its live matches follow.",
    params: SmeParams,
    body: PatchSmeBody,
    example: { industry: 'C34 valves', region: { city: 'Deyang' }, contact: { name: '王经理', phone: '13812345678', email: 'wang@example.cn' } },
  }),
  postNeed: route({
    method: 'POST', path: '/v1/smes/{smeId}/needs', group: 'smes', roles: ['sme'], status: 201, response: 'Need',
    summary: 'Post a service need',
    description:
      "The SME's owner only. The need waits in its service type's market for the next round. With an Idempotency-Key, a retry answers the first need. " +
      'At most 20 open (WAITING, PROPOSED, MATCHED) needs per SME and 3 per SME and service type (settings): beyond, 429 QUOTA_EXCEEDED naming the limit.',
    params: SmeParams,
    headers: {
      idempotencyKey: {
        name: 'Idempotency-Key',
        schema: IdempotencyKey,
        description: 'The same key with the same body answers the first need again; with another body, 409.',
      },
    },
    body: CreateNeedBody,
    example: {
      serviceType: 'ip-fast-examination',
      description: '发明专利快速预审，涉及锂电池隔膜工艺',
      remoteOk: true,
      languages: ['zh-CN'],
      budgetMax: 5000,
      deadline: '2030-06-30',
    },
  }),
  listNeedsOfSme: route({
    method: 'GET', path: '/v1/smes/{smeId}/needs', group: 'smes', roles: ['sme', 'operator'], status: 200, response: { pageOf: 'Need' },
    summary: "List an SME's needs",
    description: OWNER_OR_OPERATOR('SME'),
    params: SmeParams,
    query: Paging,
  }),
  listMatchesOfSme: route({
    method: 'GET', path: '/v1/smes/{smeId}/matches', group: 'smes', roles: ['sme', 'operator'], status: 200, response: { pageOf: 'Match' },
    summary: "List an SME's matches",
    description: OWNER_OR_OPERATOR('SME'),
    params: SmeParams,
    query: Paging,
    addition: true,
  }),
  getNeed: route({
    method: 'GET', path: '/v1/needs/{needId}', group: 'smes', roles: ['sme', 'operator'], status: 200, response: 'NeedWithCurrentMatch',
    summary: 'Read a need with its current match',
    description: OWNER_OR_OPERATOR('need'),
    params: NeedParams,
  }),
  withdrawNeed: route({
    method: 'POST', path: '/v1/needs/{needId}/withdraw', group: 'smes', roles: ['sme'], status: 200, response: 'Need',
    summary: 'Withdraw a need',
    description: "The need's owner only. An open match of it is cancelled and its capacity released.",
    params: NeedParams,
  }),
  listMatchesOfNeed: route({
    method: 'GET', path: '/v1/needs/{needId}/matches', group: 'smes', roles: ['sme', 'operator'], status: 200, response: { pageOf: 'Match' },
    summary: "List a need's matches",
    description: OWNER_OR_OPERATOR('need'),
    params: NeedParams,
    query: Paging,
  }),
  listWaitingNeeds: route({
    method: 'GET', path: '/v1/needs', group: 'smes', roles: ['operator'], status: 200, response: { pageOf: 'Need' },
    summary: 'Waiting needs and why they wait',
    description:
      'Operators. The needs that wait (`status` WAITING, the default and the one status listed: the markets\' waiting index serves it, no Scan); one market (`serviceType`) or all in catalog order, oldest first within a market; each need with its `waiting` reasons. `province` filters each page as it is read, so a page may hold fewer than `limit` needs (even none) with a `nextCursor` to go on.',
    query: z.strictObject({
      ...PageQuery,
      status: z._default(z.enum(['WAITING']), 'WAITING'),
      serviceType: z.optional(serviceType),
      province: z.optional(province),
    }),
  }),
};
