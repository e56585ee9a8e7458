/**
 * The one-table store: one object for the use cases to hold, delegating to
 * a module per concern.
 *
 * - core.ts: queries and paging, batch gets, the conditional write, StaleWrite and retryOnStale
 * - entities.ts: versioned entities (the store sets version and updatedAt; the outbox in the item)
 * - lists.ts: the named access patterns
 * - ledger.ts: the capacity ledger
 * - outbox.ts: pending events and marking them published
 * - idempotency.ts, inbox.ts: idempotency records, notifications
 * - keys.ts: each entity's keys; metering.ts: consumed capacity, installed only by benchmarks
 *
 * Every access pattern of the design by key or index, never Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MatchStatus, Notification } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import type { Page, PageRequest, StoreClock, StoreContext, Stored, TableKey } from './core.ts';
import { CursorCodec } from './cursor.ts';
import * as entities from './entities.ts';
import type { Changes, Draft, Entities, EventsFor, Kind } from './entities.ts';
import * as idempotency from './idempotency.ts';
import type { IdempotencyRecord } from './idempotency.ts';
import * as inbox from './inbox.ts';
import * as ledger from './ledger.ts';
import * as lists from './lists.ts';
import * as outbox from './outbox.ts';
import type { EntityRef } from './outbox.ts';

export { isConditionFailure, retryOnStale, StaleWrite, type Page, type PageRequest, type StoreClock, type Stored } from './core.ts';
export { entityOf, type Changes, type Draft, type Entities, type EventsFor, type Kind } from './entities.ts';
export type { IdempotencyRecord } from './idempotency.ts';
export type { ClaimResult, Ledger } from './ledger.ts';
export type { EntityRef, PendingItem } from './outbox.ts';

export interface StoreOptions {
  /** Stamps `updatedAt` on insert and update: pass the application's Clock port. @default the system clock */
  clock?: StoreClock;
}

const systemClock: StoreClock = { now: () => new Date() };

export class Store {
  private readonly ctx: StoreContext;

  constructor(doc: DynamoDBDocumentClient, tableName: string, cursorSecret: string, options: StoreOptions = {}) {
    this.ctx = { doc, tableName, cursors: new CursorCodec(cursorSecret), clock: options.clock ?? systemClock };
  }

  // ------------------------------------------------------------------ entities

  get<K extends Kind>(kind: K, id: string, consistent = false): Promise<Stored<Entities[K]> | undefined> {
    return entities.getEntity(this.ctx, kind, id, consistent);
  }

  batchGet<K extends Kind>(kind: K, ids: readonly string[]): Promise<Map<string, Stored<Entities[K]>>> {
    return entities.batchGetEntities(this.ctx, kind, ids);
  }

  /**
   * Creates an entity at version 1 with `updatedAt` now (the store's clock),
   * its events in its outbox; Conflict if the id exists. See insertEntity.
   */
  insert<K extends Kind>(
    kind: K,
    draft: NoInfer<Draft<Entities[K]> | ((now: Date) => Draft<Entities[K]>)>,
    events?: NoInfer<EventsFor<Entities[K]>>,
  ): Promise<Stored<Entities[K]>> {
    return entities.insertEntity(this.ctx, kind, draft, events);
  }

  /**
   * Applies `changes` to `prev` at version prev.version + 1 with `updatedAt`
   * now, appending `events` to its outbox; StaleWrite if it changed since it
   * was read. See updateEntity.
   */
  update<K extends Kind>(
    kind: K,
    prev: Stored<Entities[K]>,
    changes: NoInfer<Changes<Entities[K]> | ((now: Date) => Changes<Entities[K]>)>,
    events?: NoInfer<EventsFor<Entities[K]>>,
  ): Promise<Stored<Entities[K]>> {
    return entities.updateEntity(this.ctx, kind, prev, changes, events);
  }

  /**
   * Writes a new entity with its events, as given (the caller set version 1
   * and updatedAt). Fails with Conflict if the id exists. Superseded by `insert`.
   */
  async create<K extends Kind>(kind: K, entity: Entities[K], events: readonly AppEvent[] = []): Promise<void> {
    await entities.putEntity(this.ctx, kind, entity, events, { create: true });
  }

  /**
   * Replaces an entity whose stored version is `prev.version` with `next`
   * (next.version must be prev.version + 1), appending `events` to whatever
   * the outbox still holds. Throws StaleWrite when someone else changed it
   * first. Superseded by `update`.
   */
  async save<K extends Kind>(kind: K, prev: Stored<Entities[K]>, next: Entities[K], events: readonly AppEvent[] = []): Promise<void> {
    const pv = (prev as { version: number }).version;
    if ((next as { version: number }).version !== pv + 1) throw new Error('save: next.version must be prev.version + 1');
    await entities.putEntity(this.ctx, kind, next, [...(prev.pendingEvents ?? []), ...events], { expectedVersion: pv });
  }

  // ------------------------------------------------------------------ lists

  listProvidersOfOwner = (sub: string, p: PageRequest) => lists.listProvidersOfOwner(this.ctx, sub, p);
  listAllProviders = (p: PageRequest) => lists.listAllProviders(this.ctx, p);
  listSmesOfOwner = (sub: string, p: PageRequest) => lists.listSmesOfOwner(this.ctx, sub, p);
  listAllSmes = (p: PageRequest) => lists.listAllSmes(this.ctx, p);
  listOfferingsOfProvider = (providerId: string, p: PageRequest) => lists.listOfferingsOfProvider(this.ctx, providerId, p);
  listNeedsOfSme = (smeId: string, p: PageRequest) => lists.listNeedsOfSme(this.ctx, smeId, p);
  listMatchesOfNeed = (needId: string, p: PageRequest) => lists.listMatchesOfNeed(this.ctx, needId, p);
  listMatchesOfProvider = (providerId: string, p: PageRequest) => lists.listMatchesOfProvider(this.ctx, providerId, p);
  listMatchesOfSme = (smeId: string, p: PageRequest) => lists.listMatchesOfSme(this.ctx, smeId, p);
  listMatchesOfOffering = (offeringId: string, p: PageRequest) => lists.listMatchesOfOffering(this.ctx, offeringId, p);
  /** The operators' review queue: by status (optionally one market), oldest first unless asked otherwise. */
  listMatchesByStatus = (status: MatchStatus, serviceType: string | undefined, p: PageRequest & { newestFirst?: boolean }) =>
    lists.listMatchesByStatus(this.ctx, status, serviceType, p);
  /** Matcher: the market's offerings (every status; the caller filters). */
  offeringsOfMarket = (serviceType: string) => lists.offeringsOfMarket(this.ctx, serviceType);
  /** Matcher: the market's waiting needs, oldest first. */
  waitingNeedsOfMarket = (serviceType: string, limit?: number) => lists.waitingNeedsOfMarket(this.ctx, serviceType, limit);
  /** Analytics: the market's matches created in a period. */
  matchesOfMarketInPeriod = (serviceType: string, period: string) => lists.matchesOfMarketInPeriod(this.ctx, serviceType, period);
  /** Jobs: needs and open matches of a market whose deadline or expiry is before `at` (ISO). */
  dueInMarket = (serviceType: string, at: string, limit?: number) => lists.dueInMarket(this.ctx, serviceType, at, limit);

  // ------------------------------------------------------------------ capacity ledger

  getCapacity = (offeringId: string, period: string) => ledger.getCapacity(this.ctx, offeringId, period);
  batchGetCapacities = (offeringIds: readonly string[], period: string) => ledger.batchGetCapacities(this.ctx, offeringIds, period);
  /** One unit of an offering's month for a holder (a match), atomic and idempotent per holder. */
  claimCapacity = (offeringId: string, period: string, limitIfNew: number, holderId: string) =>
    ledger.claimCapacity(this.ctx, offeringId, period, limitIfNew, holderId);
  /** Gives back a holder's claim; false when it held none. */
  releaseCapacity = (offeringId: string, period: string, holderId: string) => ledger.releaseCapacity(this.ctx, offeringId, period, holderId);
  /** A changed monthly capacity applies to the month's ledger if it exists. */
  setCapacityLimit = (offeringId: string, period: string, limit: number) => ledger.setCapacityLimit(this.ctx, offeringId, period, limit);

  // ------------------------------------------------------------------ outbox

  /** Items whose events are not yet published: each shard's oldest first. */
  listPending = (limitPerShard?: number) => outbox.listPending(this.ctx, limitPerShard);

  /**
   * Removes published events from an entity's outbox, by event id, without
   * touching its version. `allPendingAtVersion`: the ids are every event it
   * held at that version (what `insert`/`update` returned in pendingEvents),
   * which skips a read. The entity is named by `{ kind, id }`; a table key
   * is still accepted until every caller names entities.
   */
  markPublished(entity: EntityRef | TableKey, eventIds: readonly string[], allPendingAtVersion?: number): Promise<void> {
    const key = 'kind' in entity ? entities.PRIMARY[entity.kind](entity.id) : entity;
    return outbox.markPublished(this.ctx, key, eventIds, allPendingAtVersion);
  }

  // ------------------------------------------------------------------ idempotency

  getIdempotency = (scope: string, key: string, nowEpochS: number) => idempotency.getIdempotency(this.ctx, scope, key, nowEpochS);
  /** Stores a record unless a live one exists; returns the live one that won otherwise. */
  putIdempotency = (scope: string, key: string, rec: IdempotencyRecord, nowEpochS: number) =>
    idempotency.putIdempotency(this.ctx, scope, key, rec, nowEpochS);

  // ------------------------------------------------------------------ inbox

  /** Idempotent by notification id: a redelivered event writes nothing new. */
  putNotification = (n: Notification) => inbox.putNotification(this.ctx, n);
  listInbox = (sub: string, p: PageRequest): Promise<Page<Notification>> => inbox.listInbox(this.ctx, sub, p);
  /** Notification ids embed their time, so the key is found without a lookup. */
  markRead = (sub: string, at: string, id: string) => inbox.markRead(this.ctx, sub, at, id);
}
