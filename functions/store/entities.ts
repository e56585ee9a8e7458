/**
 * Versioned entities: whole items, each write guarded by the version it
 * replaces (optimistic concurrency), each written together with its events
 * (the outbox in the item). The store owns `version` and `updatedAt`: a new
 * entity is version 1, each change the previous version + 1, both stamped
 * with the store's clock.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#domain/errors.ts';
import type { Match, Need, Offering, Provider, Sme } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import { batchGetItems, fromItem, getItem, StaleWrite, writeIf, type StoreContext, type Stored } from './core.ts';
import type { RegisterImport } from '#domain/imports.ts';
import {
  importKey,
  importKeys,
  matchKey,
  matchKeys,
  needKey,
  needKeys,
  offeringKey,
  offeringKeys,
  providerKey,
  providerKeys,
  smeKey,
  smeKeys,
  type EntityKind,
  type Keys,
} from './keys.ts';
import { encodeMatch } from './codec.ts';
import { outboxAttributes } from './outbox.ts';

/** The entity kinds the store persists as whole, versioned items. */
export interface Entities {
  provider: Provider;
  offering: Offering;
  sme: Sme;
  need: Need;
  match: Match;
  import: RegisterImport;
}
export type Kind = keyof Entities & EntityKind;

/** The fields the store sets on every write; callers never compute them. */
type Managed = 'version' | 'updatedAt';

/** A new entity as a caller describes it: everything but `version` and `updatedAt`. */
export type Draft<T> = Omit<T, Managed>;

/**
 * A change to an entity: any fields but its id and the store's own. A field
 * given as `undefined` is removed (e.g. `currentMatchId: undefined`).
 */
export type Changes<T> = { [P in Exclude<keyof T, Managed | 'id'>]?: T[P] | undefined };

/** The events of a write, or a function of the entity as written (its new version and updatedAt). */
export type EventsFor<T> = readonly AppEvent[] | ((written: T) => readonly AppEvent[]);

const KEYS: { [K in Kind]: (e: Entities[K]) => Keys } = {
  provider: providerKeys,
  offering: offeringKeys,
  sme: smeKeys,
  need: needKeys,
  match: matchKeys,
  import: importKeys,
};
export const PRIMARY: { [K in Kind]: (id: string) => { pk: string; sk: string } } = {
  provider: providerKey,
  offering: offeringKey,
  sme: smeKey,
  need: needKey,
  match: matchKey,
  import: importKey,
};

/** The entity alone, without the outbox it was loaded with (the store carries pending events over on update). */
export function entityOf<T extends object>(e: Stored<T>): T {
  const { pendingEvents: _pending, ...rest } = e as T & { pendingEvents?: unknown };
  return rest as T;
}

export async function getEntity<K extends Kind>(ctx: StoreContext, kind: K, id: string, consistent: boolean): Promise<Stored<Entities[K]> | undefined> {
  const item = await getItem(ctx, PRIMARY[kind](id), consistent);
  return item ? fromItem<Entities[K]>(item) : undefined;
}

export async function batchGetEntities<K extends Kind>(ctx: StoreContext, kind: K, ids: readonly string[]): Promise<Map<string, Stored<Entities[K]>>> {
  const items = await batchGetItems(ctx, [...new Set(ids)].map((id) => PRIMARY[kind](id)));
  return new Map(items.map((item) => [item.id as string, fromItem<Entities[K]>(item)]));
}

/**
 * Writes the whole item with its outbox: a create only if the id is new
 * (else Conflict), a replacement only over `expectedVersion` (else StaleWrite).
 * Only insert and update call it: they set version and updatedAt.
 */
async function putEntity<K extends Kind>(
  ctx: StoreContext,
  kind: K,
  entity: Entities[K],
  pending: readonly AppEvent[],
  guard: { create: true } | { expectedVersion: number },
): Promise<void> {
  const keys = KEYS[kind](entity);
  const fields = kind === 'match' ? encodeMatch(entity as Match) : { ...entity };
  const item: Record<string, unknown> = { ...fields, ...keys, type: kind };
  delete item.pendingEvents;
  Object.assign(item, outboxAttributes(keys.pk!, pending, entity as unknown as Record<string, unknown>));
  const cond =
    'create' in guard
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': guard.expectedVersion } };
  if (await writeIf(ctx, new PutCommand({ TableName: ctx.tableName, Item: item, ...cond }))) return;
  if ('create' in guard) throw new Conflict(`${kind} already exists`);
  throw new StaleWrite(`${kind} was changed by someone else; read it again and retry`);
}

const eventsOf = <T>(events: EventsFor<T> | undefined, written: T): readonly AppEvent[] =>
  typeof events === 'function' ? events(written) : (events ?? []);

/**
 * Creates an entity at version 1, `updatedAt` now, with its events in its
 * outbox. `draft` may be a function of that same instant, for fields that
 * must agree with it (createdAt, a first history entry). Conflict if the id exists.
 * Returns the entity as stored, `pendingEvents` being the events to publish.
 */
export async function insertEntity<K extends Kind>(
  ctx: StoreContext,
  kind: K,
  draft: NoInfer<Draft<Entities[K]> | ((now: Date) => Draft<Entities[K]>)>,
  events?: NoInfer<EventsFor<Entities[K]>>,
): Promise<Stored<Entities[K]>> {
  const now = ctx.clock.now();
  const fields = typeof draft === 'function' ? draft(now) : draft;
  const entity = { ...fields, version: 1, updatedAt: now.toISOString() } as Entities[K];
  const pending = [...eventsOf(events, entity)];
  await putEntity(ctx, kind, entity, pending, { create: true });
  return { ...entity, pendingEvents: pending };
}

/**
 * Replaces `prev` (as loaded) by `prev` with `changes` applied, at version
 * prev.version + 1 and `updatedAt` now; `changes` may be a function of that
 * same instant (history entries, expiries). The new events are appended to
 * whatever the outbox still holds. StaleWrite when someone else changed it
 * first (read again and retry: `retryOnStale`). Returns the entity as stored,
 * `pendingEvents` being every event its outbox now holds (to publish and clear
 * with `markPublished(ref, ids, version)`).
 */
export async function updateEntity<K extends Kind>(
  ctx: StoreContext,
  kind: K,
  prev: Stored<Entities[K]>,
  changes: NoInfer<Changes<Entities[K]> | ((now: Date) => Changes<Entities[K]>)>,
  events?: NoInfer<EventsFor<Entities[K]>>,
): Promise<Stored<Entities[K]>> {
  const now = ctx.clock.now();
  const patch: Record<string, unknown> = typeof changes === 'function' ? changes(now) : changes;
  const next: Record<string, unknown> = { ...entityOf(prev), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
  // The caller's `id`, `version` or `updatedAt` would be a bug (the types refuse them): the store's win.
  const prevVersion = (prev as { version: number }).version;
  Object.assign(next, { id: (prev as { id: string }).id, version: prevVersion + 1, updatedAt: now.toISOString() });
  const entity = next as unknown as Entities[K];
  const pending = [...(prev.pendingEvents ?? []), ...eventsOf(events, entity)];
  await putEntity(ctx, kind, entity, pending, { expectedVersion: prevVersion });
  return { ...entity, pendingEvents: pending };
}
