/**
 * Needs: posting one (idempotent by an optional client key), reading them
 * with their current match, withdrawing one. Only the SME's owner posts and
 * withdraws; operators read.
 */
import { createHash } from 'node:crypto';
import { deadlineEnd } from '#domain/deadlines.ts';
import { Conflict, NotFound, ValidationFailed } from '#domain/errors.ts';
import type { CreateNeedBody, Match, Need, Sme } from '#domain/model.ts';
import { dayOf, smeProfile } from '#domain/verification.ts';
import type { AppPorts, Caller, Page, PageRequest, Stored } from '#functions/ports.ts';
import { entityOf, type Draft } from '../store/store.ts';
import { endNeed, needEvent } from './lifecycle.ts';
import { presentMatch, presentPage } from './match-context.ts';
import { getSme } from './smes.ts';
import { syncSmeNeeds } from './sme-standing.ts';
import { attachVoucher, checkVoucherFor } from './vouchers.ts';
import { needSlots, withQuota } from './quotas.ts';
import { addHours, assertOwned, assertVisible, derivedId, iso, newId, publishLeavingPending } from './support.ts';

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
async function createNeed(ports: AppPorts, sme: Stored<Sme>, needId: string, body: CreateNeedBody, idempotency?: Need['idempotency']): Promise<Stored<Need>> {
  const { store } = ports;
  const existing = await store.get('need', needId, true);
  if (existing) return existing;
  // postedAt is the instant the store stamps as updatedAt: one clock reading for both.
  const draft = (now: Date): Draft<Need> => ({
    id: needId,
    smeId: sme.id,
    ownerSub: sme.ownerSub,
    serviceType: body.serviceType,
    description: body.description,
    remoteOk: body.remoteOk,
    languages: body.languages ?? [],
    markets: body.markets ?? [],
    ...(body.budgetMax !== undefined ? { budgetMax: body.budgetMax } : {}),
    ...(body.voucherId !== undefined ? { voucherId: body.voucherId } : {}),
    deadline: body.deadline,
    status: 'WAITING',
    // The verified facts as of posting; refreshed when they change (sme-standing.ts).
    sme: smeProfile(sme, dayOf(now)),
    postedAt: iso(now),
    excludedOfferingIds: [],
    ...(idempotency ? { idempotency } : {}),
  });
  // The voucher is tied to this need before the need exists: a refusal (409) writes nothing, and a
  // voucher tied to a need never written counts as free (usecases/vouchers.ts attachVoucher).
  // The open-need quotas are taken first (usecases/quotas.ts): a refusal (429) writes nothing else.
  // Checked before the quotas, so a voucher that does not fit writes nothing.
  if (body.voucherId !== undefined) await checkVoucherFor(ports, sme, body.voucherId, { id: needId, serviceType: body.serviceType });
  let n: Stored<Need> = await withQuota(ports, needSlots(ports, sme.id, body.serviceType), needId, async () => {
    if (body.voucherId !== undefined) await attachVoucher(ports, sme, body.voucherId, { id: needId, serviceType: body.serviceType });
    return store.insert('need', draft, (written) => [needEvent(written, 'NeedPosted')]);
  }).catch(async (e: unknown) => {
    // A concurrent request with the same key made it first: answer that one.
    if (e instanceof Conflict) {
      const won = await store.get('need', needId, true);
      if (won) return won;
    }
    throw e;
  });
  // The SME changed while this need was being written (suspended, verified): the
  // change's refresh may have listed its needs before this one existed.
  const fresh = await store.get('sme', sme.id, true);
  if (fresh && fresh.version !== sme.version) {
    await syncSmeNeeds(ports, sme.id);
    n = (await store.get('need', needId, true)) ?? n;
  }
  // Published, not cleared: the round NeedPosted asks for drops it when it writes the need.
  await publishLeavingPending(ports, n.pendingEvents ?? []);
  return entityOf(n);
}

/** Where an Idempotency-Key is unique: one caller, one route, one concrete path. */
export const idempotencyScope = (caller: Caller, route: string, path: string) => `${caller.sub}|${route}|${path}`;

/**
 * Posts a need for the caller's SME. With an idempotency key, the same key
 * and body answer the first need again; the same key with another body is a
 * Conflict. Keys are scoped to the caller, the route and the path
 * (idempotencyScope): the same key under another SME's path is another
 * request, not a reuse (a client naming keys after what it asks for, like
 * "audit-2027", would otherwise be refused for a second SME).
 *
 * The key needs no record of its own (issue 16: one write unit less per
 * need): it names the need. The need's id is derived from the scope and the
 * key, and the need carries the request's hash and until when the key holds
 * (IDEMPOTENCY_TTL_HOURS). A retry finds the need under the same id; a
 * concurrent twin loses the conditional put and answers the winner. A key
 * used again after it lapsed names the next need in a chain (its id derived
 * from the lapsed need's), so a retry of that request finds it the same way.
 */
export async function postNeed(
  ports: AppPorts,
  caller: Caller,
  smeId: string,
  body: CreateNeedBody,
  idempotencyKey: string | undefined,
): Promise<Stored<Need>> {
  const sme = assertOwned(caller, await ports.store.get('sme', smeId), 'SME');
  if (sme.suspension) {
    throw new Conflict(`this SME is suspended by an operator and cannot post needs (${sme.suspension.reason})`);
  }
  const now = ports.clock.now();
  if (deadlineEnd(body.deadline) < iso(now)) {
    throw new ValidationFailed('the request body is invalid', [{ path: 'body.deadline', message: 'must not be in the past' }]);
  }
  if (idempotencyKey === undefined) return createNeed(ports, sme, newId('nd'), body);

  const requestHash = createHash('sha256').update(`${sme.id}|${canonical(body)}`).digest('base64url');
  const scope = idempotencyScope(caller, 'POST /v1/smes/{smeId}/needs', `/v1/smes/${sme.id}/needs`);
  // Follow the key's chain to its live need, or to the free id a new need takes.
  let needId = derivedId('nd', scope, idempotencyKey);
  for (let hops = 0; ; hops++) {
    const named = await ports.store.get('need', needId, true);
    if (!named) break;
    const live = named.idempotency && named.idempotency.until > iso(now);
    if (live || hops >= MAX_KEY_REUSES) {
      if (named.idempotency?.requestHash !== requestHash) {
        throw new Conflict('this Idempotency-Key was already used for another request on this path (same caller, same path, another body); use a new key for a new request');
      }
      return entityOf(named);
    }
    needId = derivedId('nd', scope, idempotencyKey, named.id);
  }
  const until = iso(addHours(now, ports.config.IDEMPOTENCY_TTL_HOURS));
  const n = await createNeed(ports, sme, needId, body, { requestHash, until });
  // A concurrent twin with another body may have made the need first: it is that request's.
  if (n.idempotency?.requestHash !== requestHash) {
    throw new Conflict('this Idempotency-Key was already used for another request on this path (same caller, same path, another body); use a new key for a new request');
  }
  return n;
}

/** How often a lapsed key is followed to the next need it named before the chain's end is answered as it is. */
const MAX_KEY_REUSES = 50;

export async function listNeedsOfSme(ports: Pick<AppPorts, 'store'>, caller: Caller, smeId: string, page: PageRequest): Promise<Page<Stored<Need>>> {
  await getSme(ports, caller, smeId);
  return ports.store.listNeedsOfSme(smeId, page);
}

export async function getNeed(ports: Pick<AppPorts, 'store'>, caller: Caller, needId: string): Promise<Stored<Need>> {
  return assertVisible(caller, await ports.store.get('need', needId), 'need');
}

/** The need and the match that currently holds it, if any. */
export async function getNeedWithMatch(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  caller: Caller,
  needId: string,
): Promise<{ need: Stored<Need>; currentMatch: Stored<Match> | undefined }> {
  const need = await getNeed(ports, caller, needId);
  const currentMatch = need.currentMatchId ? await ports.store.get('match', need.currentMatchId) : undefined;
  return { need, currentMatch: currentMatch ? await presentMatch(ports, caller, currentMatch) : undefined };
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

export async function listMatchesOfNeed(ports: Pick<AppPorts, 'store' | 'clock'>, caller: Caller, needId: string, page: PageRequest): Promise<Page<Stored<Match>>> {
  await getNeed(ports, caller, needId);
  return presentPage(ports, caller, await ports.store.listMatchesOfNeed(needId, page));
}

/**
 * Operators: the waiting needs of one market or all, optionally of one
 * province, each with why it waits (from the market's waiting index; the
 * province is a bounded filter per page, see store/rounds.ts).
 */
export function listWaitingNeeds(
  ports: Pick<AppPorts, 'store'>,
  filter: { serviceType?: string | undefined; province?: string | undefined },
  page: PageRequest,
): Promise<Page<Stored<Need>>> {
  return ports.store.listWaitingNeeds({ serviceType: filter.serviceType, province: filter.province }, page);
}
