/**
 * SME profiles: registering one and reading them with the ownership rule
 * (operators read every SME; an SME owner only its own).
 */
import { Conflict, Duplicate } from '#domain/errors.ts';
import type { CreateSmeBody, Match, PatchSmeBody, Sme } from '#domain/model.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { entityOf, retryOnStale, type Changes } from '../store/store.ts';
import { assertOwned, assertVisible, derivedId, publishStored } from './support.ts';
import { presentPage } from './match-context.ts';
import { smeChangedEvent } from './profiles.ts';
import { claimUscc } from './uscc.ts';
import { verifyFromRegisterAtCreation } from './verification.ts';

/**
 * Registers an SME under its USCC: the code is claimed first (one profile per
 * code, 409 DUPLICATE otherwise), then the SME is written under an id fixed
 * by the caller and the code, so a retry after a crash between the two finds
 * its own claim and writes the same SME. The body's tier is kept as the
 * declared tier; a register entry already imported for the code verifies it.
 */
export async function createSme(ports: AppPorts, caller: Caller, body: CreateSmeBody): Promise<Sme> {
  const id = derivedId('sm', caller.sub, body.uscc);
  await claimUscc(ports, body.uscc, { kind: 'sme', id });
  const { tier: declaredTier, ...facts } = body;
  let s: Stored<Sme>;
  try {
    s = await ports.store.insert('sme', (now) => ({
      id,
      ownerSub: caller.sub,
      ...facts,
      declaredTier,
      weakFoundation: body.weakFoundation ?? false,
      verified: { sizeClass: false, weakFoundation: false },
      createdAt: now.toISOString(),
    }));
  } catch (e) {
    // The same caller registering the same code again (or concurrently): the profile exists.
    if (e instanceof Conflict) throw new Duplicate(`a profile with USCC ${body.uscc} is already registered on the platform`, [{ path: 'body.uscc', message: 'already registered: one profile per 统一社会信用代码' }]);
    throw e;
  }
  return (await verifyFromRegisterAtCreation(ports, entityOf(s))) ?? entityOf(s);
}

export async function listSmes(ports: Pick<AppPorts, 'store'>, caller: Caller, page: PageRequest): Promise<Page<Stored<Sme>>> {
  return caller.role === 'operator' ? ports.store.listAllSmes(page) : ports.store.listSmesOfOwner(caller.sub, page);
}

export async function getSme(ports: Pick<AppPorts, 'store'>, caller: Caller, smeId: string): Promise<Stored<Sme>> {
  return assertVisible(caller, await ports.store.get('sme', smeId), 'SME');
}

export async function listMatchesOfSme(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, smeId: string, page: PageRequest): Promise<Page<Stored<Match>>> {
  await getSme(ports, caller, smeId);
  return presentPage(ports, caller, await ports.store.listMatchesOfSme(smeId, page));
}

/**
 * The owner edits its SME: name, industry, city, contact. The province stays
 * (it places the SME in the plan's regions); size class and tier are verified
 * facts, the operators' to change. SmeChanged goes out with the write, so the
 * summaries on its live matches follow (usecases/profiles.ts).
 */
export async function patchSme(ports: AppPorts, caller: Caller, smeId: string, body: PatchSmeBody): Promise<Sme> {
  const written = await retryOnStale(
    async () => {
      const s = assertOwned(caller, await ports.store.get('sme', smeId, true), 'SME');
      const changes: Changes<Sme> = {};
      if (body.name !== undefined) changes.name = body.name;
      if (body.industry !== undefined) changes.industry = body.industry;
      if (body.region?.city !== undefined) changes.region = { ...s.region, city: body.region.city };
      if (body.contact !== undefined) changes.contact = body.contact;
      return ports.store.update('sme', s, changes, (w) => [smeChangedEvent(w)]);
    },
    { attempts: 6 },
  );
  await publishStored(ports, { kind: 'sme', id: written.id }, written.pendingEvents ?? [], written.version);
  return entityOf(written);
}
