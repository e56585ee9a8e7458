/**
 * Needs: posting one (idempotent by an optional client key), reading them
 * with their current match, withdrawing one. Only the SME's owner posts and
 * withdraws; operators read.
 */
import { createHash } from 'node:crypto';
import { deadlineEnd } from '#domain/deadlines.ts';
import { Conflict, NotFound, ValidationFailed } from '#domain/errors.ts';
import type { CreateNeedBody, Match, Need, Sme } from '#domain/model.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { needKey } from '../store/keys.ts';
import { endNeed, needEvent } from './lifecycle.ts';
import { getSme } from './smes.ts';
import { assertOwned, assertVisible, iso, newId, publishStored } from './support.ts';

/** Canonical JSON (sorted keys), so the same body in another key order is the same request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Creates the need under `needId` (idempotent by id: a retry after a crash finds it or makes it). */
async function createNeed(ports: AppPorts, sme: Stored<Sme>, needId: string, body: CreateNeedBody): Promise<Stored<Need>> {
  const { store, clock } = ports;
  const existing = await store.get('need', needId, true);
  if (existing) return existing;
  const now = iso(clock.now());
  const n: Need = {
    id: needId,
    smeId: sme.id,
    ownerSub: sme.ownerSub,
    serviceType: body.serviceType,
    description: body.description,
    remoteOk: body.remoteOk,
    languages: body.languages ?? [],
    markets: body.markets ?? [],
    ...(body.budgetMax !== undefined ? { budgetMax: body.budgetMax } : {}),
    deadline: body.deadline,
    status: 'WAITING',
    sme: { sizeClass: sme.sizeClass, tier: sme.tier, region: sme.region, weakFoundation: sme.weakFoundation },
    postedAt: now,
    updatedAt: now,
    version: 1,
    excludedOfferingIds: [],
  };
  const events = [needEvent(n, 'NeedPosted')];
  try {
    await store.create('need', n, events);
  } catch (e) {
    // A concurrent request with the same key made it first: answer that one.
    if (e instanceof Conflict) {
      const won = await store.get('need', needId, true);
      if (won) return won;
    }
    throw e;
  }
  await publishStored(ports, needKey(n.id), events, n.version);
  return n;
}

/**
 * Posts a need for the caller's SME. With an idempotency key, the same key
 * and the same body (in any key order) answer the first need again; the same
 * key with another body is a Conflict. Keys are scoped to the caller.
 */
export async function postNeed(
  ports: AppPorts,
  caller: Caller,
  smeId: string,
  body: CreateNeedBody,
  idempotencyKey: string | undefined,
): Promise<Stored<Need>> {
  const sme = assertOwned(caller, await ports.store.get('sme', smeId), 'SME');
  const now = ports.clock.now();
  if (deadlineEnd(body.deadline) < iso(now)) {
    throw new ValidationFailed('the request body is invalid', [{ path: 'body.deadline', message: 'must not be in the past' }]);
  }
  if (idempotencyKey === undefined) return createNeed(ports, sme, newId('nd'), body);

  // Record (key -> request hash, need id) first, then create the need under the
  // recorded id, so a retry after a crash between the two makes that same need.
  const requestHash = createHash('sha256').update(`${sme.id}|${canonical(body)}`).digest('base64url');
  const nowS = Math.floor(now.getTime() / 1000);
  const needId = newId('nd');
  const put = await ports.store.putIdempotency(
    caller.sub,
    idempotencyKey,
    { requestHash, resultId: needId, expiresAt: nowS + ports.config.IDEMPOTENCY_TTL_HOURS * 3600 },
    nowS,
  );
  if (!put.stored && put.existing.requestHash !== requestHash) {
    throw new Conflict('this Idempotency-Key was used with another request body');
  }
  return createNeed(ports, sme, put.stored ? needId : put.existing.resultId, body);
}

export async function listNeedsOfSme(ports: Pick<AppPorts, 'store'>, caller: Caller, smeId: string, page: PageRequest): Promise<Page<Stored<Need>>> {
  await getSme(ports, caller, smeId);
  return ports.store.listNeedsOfSme(smeId, page);
}

export async function getNeed(ports: Pick<AppPorts, 'store'>, caller: Caller, needId: string): Promise<Stored<Need>> {
  return assertVisible(caller, await ports.store.get('need', needId), 'need');
}

/** The need and the match that currently holds it, if any. */
export async function getNeedWithMatch(
  ports: Pick<AppPorts, 'store'>,
  caller: Caller,
  needId: string,
): Promise<{ need: Stored<Need>; currentMatch: Stored<Match> | undefined }> {
  const need = await getNeed(ports, caller, needId);
  const currentMatch = need.currentMatchId ? await ports.store.get('match', need.currentMatchId) : undefined;
  return { need, currentMatch };
}

/** Withdrawn by its owner; another owner's need answers 404, as if absent. */
export async function withdrawNeed(ports: AppPorts, caller: Caller, needId: string): Promise<Stored<Need>> {
  const notFound = () => new NotFound('need not found');
  return endNeed(
    ports,
    needId,
    'withdraw',
    (cur) => {
      if (cur.ownerSub !== caller.sub) throw notFound();
    },
    notFound,
  );
}

export async function listMatchesOfNeed(ports: Pick<AppPorts, 'store'>, caller: Caller, needId: string, page: PageRequest): Promise<Page<Stored<Match>>> {
  await getNeed(ports, caller, needId);
  return ports.store.listMatchesOfNeed(needId, page);
}
