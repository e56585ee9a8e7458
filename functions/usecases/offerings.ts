/**
 * Offerings: adding one to a provider, changing it, reading it and its
 * month's capacity. Only the owner writes; operators read.
 */
import { ValidationFailed } from '#domain/errors.ts';
import type { Capacity, CreateOfferingBody, Offering, PatchOfferingBody } from '#domain/model.ts';
import { makeEvent } from '#events/contracts.ts';
import type { AppPorts, Caller, Stored } from '#functions/ports.ts';
import { offeringKey } from '../store/keys.ts';
import { entityOf } from '../store/store.ts';
import { assertOwned, assertVisible, iso, newId, periodOf, publishStored } from './support.ts';

export async function createOffering(ports: AppPorts, caller: Caller, providerId: string, body: CreateOfferingBody): Promise<Offering> {
  const provider = assertOwned(caller, await ports.store.get('provider', providerId), 'provider');
  const now = iso(ports.clock.now());
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
  await ports.store.create('offering', o, events);
  await publishStored(ports, offeringKey(o.id), events, o.version);
  return o;
}

export async function getOffering(ports: Pick<AppPorts, 'store'>, caller: Caller, offeringId: string): Promise<Stored<Offering>> {
  return assertVisible(caller, await ports.store.get('offering', offeringId), 'offering');
}

/** Any field but serviceType (it decides the market). A new monthly capacity applies to this month's ledger at once. */
export async function patchOffering(ports: AppPorts, caller: Caller, offeringId: string, patch: PatchOfferingBody): Promise<Offering> {
  const { store, clock } = ports;
  const prev = assertOwned(caller, await store.get('offering', offeringId, true), 'offering');
  const now = clock.now();
  const next: Offering = { ...entityOf(prev), ...patch, version: prev.version + 1, updatedAt: iso(now) };
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
  if (patch.capacityPerMonth !== undefined) {
    // The matcher also reconciles the month's ledger with the offering, so a crash here is healed.
    await store.setCapacityLimit(next.id, periodOf(now), next.capacityPerMonth);
  }
  await publishStored(ports, offeringKey(next.id), [...(prev.pendingEvents ?? []), ...events], next.version);
  return next;
}

/** The month's ledger, or the offering's own limit and nothing used when the month has no ledger yet. */
export async function offeringCapacity(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  caller: Caller,
  offeringId: string,
  period: string | undefined,
): Promise<Capacity> {
  const o = await getOffering(ports, caller, offeringId);
  const p = period ?? periodOf(ports.clock.now());
  const ledger = await ports.store.getCapacity(o.id, p);
  return { offeringId: o.id, period: p, limit: ledger?.limit ?? o.capacityPerMonth, used: ledger?.used ?? 0 };
}
