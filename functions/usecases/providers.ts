/**
 * Providers: registering one, and reading them with the ownership rule
 * (operators read every provider; a provider only its own, and another
 * owner's answers 404 as if absent).
 */
import type { CreateProviderBody, Match, Offering, PatchProviderBody, Provider } from '#domain/model.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { entityOf, retryOnStale, type Changes } from '../store/store.ts';
import { assertOwned, assertVisible, newId, publishStored } from './support.ts';
import { presentPage } from './match-context.ts';
import { providerChangedEvent } from './profiles.ts';
import { assertUsccFree, claimUscc } from './uscc.ts';
import { providerSlots, withQuota } from './quotas.ts';

/**
 * A new provider is PENDING until an operator approves it (usecases/provider-standing.ts);
 * its USCC, when given, is claimed first, so one code names one profile (409 DUPLICATE).
 */
export async function createProvider(ports: Pick<AppPorts, 'store' | 'clock' | 'config'>, caller: Caller, body: CreateProviderBody): Promise<Provider> {
  const id = newId('pr');
  // A USCC already held is refused before the quota slot is taken, so the refusal writes nothing.
  if (body.uscc !== undefined) await assertUsccFree(ports, body.uscc);
  // The owner's quota first (usecases/quotas.ts): a refusal (429) claims no USCC and writes nothing.
  const p = await withQuota(ports, providerSlots(ports, caller.sub), id, async () => {
    if (body.uscc !== undefined) await claimUscc(ports, body.uscc, { kind: 'provider', id });
    return ports.store.insert('provider', (now) => ({
      id,
      ownerSub: caller.sub,
      ...body,
      status: 'PENDING' as const,
      rating: null,
      ratingCount: 0,
      createdAt: now.toISOString(),
    }));
  });
  return entityOf(p);
}

export async function listProviders(ports: Pick<AppPorts, 'store'>, caller: Caller, page: PageRequest): Promise<Page<Stored<Provider>>> {
  return caller.role === 'operator' ? ports.store.listAllProviders(page) : ports.store.listProvidersOfOwner(caller.sub, page);
}

export async function getProvider(ports: Pick<AppPorts, 'store'>, caller: Caller, providerId: string): Promise<Stored<Provider>> {
  return assertVisible(caller, await ports.store.get('provider', providerId), 'provider');
}

export async function listOfferingsOfProvider(
  ports: Pick<AppPorts, 'store'>,
  caller: Caller,
  providerId: string,
  page: PageRequest,
): Promise<Page<Stored<Offering>>> {
  await getProvider(ports, caller, providerId);
  return ports.store.listOfferingsOfProvider(providerId, page);
}

export async function listMatchesOfProvider(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  caller: Caller,
  providerId: string,
  page: PageRequest,
): Promise<Page<Stored<Match>>> {
  await getProvider(ports, caller, providerId);
  return presentPage(ports, caller, await ports.store.listMatchesOfProvider(providerId, page));
}

/**
 * The owner edits its provider: name, description, contact, languages. Kind,
 * regions and certifications are what operators vet, not edited here.
 * ProviderChanged goes out with the write, so the summaries on its live
 * matches follow (usecases/profiles.ts).
 */
export async function patchProvider(ports: AppPorts, caller: Caller, providerId: string, body: PatchProviderBody): Promise<Provider> {
  const written = await retryOnStale(
    async () => {
      const p = assertOwned(caller, await ports.store.get('provider', providerId, true), 'provider');
      const changes: Changes<Provider> = {};
      if (body.name !== undefined) changes.name = body.name;
      if (body.description !== undefined) changes.description = body.description;
      if (body.contact !== undefined) changes.contact = body.contact;
      if (body.languages !== undefined) changes.languages = body.languages;
      return ports.store.update('provider', p, changes, (w) => [providerChangedEvent(w)]);
    },
    { attempts: 6 },
  );
  await publishStored(ports, { kind: 'provider', id: written.id }, written.pendingEvents ?? [], written.version);
  return entityOf(written);
}
