/**
 * Per-user quotas (api.md "Quotas"), counted by the store's conditional
 * counters (store/quotas.ts): a create takes its slots before it writes the
 * entity, so concurrent creates can never pass a limit; a refused take is
 * `429 QUOTA_EXCEEDED` naming the limit. A need's slots are given back when it
 * stops being open (lifecycle.ts updateNeed), once per need.
 *
 * Crash safety: a slot whose entity was never written, or whose need ended
 * without its release, is found by the repair a full counter runs (holders
 * older than REPAIR_GRACE_MS checked against their entities), so a leak
 * never blocks a user for longer than that.
 */
import { QuotaExceeded } from '#domain/errors.ts';
import type { Need, NeedStatus } from '#domain/model.ts';
import type { AppPorts } from '#functions/ports.ts';
import type { QuotaCounter, QuotaTake } from '../store/store.ts';

/** A need in these states counts against its SME's open-need quotas. */
export const OPEN_NEED_STATUSES: readonly NeedStatus[] = ['WAITING', 'PROPOSED', 'MATCHED'];

/**
 * A holder younger than this is never repaired: its entity write may still be
 * under way (a Lambda runs at most 15 minutes).
 */
export const REPAIR_GRACE_MS = 15 * 60_000;

type Ports = Pick<AppPorts, 'store' | 'clock' | 'config'>;

/** A limit as the 429 names it. */
interface NamedLimit {
  limit: number;
  /** The detail path naming the limit, e.g. `quota.openNeedsPerSme`. */
  name: string;
  /** e.g. "at most 20 open needs per SME" */
  message: string;
}

/** One quota a create counts against: a counter item, and optionally a limit on one group within it. */
export interface QuotaSlot extends NamedLimit {
  scope: string;
  /** The entity a holder id names. */
  kind: 'need' | 'provider' | 'offering';
  /** The holder's group and that group's limit (an SME's open needs of one service type). */
  group?: NamedLimit & { group: string };
}

/** The counter items' scopes: each names its owner, so it is clear whose quota an item counts. */
const needScopes = (smeId: string, serviceType: string) => ({
  sme: `SME#${smeId}#OPENNEEDS`,
  /** Before one item counted both limits, each service type had its own (still read for needs opened then). */
  legacyType: `SME#${smeId}#OPENNEEDS#${serviceType}`,
});

/**
 * Of these holder ids, those that still count: the entity exists and, for a
 * need, is open. Eventually consistent reads do here: only holders older than
 * the grace period are asked about.
 */
async function holding(ports: Ports, kind: QuotaSlot['kind'], ids: string[]): Promise<Set<string>> {
  if (kind === 'need') {
    const found = await ports.store.batchGet('need', ids);
    return new Set([...found.values()].filter((n) => OPEN_NEED_STATUSES.includes(n.status)).map((n) => n.id));
  }
  return new Set((await ports.store.batchGet(kind, ids)).keys());
}

/** A need's two limits, counted by one item: the SME's open needs, and among them those of the need's service type. */
export function needSlots(ports: Ports, smeId: string, serviceType: string): QuotaSlot[] {
  const { QUOTA_OPEN_NEEDS_PER_SME: perSme, QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: perType } = ports.config;
  return [
    {
      scope: needScopes(smeId, serviceType).sme,
      limit: perSme,
      name: 'quota.openNeedsPerSme',
      message: `at most ${perSme} open needs per SME`,
      kind: 'need',
      group: {
        group: serviceType,
        limit: perType,
        name: 'quota.openNeedsPerSmeAndServiceType',
        message: `at most ${perType} open needs per SME in one service type (${serviceType})`,
      },
    },
  ];
}

export function providerSlots(ports: Ports, ownerSub: string): QuotaSlot[] {
  const limit = ports.config.QUOTA_PROVIDERS_PER_OWNER;
  return [
    { scope: `OWNER#${ownerSub}#PROVIDERS`, limit, name: 'quota.providersPerOwner', message: `at most ${limit} providers per owner`, kind: 'provider' },
  ];
}

export function offeringSlots(ports: Ports, providerId: string): QuotaSlot[] {
  const limit = ports.config.QUOTA_OFFERINGS_PER_PROVIDER;
  return [
    {
      scope: `PROVIDER#${providerId}#OFFERINGS`,
      limit,
      name: 'quota.offeringsPerProvider',
      message: `at most ${limit} offerings per provider`,
      kind: 'offering',
    },
  ];
}

/** Releases the leaked slots of a full counter (see the module comment); answers how many. */
function repair(ports: Ports, slot: QuotaSlot, nowMs: number): Promise<number> {
  return ports.store.repairQuota(slot.scope, (ids) => holding(ports, slot.kind, ids), nowMs, REPAIR_GRACE_MS);
}

/** The limit a counter has no room under for a new holder, if any. */
function fullLimit(slot: QuotaSlot, cur: QuotaCounter): NamedLimit | undefined {
  if (cur.n >= slot.limit) return slot;
  if (slot.group && (cur.groups[slot.group.group] ?? 0) >= slot.group.limit) return slot.group;
  return undefined;
}

/**
 * The limit the counter has no room under for the holder, after repairing
 * leaked slots once; undefined when it has room. Read first, so a refusal
 * usually writes nothing.
 */
async function noRoom(ports: Ports, slot: QuotaSlot, holderId: string | undefined, nowMs: number): Promise<NamedLimit | undefined> {
  const cur = await ports.store.getQuota(slot.scope);
  if (holderId !== undefined && Object.hasOwn(cur.holders, holderId)) return undefined;
  const full = fullLimit(slot, cur);
  if (!full || (await repair(ports, slot, nowMs)) === 0) return full;
  return fullLimit(slot, await ports.store.getQuota(slot.scope));
}

const groupOf = (slot: QuotaSlot) => (slot.group ? { name: slot.group.group, limit: slot.group.limit } : undefined);

/** Takes one slot, repairing leaked slots once if the counter (or the group) is full. */
async function take(ports: Ports, slot: QuotaSlot, holderId: string, nowMs: number): Promise<QuotaTake> {
  const first = await ports.store.takeQuota(slot.scope, slot.limit, holderId, nowMs, groupOf(slot));
  if (first !== 'full' && first !== 'group-full') return first;
  return (await repair(ports, slot, nowMs)) > 0 ? ports.store.takeQuota(slot.scope, slot.limit, holderId, nowMs, groupOf(slot)) : first;
}

const exceeded = (limit: NamedLimit) => new QuotaExceeded(`quota exceeded: ${limit.message}`, [{ path: limit.name, message: limit.message }]);

/**
 * Runs `write` (which creates the entity `holderId`) holding one slot of each
 * quota: any full one refuses with 429. Every counter is read first, so a
 * request over a limit writes nothing; only one that races others to the
 * last slot may take a slot and give it back. If `write` fails and the
 * entity does not exist (a racing retry of the same id may have made it),
 * the slots this call took are given back.
 */
export async function withQuota<T>(ports: Ports, slots: readonly QuotaSlot[], holderId: string, write: () => Promise<T>): Promise<T> {
  const nowMs = ports.clock.now().getTime();
  for (const slot of slots) {
    const full = await noRoom(ports, slot, holderId, nowMs);
    if (full) throw exceeded(full);
  }
  const taken: QuotaSlot[] = [];
  const giveBack = async () => {
    for (const s of taken) await ports.store.releaseQuota(s.scope, holderId, s.group?.group);
  };
  for (const slot of slots) {
    const r = await take(ports, slot, holderId, nowMs);
    if (r === 'full' || r === 'group-full') {
      await giveBack();
      throw exceeded(r === 'full' || !slot.group ? slot : slot.group);
    }
    if (r === 'taken') taken.push(slot);
  }
  try {
    return await write();
  } catch (e) {
    // A strongly consistent read: a racing request with the same id may have written the entity a moment ago.
    const kind = taken[0]?.kind;
    if (kind && !(await ports.store.get(kind, holderId, true))) await giveBack();
    throw e;
  }
}

/** Gives back a need's open-need slots once it is no longer open; a repeat changes nothing. */
export async function releaseNeedSlots(ports: Pick<AppPorts, 'store'>, n: Pick<Need, 'id' | 'smeId' | 'serviceType' | 'status'>): Promise<void> {
  if (OPEN_NEED_STATUSES.includes(n.status)) return;
  const scopes = needScopes(n.smeId, n.serviceType);
  if (await ports.store.releaseQuota(scopes.sme, n.id, n.serviceType)) return;
  // Not held in its group: a need opened before one item counted both limits held a plain slot and a per-type one.
  if (await ports.store.releaseQuota(scopes.sme, n.id)) await ports.store.releaseQuota(scopes.legacyType, n.id);
}
