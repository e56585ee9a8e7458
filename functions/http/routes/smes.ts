/** The routes of the `smes` Lambda (declared as described in ../route-decl.ts). */
import {
  CreateNeedBody, CreateSmeBody, serviceType
} from '#domain/model.ts';
import { IdempotencyKey } from '../schemas.ts';
import { NeedParams, OWNER_OR_OPERATOR, Paging, route, SmeParams } from '../route-decl.ts';

export const smesRoutes = {
  createSme: route({
    method: 'POST', path: '/v1/smes', group: 'smes', roles: ['sme'], status: 201, response: 'Sme',
    summary: 'Register an SME profile',
    description: 'SMEs; the caller becomes its owner.',
    body: CreateSmeBody,
    example: {
      name: '成都示例科技有限公司',
      sizeClass: 'SMALL',
      tier: 'SPECIALIZED',
      industry: 'C39 electronic equipment',
      region: { province: 'CN-SC', city: 'Chengdu' },
      weakFoundation: false,
    },
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
  postNeed: route({
    method: 'POST', path: '/v1/smes/{smeId}/needs', group: 'smes', roles: ['sme'], status: 201, response: 'Need',
    summary: 'Post a service need',
    description:
      "The SME's owner only. The need waits in its service type's market for the next round. With an Idempotency-Key, a retry answers the first need.",
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
};
