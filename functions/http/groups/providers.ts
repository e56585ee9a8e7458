/** Handlers of the `providers` Lambda: providers, their offerings, capacity and matches. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { createOffering, getOffering, offeringCapacity, patchOffering } from '#functions/usecases/offerings.ts';
import { createProvider, getProvider, listMatchesOfProvider, listOfferingsOfProvider, patchProvider } from '#functions/usecases/providers.ts';
import {
  approveProvider, listProvidersBy, recordCertifications, reinstateProvider, rejectProvider, suspendProvider,
} from '#functions/usecases/provider-standing.ts';
import { httpGroup, pageOf } from '../api.ts';
import { providersRoutes } from '../routes/providers.ts';
import { matchView, offeringView, pageView, providerView } from '../views.ts';

export function providersHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    providersRoutes,
    {
      createProvider: async ({ caller, body }) => providerView(await createProvider(ports, caller, body)),
      listProviders: async ({ caller, query }) => pageView(await listProvidersBy(ports, caller, query, pageOf(query)), providerView),
      approveProvider: async ({ params }) => providerView(await approveProvider(ports, params.providerId)),
      rejectProvider: async ({ params, body }) => providerView(await rejectProvider(ports, params.providerId, body.reason)),
      suspendProvider: async ({ params, body }) => providerView(await suspendProvider(ports, params.providerId, body.reason)),
      reinstateProvider: async ({ params }) => providerView(await reinstateProvider(ports, params.providerId)),
      recordCertifications: async ({ params, body }) => providerView(await recordCertifications(ports, params.providerId, body.certifications)),
      getProvider: async ({ caller, params }) => providerView(await getProvider(ports, caller, params.providerId)),
      patchProvider: async ({ caller, params, body }) => providerView(await patchProvider(ports, caller, params.providerId, body)),
      createOffering: async ({ caller, params, body }) => offeringView(await createOffering(ports, caller, params.providerId, body)),
      listOfferingsOfProvider: async ({ caller, params, query }) =>
        pageView(await listOfferingsOfProvider(ports, caller, params.providerId, pageOf(query)), offeringView),
      listMatchesOfProvider: async ({ caller, params, query }) =>
        pageView(await listMatchesOfProvider(ports, caller, params.providerId, pageOf(query)), matchView),
      getOffering: async ({ caller, params }) => offeringView(await getOffering(ports, caller, params.offeringId)),
      patchOffering: async ({ caller, params, body }) => offeringView(await patchOffering(ports, caller, params.offeringId, body)),
      getOfferingCapacity: async ({ caller, params, query }) => offeringCapacity(ports, caller, params.offeringId, query.period),
    },
    ports.logger,
  );
}
