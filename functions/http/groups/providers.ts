/** Handlers of the `providers` Lambda: providers, their offerings, capacity and matches. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { createOffering, getOffering, offeringCapacity, patchOffering } from '#functions/usecases/offerings.ts';
import { createProvider, getProvider, listMatchesOfProvider, listOfferingsOfProvider, listProviders } from '#functions/usecases/providers.ts';
import { httpGroup, pageOf } from '../api.ts';
import { matchView, offeringView, pageView, providerView } from '../views.ts';

export function providersHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    'providers',
    {
      createProvider: async ({ caller, body }) => providerView(await createProvider(ports, caller, body)),
      listProviders: async ({ caller, query }) => pageView(await listProviders(ports, caller, pageOf(query)), providerView),
      getProvider: async ({ caller, params }) => providerView(await getProvider(ports, caller, params.providerId)),
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
