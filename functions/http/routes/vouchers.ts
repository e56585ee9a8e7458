/** The routes of the `vouchers` Lambda (declared as described in ../route-decl.ts): programmes, vouchers, settlements. */
import * as z from 'zod/mini';
import { period } from '#domain/model.ts';
import { CreateProgrammeBody } from '#domain/vouchers.ts';
import { id } from '../schemas.ts';
import { OWNER_OR_OPERATOR, Paging, ProviderParams, route, SmeParams } from '../route-decl.ts';

export const ProgrammeParams = z.strictObject({ programmeId: id('vp') });

/** A settlement as CSV: one row per redeemed voucher and a total row. */
interface SettlementOut {
  items: Array<{ voucherId: string; matchId: string; amount: number; redeemedAt: string }>;
  total: number;
}

export const vouchersRoutes = {
  createProgramme: route({
    method: 'POST', path: '/v1/voucher-programmes', group: 'vouchers', roles: ['operator'], status: 201, response: 'VoucherProgramme',
    summary: 'Create a voucher programme (服务券)',
    description: 'Operators. The whole budget is available until vouchers are issued; amounts are whole CNY.',
    body: CreateProgrammeBody,
    example: {
      name: '2030年四川省中小企业知识产权服务券',
      serviceTypes: ['ip-fast-examination'],
      provinces: ['CN-SC'],
      budget: 100000,
      faceValue: 5000,
      eligibility: { tiers: ['SPECIALIZED', 'LITTLE_GIANT'] },
      validUntil: '2030-12-31',
    },
  }),
  listProgrammes: route({
    method: 'GET', path: '/v1/voucher-programmes', group: 'vouchers', roles: ['operator'], status: 200, response: { pageOf: 'VoucherProgramme' },
    summary: 'List voucher programmes with their ledgers',
    description: 'Operators; newest first.',
    query: Paging,
  }),
  getProgramme: route({
    method: 'GET', path: '/v1/voucher-programmes/{programmeId}', group: 'vouchers', roles: ['operator'], status: 200, response: 'VoucherProgramme',
    summary: "Read a programme and its ledger",
    description: 'Operators. budget, allocated, held, redeemed, available (= budget − allocated).',
    params: ProgrammeParams,
  }),
  issueVoucher: route({
    method: 'POST', path: '/v1/voucher-programmes/{programmeId}/vouchers', group: 'vouchers', roles: ['operator'], status: 201, response: 'Voucher',
    summary: 'Issue a voucher to an SME',
    description:
      'Operators. Allocates the face value from the budget. 409 when the budget is exhausted, the programme has ended, the SME is not eligible on its verified facts (tier, size class, province), or it already holds an unexpired voucher of the programme.',
    params: ProgrammeParams,
    body: z.strictObject({ smeId: id('sm') }),
    example: { smeId: 'sm_0123456789abcdef' },
  }),
  listVouchersOfSme: route({
    method: 'GET', path: '/v1/smes/{smeId}/vouchers', group: 'vouchers', roles: ['sme', 'operator'], status: 200, response: { pageOf: 'Voucher' },
    summary: "List an SME's vouchers",
    description: OWNER_OR_OPERATOR('SME'),
    params: SmeParams,
    query: Paging,
  }),
  providerSettlements: route({
    method: 'GET', path: '/v1/providers/{providerId}/settlements', group: 'vouchers', roles: ['provider', 'operator'], status: 200, response: 'Settlement',
    summary: "A provider's redeemed vouchers in a month",
    description: `${OWNER_OR_OPERATOR('provider')} With Accept: text/csv, the same as CSV (UTF-8 with BOM) with a total row.`,
    params: ProviderParams,
    query: z.strictObject({ period }),
    csv: {
      columns: ['voucherId', 'matchId', 'amount', 'redeemedAt'],
      rows: (out: SettlementOut) => [...out.items.map((l) => [l.voucherId, l.matchId, l.amount, l.redeemedAt]), ['TOTAL', '', out.total, '']],
    },
  }),
};
