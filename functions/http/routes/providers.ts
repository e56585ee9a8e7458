/** The routes of the `providers` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import {
  CreateOfferingBody, CreateProviderBody, PatchOfferingBody, PatchProviderBody, period, RejectBody
} from '#domain/model.ts';
import { PROVIDER_STATUSES, RecordCertificationsBody } from '#domain/credentials.ts';
import { OfferingParams, OWNER_OR_OPERATOR, Paging, ProviderParams, route } from '../route-decl.ts';
import { PageQuery } from '../schemas.ts';

export const providersRoutes = {
  createProvider: route({
    method: 'POST', path: '/v1/providers', group: 'providers', roles: ['provider'], status: 201, response: 'Provider',
    summary: 'Register a service provider',
    description:
      'Providers; the caller becomes its owner. The provider starts PENDING: its offerings are matched only once an operator approves it. ' +
      'Certifications are typed and dated; a USCC, when given, is unique on the platform (409 DUPLICATE). ' +
      'At most QUOTA_PROVIDERS_PER_OWNER (5) providers per owner: beyond, 429 QUOTA_EXCEEDED.',
    body: CreateProviderBody,
    example: {
      name: 'Chengdu IP Protection Centre',
      kind: 'IP_PROTECTION_CENTRE',
      regions: ['CN-SC'],
      languages: ['zh-CN', 'en'],
      certifications: [{ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2022〕15号', issuer: 'CNIPA', validUntil: '2027-12-31' }],
      description: 'Fast examination and enforcement for Sichuan SMEs',
      uscc: '915100006023184701',
    },
  }),
  listProviders: route({
    method: 'GET', path: '/v1/providers', group: 'providers', roles: ['provider', 'operator'], status: 200, response: { pageOf: 'Provider' },
    summary: 'List providers',
    description: 'Providers see their own; operators see all. `?status=PENDING` is the operators\' onboarding queue, oldest first.',
    query: z.strictObject({ ...PageQuery, status: z.optional(z.enum(PROVIDER_STATUSES)) }),
  }),
  approveProvider: route({
    method: 'POST', path: '/v1/providers/{providerId}/approve', group: 'providers', roles: ['operator'], status: 200, response: 'Provider',
    summary: 'Approve a provider',
    description:
      'Operators. PENDING (or REJECTED) -> APPROVED: its offerings enter matching. A designated kind (IP_PROTECTION_CENTRE, RIGHTS_PROTECTION_CENTRE, ' +
      'INDUSTRIAL_DESIGN_CENTRE claiming national status with a MIIT_DESIGN_CENTRE certification) needs a valid designation certification, else 409.',
    params: ProviderParams,
  }),
  rejectProvider: route({
    method: 'POST', path: '/v1/providers/{providerId}/reject', group: 'providers', roles: ['operator'], status: 200, response: 'Provider',
    summary: 'Reject a provider',
    description: 'Operators. PENDING -> REJECTED with a reason, shown to its owner.',
    params: ProviderParams,
    body: RejectBody,
    example: { reason: 'The designation number does not match CNIPA\'s published list' },
  }),
  suspendProvider: route({
    method: 'POST', path: '/v1/providers/{providerId}/suspend', group: 'providers', roles: ['operator'], status: 200, response: 'Provider',
    summary: 'Suspend a provider',
    description: 'Operators. Its offerings leave matching; its open PROPOSED/APPROVED matches become CANCELLED and release their capacity. 409 if already suspended.',
    params: ProviderParams,
    body: RejectBody,
    example: { reason: 'Complaints under review' },
  }),
  reinstateProvider: route({
    method: 'POST', path: '/v1/providers/{providerId}/reinstate', group: 'providers', roles: ['operator'], status: 200, response: 'Provider',
    summary: 'Reinstate a suspended provider',
    description: 'Operators. Its offerings enter matching again (if it is APPROVED). 409 if it is not suspended.',
    params: ProviderParams,
  }),
  recordCertifications: route({
    method: 'POST', path: '/v1/providers/{providerId}/certifications', group: 'providers', roles: ['operator'], status: 200, response: 'Provider',
    summary: "Record a provider's certifications (renewals)",
    description:
      'Operators, after checking the documents: the list replaces the certifications on file, validated as at registration (typed, dated, ' +
      'no certificate twice). An expired entry is kept but counts for nothing. A designated provider whose designation had lapsed and now has a ' +
      'valid one returns to matching at once (designationLapsedAt is cleared and a round of each of its markets requested); one the new list ' +
      'leaves without a valid designation leaves matching. The owner cannot change certifications (PATCH /v1/providers/{providerId} refuses them).',
    params: ProviderParams,
    body: RecordCertificationsBody,
    example: {
      certifications: [{ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2026〕11号', issuer: 'CNIPA', validUntil: '2029-12-31' }],
    },
    addition: true,
  }),
  getProvider: route({
    method: 'GET', path: '/v1/providers/{providerId}', group: 'providers', roles: ['provider', 'operator'], status: 200, response: 'Provider',
    summary: 'Read a provider',
    description: OWNER_OR_OPERATOR('provider'),
    params: ProviderParams,
  }),
  patchProvider: route({
    method: 'PATCH', path: '/v1/providers/{providerId}', group: 'providers', roles: ['provider'], status: 200, response: 'Provider',
    summary: 'Change a provider profile',
    description:
      "The provider's owner only. Name, description, contact and languages; kind, regions and certifications are what operators vet. The summaries on its live matches follow.",
    params: ProviderParams,
    body: PatchProviderBody,
    example: { description: 'Energy audits across Sichuan', contact: { name: 'Li Na', phone: '+862887654321', email: 'li.na@example.cn' } },
  }),
  createOffering: route({
    method: 'POST', path: '/v1/providers/{providerId}/offerings', group: 'providers', roles: ['provider'], status: 201, response: 'Offering',
    summary: 'Add an offering to a provider',
    description:
      "The provider's owner only (operators read but do not act as owners). The offering starts ACTIVE and enters its service type's market. " +
      'At most QUOTA_OFFERINGS_PER_PROVIDER (50) offerings per provider: beyond, 429 QUOTA_EXCEEDED.',
    params: ProviderParams,
    body: CreateOfferingBody,
    example: {
      serviceType: 'ip-fast-examination',
      title: 'Patent fast examination (pre-examination channel)',
      regions: ['CN-SC', 'CN-CQ'],
      remote: true,
      languages: ['zh-CN'],
      capacityPerMonth: 20,
      priceMin: 0,
      priceMax: 3000,
      publicWelfare: true,
      eligibility: { sizeClasses: ['SMALL', 'MICRO'] },
      leadTimeDays: 10,
    },
  }),
  listOfferingsOfProvider: route({
    method: 'GET', path: '/v1/providers/{providerId}/offerings', group: 'providers', roles: ['provider', 'operator'], status: 200, response: { pageOf: 'Offering' },
    summary: "List a provider's offerings",
    description: OWNER_OR_OPERATOR('provider'),
    params: ProviderParams,
    query: Paging,
  }),
  listMatchesOfProvider: route({
    method: 'GET', path: '/v1/providers/{providerId}/matches', group: 'providers', roles: ['provider', 'operator'], status: 200, response: { pageOf: 'Match' },
    summary: "List a provider's matches",
    description: OWNER_OR_OPERATOR('provider'),
    params: ProviderParams,
    query: Paging,
  }),
  getOffering: route({
    method: 'GET', path: '/v1/offerings/{offeringId}', group: 'providers', roles: ['provider', 'operator'], status: 200, response: 'Offering',
    summary: 'Read an offering',
    description: OWNER_OR_OPERATOR('offering'),
    params: OfferingParams,
    addition: true,
  }),
  patchOffering: route({
    method: 'PATCH', path: '/v1/offerings/{offeringId}', group: 'providers', roles: ['provider'], status: 200, response: 'Offering',
    summary: 'Change an offering',
    description:
      "The offering's owner only. Any field but serviceType; the merged offering must still hold (price range, a province unless remote). A new capacityPerMonth applies to the current month at once.",
    params: OfferingParams,
    body: PatchOfferingBody,
    example: { capacityPerMonth: 30, status: 'ACTIVE' },
  }),
  getOfferingCapacity: route({
    method: 'GET', path: '/v1/offerings/{offeringId}/capacity', group: 'providers', roles: ['provider', 'operator'], status: 200, response: 'Capacity',
    summary: "An offering's capacity and use in a month",
    description: `${OWNER_OR_OPERATOR('offering')} The period defaults to the current month.`,
    params: OfferingParams,
    query: z.strictObject({ period: z.optional(period) }),
  }),
};
