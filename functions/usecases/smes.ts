/**
 * SME profiles: registering one and reading them with the ownership rule
 * (operators read every SME; an SME owner only its own).
 */
import type { CreateSmeBody, Match, Sme } from '#domain/model.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { assertVisible, iso, newId } from './support.ts';

export async function createSme(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, body: CreateSmeBody): Promise<Sme> {
  const now = iso(ports.clock.now());
  const s: Sme = {
    id: newId('sm'),
    ownerSub: caller.sub,
    ...body,
    weakFoundation: body.weakFoundation ?? false,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await ports.store.create('sme', s);
  return s;
}

export async function listSmes(ports: Pick<AppPorts, 'store'>, caller: Caller, page: PageRequest): Promise<Page<Stored<Sme>>> {
  return caller.role === 'operator' ? ports.store.listAllSmes(page) : ports.store.listSmesOfOwner(caller.sub, page);
}

export async function getSme(ports: Pick<AppPorts, 'store'>, caller: Caller, smeId: string): Promise<Stored<Sme>> {
  return assertVisible(caller, await ports.store.get('sme', smeId), 'SME');
}

export async function listMatchesOfSme(ports: Pick<AppPorts, 'store'>, caller: Caller, smeId: string, page: PageRequest): Promise<Page<Stored<Match>>> {
  await getSme(ports, caller, smeId);
  return ports.store.listMatchesOfSme(smeId, page);
}
