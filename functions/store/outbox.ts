/**
 * The outbox in the item: a state change's events are written in the same
 * item as the change (no transactions needed), and the item sits in the
 * sparse OUTBOX index until every event is marked published. The relay reads
 * that index; a writer that published its own events clears them at once.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AppEvent } from '#events/contracts.ts';
import { decodePending, encodePending, holdsReferences, type StoredEvent } from './codec.ts';
import { batchGetItems, getItem, queryInput, queryRaw, writeIf, type StoreContext, type TableKey } from './core.ts';
import { entityOfKey, voucherKey, voucherOfKey, type EntityKind } from './keys.ts';

/** An entity addressed by kind and id: how callers name what they wrote, without its table keys. */
export interface EntityRef {
  kind: EntityKind;
  id: string;
}

/**
 * A voucher: not a versioned entity (its money moves by single-attribute
 * conditional updates, store/vouchers.ts), but the moves that announce
 * something write their events into its outbox the same way.
 */
export interface VoucherRef {
  kind: 'voucher';
  smeId: string;
  id: string;
}

/** Whatever can hold events in its outbox. */
export type OutboxRef = EntityRef | VoucherRef;

export interface PendingItem {
  /** The entity (or voucher) whose outbox holds the events. */
  ref: OutboxRef;
  version: number;
  events: AppEvent[];
}

/** Outbox index shards: spreads relay reads, keeps each partition small. */
const OUTBOX_SHARDS = 4;
function outboxShard(pk: string): number {
  let h = 0;
  for (let i = 0; i < pk.length; i++) h = (h * 31 + pk.charCodeAt(i)) | 0;
  return Math.abs(h) % OUTBOX_SHARDS;
}

/** The outbox sort key orders an item by its oldest pending event (the time alone: the entry's table key names the item). */
const outboxSk = (_pk: string, pending: readonly AppEvent[]) => pending[0]!.detail.occurredAt;

/**
 * The attributes that put an item with pending events in the outbox index
 * (none without events). Given the entity they belong to, events it can
 * rebuild are stored as references (codec.ts).
 */
export function outboxAttributes(pk: string, pending: readonly AppEvent[], entity?: Record<string, unknown>): Record<string, unknown> {
  if (pending.length === 0) return {};
  return { pendingEvents: entity ? encodePending(pending, entity) : pending, outboxPk: `OUTBOX#${outboxShard(pk)}`, outboxSk: outboxSk(pk, pending) };
}

/**
 * Items whose events are not yet published: each shard's oldest first
 * (consumers never rely on order). With `before` (an ISO instant), only
 * items whose oldest pending event occurred before it: the index's sort key
 * starts with that instant.
 */
export async function listPending(ctx: StoreContext, limitPerShard = 100, before?: string): Promise<PendingItem[]> {
  const out: PendingItem[] = [];
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const input = queryInput(ctx, 'OUTBOX', `OUTBOX#${shard}`, undefined, before);
    input.Limit = limitPerShard;
    const { entries } = await queryRaw(ctx, input);
    // Events stored by reference are rebuilt from their whole item (the index holds the outbox only).
    const referring = entries.filter((i) => holdsReferences(i.pendingEvents as StoredEvent[] | undefined));
    const whole = new Map((await batchGetItems(ctx, referring.map((i) => ({ pk: i.pk, sk: i.sk })), true)).map((i) => [`${i.pk}|${i.sk}`, i]));
    for (const entry of entries) {
      // The whole item where the entry refers (if it changed since the index was read, its newer state is what to publish).
      const i = holdsReferences(entry.pendingEvents as StoredEvent[] | undefined) ? whole.get(`${entry.pk}|${entry.sk}`) : entry;
      if (!i?.pendingEvents) continue; // published or gone since
      const key = { pk: String(i.pk), sk: String(i.sk) };
      const voucher = voucherOfKey(key);
      const ref: OutboxRef | undefined = entityOfKey(key) ?? (voucher ? { kind: 'voucher', ...voucher } : undefined);
      // Only versioned entities and vouchers are written with events; anything else in the index is not ours to publish.
      if (!ref) continue;
      out.push({ ref, version: i.version as number, events: decodePending(i.pendingEvents as StoredEvent[], i) });
    }
  }
  return out;
}

/** The table key of what holds an outbox (entities by their primary key builder, given by the store). */
export function keyOfRef(ref: OutboxRef, entityKey: (ref: EntityRef) => TableKey): TableKey {
  return ref.kind === 'voucher' ? voucherKey(ref.smeId, ref.id) : entityKey(ref);
}

const clearAll = { UpdateExpression: 'REMOVE pendingEvents, outboxPk, outboxSk' };

/**
 * Removes published events from an item's outbox, by event id, without
 * touching its version: a state change racing with this keeps its own
 * events (it re-reads on its version check; at worst an event goes twice).
 * `allPendingAtVersion`: the ids are every event the item held at that
 * version, which lets the common case skip the read.
 */
export async function markPublished(
  ctx: StoreContext,
  key: TableKey,
  eventIds: readonly string[],
  allPendingAtVersion?: number,
): Promise<void> {
  const updateAt = (version: number, update: { UpdateExpression: string; ExpressionAttributeValues?: Record<string, unknown> }) =>
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: key,
      ...update,
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ...(update.ExpressionAttributeValues ?? {}), ':v': version },
    });
  // Fast path: the caller published every event the item held at that version (it wrote them),
  // so one conditional write clears the outbox without reading the item first. If the item
  // changed since, remove exactly these ids below.
  if (allPendingAtVersion !== undefined && (await writeIf(ctx, updateAt(allPendingAtVersion, clearAll)))) return;

  const published = new Set(eventIds);
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await getItem(ctx, key, true);
    if (!item?.pendingEvents) return;
    // Decoded to learn the ids; what stays is written back as it was stored.
    const stored = item.pendingEvents as StoredEvent[];
    const held = decodePending(stored, item);
    const keep = held.map((e) => !published.has(e.id));
    const rest = held.filter((_, i) => keep[i]);
    if (rest.length === held.length) return;
    const update =
      rest.length === 0
        ? clearAll
        : {
            UpdateExpression: 'SET pendingEvents = :rest, outboxSk = :osk',
            ExpressionAttributeValues: { ':rest': stored.filter((_, i) => keep[i]), ':osk': outboxSk(key.pk, rest) },
          };
    if (await writeIf(ctx, updateAt(item.version as number, update))) return;
  }
  // Still pending: the relay publishes it again later. Duplicates are harmless; loss is not.
}
