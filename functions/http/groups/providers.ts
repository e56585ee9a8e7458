/** Routes of the `providers` Lambda: providers, their offerings, capacity and matches. */
import * as z from 'zod/mini';
import { ValidationFailed } from '#domain/errors.ts';
import { CreateOfferingBody, CreateProviderBody, PatchOfferingBody, period, type Offering, type Provider } from '#domain/model.ts';
import { makeEvent } from '#events/contracts.ts';
import type { AppPorts } from '../../app.ts';
import { offeringKey } from '../../store/keys.ts';
import { entityOf } from '../../store/store.ts';
import { assertOwned, assertVisible, iso, newId, periodOf, publishStored } from '../../usecases/support.ts';
import { id, PageQuery, pageOf, route, type RouteDef } from '../api.ts';
import { matchView, offeringView, providerView } from '../views.ts';

const ProviderParams = z.strictObject({ providerId: id('pr') });
const OfferingParams = z.strictObject({ offeringId: id('of') });

export function providerRoutes(ports: AppPorts): RouteDef[] {
  const { store, clock } = ports;

  const visibleOffering = async (caller: Parameters<typeof assertVisible>[0], offeringId: string) =>
    assertVisible(caller, await store.get('offering', offeringId), 'offering');

  return [
    route({
      routeKey: 'POST /v1/providers',
      roles: ['provider'],
      status: 201,
      body: CreateProviderBody,
      handle: async ({ caller, body }) => {
        const now = iso(clock.now());
        const p: Provider = {
          id: newId('pr'),
          ownerSub: caller.sub,
          ...body,
          rating: null,
          ratingCount: 0,
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        await store.create('provider', p);
        return providerView(p);
      },
    }),
    route({
      routeKey: 'GET /v1/providers',
      roles: ['provider', 'operator'],
      query: z.strictObject(PageQuery),
      handle: async ({ caller, query }) => {
        const page =
          caller.role === 'operator' ? await store.listAllProviders(pageOf(query)) : await store.listProvidersOfOwner(caller.sub, pageOf(query));
        return { items: page.items.map(providerView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/providers/{providerId}',
      roles: ['provider', 'operator'],
      params: ProviderParams,
      handle: async ({ caller, params }) => providerView(assertVisible(caller, await store.get('provider', params.providerId), 'provider')),
    }),
    route({
      routeKey: 'POST /v1/providers/{providerId}/offerings',
      roles: ['provider'],
      status: 201,
      params: ProviderParams,
      body: CreateOfferingBody,
      handle: async ({ caller, params, body }) => {
        const provider = assertOwned(caller, await store.get('provider', params.providerId), 'provider');
        const now = iso(clock.now());
        const o: Offering = {
          id: newId('of'),
          providerId: provider.id,
          ownerSub: provider.ownerSub,
          ...body,
          markets: body.markets ?? [],
          eligibility: body.eligibility ?? {},
          status: 'ACTIVE',
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        const events = [
          makeEvent('OfferingRegistered', o.id, o.version, {
            offeringId: o.id,
            providerId: o.providerId,
            serviceType: o.serviceType,
            occurredAt: now,
          }),
        ];
        await store.create('offering', o, events);
        await publishStored(ports, offeringKey(o.id), events, o.version);
        return offeringView(o);
      },
    }),
    route({
      routeKey: 'GET /v1/providers/{providerId}/offerings',
      roles: ['provider', 'operator'],
      params: ProviderParams,
      query: z.strictObject(PageQuery),
      handle: async ({ caller, params, query }) => {
        assertVisible(caller, await store.get('provider', params.providerId), 'provider');
        const page = await store.listOfferingsOfProvider(params.providerId, pageOf(query));
        return { items: page.items.map(offeringView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/providers/{providerId}/matches',
      roles: ['provider', 'operator'],
      params: ProviderParams,
      query: z.strictObject(PageQuery),
      handle: async ({ caller, params, query }) => {
        assertVisible(caller, await store.get('provider', params.providerId), 'provider');
        const page = await store.listMatchesOfProvider(params.providerId, pageOf(query));
        return { items: page.items.map(matchView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/offerings/{offeringId}',
      roles: ['provider', 'operator'],
      params: OfferingParams,
      handle: async ({ caller, params }) => offeringView(await visibleOffering(caller, params.offeringId)),
    }),
    route({
      routeKey: 'PATCH /v1/offerings/{offeringId}',
      roles: ['provider'],
      params: OfferingParams,
      body: PatchOfferingBody,
      handle: async ({ caller, params, body }) => {
        const prev = assertOwned(caller, await store.get('offering', params.offeringId, true), 'offering');
        const now = clock.now();
        const next: Offering = { ...entityOf(prev), ...body, version: prev.version + 1, updatedAt: iso(now) };
        // The rules that span fields must hold for the merged offering, not just the patch.
        if (next.priceMin !== undefined && next.priceMax !== undefined && next.priceMin > next.priceMax) {
          throw new ValidationFailed('the request body is invalid', [{ path: 'body.priceMin', message: 'priceMin must not exceed priceMax' }]);
        }
        if (!next.remote && next.regions.length === 0) {
          throw new ValidationFailed('the request body is invalid', [
            { path: 'body.regions', message: 'an offering that is not remote must serve at least one province' },
          ]);
        }
        const events = [
          makeEvent('OfferingChanged', next.id, next.version, {
            offeringId: next.id,
            providerId: next.providerId,
            serviceType: next.serviceType,
            occurredAt: next.updatedAt,
          }),
        ];
        await store.save('offering', prev, next, events);
        if (body.capacityPerMonth !== undefined) {
          // The matcher also reconciles the month's ledger with the offering, so a crash here is healed.
          await store.setCapacityLimit(next.id, periodOf(now), next.capacityPerMonth);
        }
        await publishStored(ports, offeringKey(next.id), [...(prev.pendingEvents ?? []), ...events], next.version);
        return offeringView(next);
      },
    }),
    route({
      routeKey: 'GET /v1/offerings/{offeringId}/capacity',
      roles: ['provider', 'operator'],
      params: OfferingParams,
      query: z.strictObject({ period: z.optional(period) }),
      handle: async ({ caller, params, query }) => {
        const o = await visibleOffering(caller, params.offeringId);
        const p = query.period ?? periodOf(clock.now());
        const ledger = await store.getCapacity(o.id, p);
        return { offeringId: o.id, period: p, limit: ledger?.limit ?? o.capacityPerMonth, used: ledger?.used ?? 0 };
      },
    }),
  ];
}
