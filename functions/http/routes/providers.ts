/** The routes of the `providers` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import {
  CreateOfferingBody, CreateProviderBody, PatchOfferingBody, period, serviceType
} from '#domain/model.ts';
import { OfferingParams, OWNER_OR_OPERATOR, Paging, ProviderParams, route } from '../route-decl.ts';

export const providersRoutes = {
  createProvider: route({
    method: 'POST', path: '/v1/providers', group: 'providers', roles: ['provider'], status: 201, response: 'Provider',
    summary: 'Register a service provider',
    description: 'Providers; the caller becomes its owner.',
    body: CreateProviderBody,
    example: {
      name: 'Chengdu IP Protection Centre',
      kind: 'IP_PROTECTION_CENTRE',
      regions: ['CN-SC'],
      languages: ['zh-CN', 'en'],
      certifications: ['CNIPA designated'],
      description: 'Fast examination and enforcement for Sichuan SMEs',
    },
  }),
  listProviders: route({
    method: 'GET', path: '/v1/providers', group: 'providers', roles: ['provider', 'operator'], status: 200, response: { pageOf: 'Provider' },
    summary: 'List providers',
    description: "Providers see their own; operators see all.",
    query: Paging,
  }),
  getProvider: route({
    method: 'GET', path: '/v1/providers/{providerId}', group: 'providers', roles: ['provider', 'operator'], status: 200, response: 'Provider',
    summary: 'Read a provider',
    description: OWNER_OR_OPERATOR('provider'),
    params: ProviderParams,
  }),
  createOffering: route({
    method: 'POST', path: '/v1/providers/{providerId}/offerings', group: 'providers', roles: ['provider'], status: 201, response: 'Offering',
    summary: 'Add an offering to a provider',
    description: "The provider's owner only (operators read but do not act as owners). The offering starts ACTIVE and enters its service type's market.",
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
