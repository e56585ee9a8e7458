/**
 * Offerings: adding one to a provider, changing it, reading it and its
 * month's capacity. Only the owner writes; operators read.
 */
import { ValidationFailed } from '#domain/errors.ts';
import type { Capacity, CreateOfferingBody, Offering, PatchOfferingBody } from '#domain/model.ts';
import { makeEvent } from '#events/contracts.ts';
import type { AppPorts, Caller, Stored } from '#functions/ports.ts';
import { entityOf } from '../store/store.ts';
import { assertOwned, assertVisible, newId, periodOf, publishStored } from './support.ts';
import { offeringSlots, withQuota } from './quotas.ts';

export async function createOffering(ports: AppPorts, caller: Caller, providerId: string, body: CreateOfferingBody): Promise<Offering> {
  const provider = assertOwned(caller, await ports.store.get('provider', providerId), 'provider');
  const id = newId('of');
  // The provider's quota first (usecases/quotas.ts): a refusal (429) writes nothing.
  const o = await withQuota(ports, offeringSlots(ports, provider.id), id, () =>
    ports.store.insert(
      'offering',
      (now) => ({
        id,
        providerId: provider.id,
        ownerSub: provider.ownerSub,
        ...body,
        markets: body.markets ?? [],
        eligibility: body.eligibility ?? {},
        status: 'ACTIVE',
        createdAt: now.toISOString(),
      }),
      (written) => [
        makeEvent('OfferingRegistered', written.id, written.version, {
          offeringId: written.id,
          providerId: written.providerId,
          serviceType: written.serviceType,
          occurredAt: written.updatedAt,
        }),
      ],
    ),
  );
  await publishStored(ports, { kind: 'offering', id: o.id }, o.pendingEvents ?? [], o.version);
  return entityOf(o);
}

export async function getOffering(ports: Pick<AppPorts, 'store'>, caller: Caller, offeringId: string): Promise<Stored<Offering>> {
  return assertVisible(caller, await ports.store.get('offering', offeringId), 'offering');
}

/** Any field but serviceType (it decides the market). A new monthly capacity or a pause binds this month's claims at once. */
export async function patchOffering(ports: AppPorts, caller: Caller, offeringId: string, patch: PatchOfferingBody): Promise<Offering> {
  const { store } = ports;
  const prev = assertOwned(caller, await store.get('offering', offeringId, true), 'offering');
  // The rules that span fields must hold for the merged offering, not just the patch.
  const merged: Offering = { ...entityOf(prev), ...patch };
  if (merged.priceMin !== undefined && merged.priceMax !== undefined && merged.priceMin > merged.priceMax) {
    throw new ValidationFailed('the request body is invalid', [{ path: 'body.priceMin', message: 'priceMin must not exceed priceMax' }]);
  }
  if (!merged.remote && merged.regions.length === 0) {
    throw new ValidationFailed('the request body is invalid', [
      { path: 'body.regions', message: 'an offering that is not remote must serve at least one province' },
    ]);
  }
  const next = await store.update('offering', prev, patch, (written) => [
    makeEvent('OfferingChanged', written.id, written.version, {
      offeringId: written.id,
      providerId: written.providerId,
      serviceType: written.serviceType,
      occurredAt: written.updatedAt,
    }),
  ]);
  if (patch.capacityPerMonth !== undefined || patch.status !== undefined) {
    // Before answering: from here on no claim of this month lands above the new
    // limit or while paused, even a claim of a round that read the old offering
    // (the ledger is made now if no claim has made it yet; claims held stay).
    // Versioned, so an older change reaching the ledger late changes nothing; a
    // crash before this line is repaired by the next round (runMarketRound).
    await store.setCapacityTerms(next.id, periodOf(new Date(next.updatedAt)), {
      limit: next.capacityPerMonth,
      open: next.status === 'ACTIVE',
      offeringVersion: next.version,
    });
  }
  await publishStored(ports, { kind: 'offering', id: next.id }, next.pendingEvents ?? [], next.version);
  return entityOf(next);
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
