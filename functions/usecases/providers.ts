/**
 * Providers: registering one, and reading them with the ownership rule
 * (operators read every provider; a provider only its own, and another
 * owner's answers 404 as if absent).
 */
import type { CreateProviderBody, Match, Offering, Provider } from '#domain/model.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { assertVisible, iso, newId } from './support.ts';

type Ports = Pick<AppPorts, 'store' | 'clock'>;

export async function createProvider(ports: Ports, caller: Caller, body: CreateProviderBody): Promise<Provider> {
  const now = iso(ports.clock.now());
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
  await ports.store.create('provider', p);
  return p;
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
  ports: Pick<AppPorts, 'store'>,
  caller: Caller,
  providerId: string,
  page: PageRequest,
): Promise<Page<Stored<Match>>> {
  await getProvider(ports, caller, providerId);
  return ports.store.listMatchesOfProvider(providerId, page);
}
