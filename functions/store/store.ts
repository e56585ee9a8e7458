/**
 * The one-table store: one object for the use cases to hold, delegating to
 * a module per concern.
 *
 * - core.ts: queries and paging, batch gets, the conditional write, StaleWrite and retryOnStale
 * - entities.ts: versioned entities (the store sets version and updatedAt; the outbox in the item)
 * - lists.ts: the named access patterns
 * - ledger.ts: the capacity ledger
 * - outbox.ts: pending events and marking them published
 * - inbox.ts: notifications (an Idempotency-Key needs no record: it names its need, usecases/needs.ts)
 * - keys.ts: each entity's keys; metering.ts: consumed capacity, installed only by benchmarks
 *
 * Every access pattern of the design by key or index, never Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MatchStatus, Notification } from '#domain/model.ts';
import type { Page, PageRequest, StoreClock, StoreContext, Stored } from './core.ts';
import { CursorCodec } from './cursor.ts';
import * as entities from './entities.ts';
import type { Changes, Draft, Entities, EventsFor, Kind } from './entities.ts';
import * as inbox from './inbox.ts';
import * as ledger from './ledger.ts';
import * as lists from './lists.ts';
import * as outbox from './outbox.ts';
import * as rounds from './rounds.ts';
import * as imports from './imports.ts';
import type { ImportLock, RegisterEntry } from './imports.ts';
import type { ProviderStatus } from '#domain/credentials.ts';
import { voucherLedger, type VoucherLedger } from './voucher-moves.ts';
import { kpiCounters, type KpiCounters } from './kpis.ts';
import type { OutboxRef } from './outbox.ts';
import * as uscc from './uscc.ts';
import * as quotas from './quotas.ts';
import type { UsccClaim } from './uscc.ts';

export { isConditionFailure, retryOnStale, StaleWrite, type Page, type PageRequest, type StoreClock, type Stored } from './core.ts';
export { entityOf, type Changes, type Draft, type Entities, type EventsFor, type Kind } from './entities.ts';
export type { ClaimResult, Ledger, LedgerTerms } from './ledger.ts';
export type { EntityRef, OutboxRef, PendingItem, VoucherRef } from './outbox.ts';
export type { ImportLock, RegisterEntry } from './imports.ts';
export type { UsccClaim, UsccHolderKind } from './uscc.ts';
export type { QuotaCounter, QuotaGroup, QuotaTake } from './quotas.ts';

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

  // ------------------------------------------------------------------ lists

  listProvidersOfOwner = (sub: string, p: PageRequest) => lists.listProvidersOfOwner(this.ctx, sub, p);
  listAllProviders = (p: PageRequest) => lists.listAllProviders(this.ctx, p);
  /** The onboarding queue and the other provider statuses, oldest first. */
  listProvidersByStatus = (status: ProviderStatus, p: PageRequest) => lists.listProvidersByStatus(this.ctx, status, p);
  listSmesOfOwner = (sub: string, p: PageRequest) => lists.listSmesOfOwner(this.ctx, sub, p);
  listAllSmes = (p: PageRequest) => lists.listAllSmes(this.ctx, p);
  listOfferingsOfProvider = (providerId: string, p: PageRequest) => lists.listOfferingsOfProvider(this.ctx, providerId, p);
  listNeedsOfSme = (smeId: string, p: PageRequest) => lists.listNeedsOfSme(this.ctx, smeId, p);
  listMatchesOfNeed = (needId: string, p: PageRequest) => lists.listMatchesOfNeed(this.ctx, needId, p);
  listMatchesOfProvider = (providerId: string, p: PageRequest) => lists.listMatchesOfProvider(this.ctx, providerId, p);
  listMatchesOfSme = (smeId: string, p: PageRequest) => lists.listMatchesOfSme(this.ctx, smeId, p);
  /** The operators' review queue: by status (optionally one market), oldest first unless asked otherwise. */
  listMatchesByStatus = (status: MatchStatus, serviceType: string | undefined, p: PageRequest & { newestFirst?: boolean }) =>
    lists.listMatchesByStatus(this.ctx, status, serviceType, p);
  /** Matcher: the market's offerings (every status; the caller filters). */
  offeringsOfMarket = (serviceType: string) => lists.offeringsOfMarket(this.ctx, serviceType);
  /** Matcher: the market's waiting needs, oldest first. */
  waitingNeedsOfMarket = (serviceType: string, limit?: number) => lists.waitingNeedsOfMarket(this.ctx, serviceType, limit);
  /** Matcher: a bounded window of the market's waiting needs after a position (rounds.ts), and whether more wait. */
  waitingWindow = (serviceType: string, opts: { after?: string | undefined; limit: number }) => rounds.waitingWindow(this.ctx, serviceType, opts);
  /** Matcher: where the market's sweep of bounded rounds goes on from; `undefined` ends the sweep. */
  getRoundCursor = (serviceType: string) => rounds.getRoundCursor(this.ctx, serviceType);
  setRoundCursor = (serviceType: string, after: string | undefined, waiting?: Record<string, number>) => rounds.setRoundCursor(this.ctx, serviceType, after, waiting);
  getRoundSweep = (serviceType: string) => rounds.getRoundSweep(this.ctx, serviceType);
  getMarketState = (serviceType: string) => rounds.getMarketState(this.ctx, serviceType);
  putMarketState = (state: rounds.MarketState) => rounds.putMarketState(this.ctx, state);
  readMarketStates = (serviceType?: string) => rounds.readMarketStates(this.ctx, serviceType);
  /** Operators: waiting needs of one market or all, optionally of one province (a bounded filter, see rounds.ts). */
  listWaitingNeeds = (filter: { serviceType?: string | undefined; province?: string | undefined }, p: PageRequest) =>
    rounds.listWaitingNeeds(this.ctx, filter, p);
  /** Analytics: the market's matches created in a period. */
  /** Jobs: needs and open matches of a market whose deadline or expiry is before `at` (ISO). */
  dueInMarket = (serviceType: string, at: string, limit?: number) => lists.dueInMarket(this.ctx, serviceType, at, limit);

  // ------------------------------------------------------------------ capacity ledger

  getCapacity = (offeringId: string, period: string) => ledger.getCapacity(this.ctx, offeringId, period);
  batchGetCapacities = (offeringIds: readonly string[], period: string) => ledger.batchGetCapacities(this.ctx, offeringIds, period);
  /** One unit of an offering's month for a holder (a match), atomic and idempotent per holder. */
  claimCapacity = (offeringId: string, period: string, termsIfNew: number | ledger.LedgerTerms, holderId: string) =>
    ledger.claimCapacity(this.ctx, offeringId, period, termsIfNew, holderId);
  /** Gives back a holder's claim; false when it held none. */
  releaseCapacity = (offeringId: string, period: string, holderId: string) => ledger.releaseCapacity(this.ctx, offeringId, period, holderId);
  /** A changed monthly capacity applies to the month's ledger, made if absent. */
  setCapacityLimit = (offeringId: string, period: string, limit: number) => ledger.setCapacityLimit(this.ctx, offeringId, period, limit);
  /** An offering's capacity and state (paused: no new claim) as the month's ledger's terms, unless newer terms are there. */
  setCapacityTerms = (offeringId: string, period: string, terms: ledger.LedgerTerms) => ledger.setCapacityTerms(this.ctx, offeringId, period, terms);

  // ------------------------------------------------------------------ per-user quotas (store/quotas.ts)

  /** Takes one slot of a quota scope for a holder, under the limit (and its group's); idempotent per holder. */
  takeQuota = (scope: string, limit: number, holderId: string, nowMs: number, group?: quotas.QuotaGroup) =>
    quotas.takeQuota(this.ctx, scope, limit, holderId, nowMs, group);
  /** Gives back a holder's slot; false when it held none. */
  releaseQuota = (scope: string, holderId: string, group?: string) => quotas.releaseQuota(this.ctx, scope, holderId, group);
  /** Releases the slots of holders older than `graceMs` that `stillHolding` does not confirm. */
  repairQuota = (scope: string, stillHolding: (ids: string[]) => Promise<Set<string>>, nowMs: number, graceMs: number) =>
    quotas.repairQuota(this.ctx, scope, stillHolding, nowMs, graceMs);
  getQuota = (scope: string) => quotas.getQuota(this.ctx, scope);

  // ------------------------------------------------------------------ voucher ledger

  /** Programmes, vouchers and their money moves (store/vouchers.ts). */
  get vouchers(): VoucherLedger {
    return voucherLedger(this.ctx);
  }

  /** The plan's KPI counters (store/kpis.ts). */
  get kpis(): KpiCounters {
    return kpiCounters(this.ctx);
  }

  // ------------------------------------------------------------------ outbox

  /** Items whose events are not yet published: each shard's oldest first. */
  listPending = (limitPerShard?: number, before?: string) => outbox.listPending(this.ctx, limitPerShard, before);

  /**
   * Removes published events from an entity's outbox, by event id, without
   * touching its version. `allPendingAtVersion`: the ids are every event it
   * held at that version (what `insert`/`update` returned in pendingEvents),
   * which skips a read. The entity is named by `{ kind, id }` (as listPending
   * names it), never by its table key.
   */
  markPublished(entity: OutboxRef, eventIds: readonly string[], allPendingAtVersion?: number): Promise<void> {
    const key = outbox.keyOfRef(entity, (e) => entities.PRIMARY[e.kind](e.id));
    return outbox.markPublished(this.ctx, key, eventIds, allPendingAtVersion);
  }

  // ------------------------------------------------------------------ USCC lookup

  getUsccClaim = (code: string) => uscc.getUsccClaim(this.ctx, code);
  /** Writes the claim if the code is unclaimed; `replacing` takes over a named holder's claim (repairs). */
  putUsccClaim = (claim: UsccClaim, replacing?: { holderId: string }) => uscc.putUsccClaim(this.ctx, claim, replacing);

  // ------------------------------------------------------------------ register imports

  /** The file of an import, gzip parts in the table (see imports.ts for why there). */
  putImportFile = (importId: string, bytes: Uint8Array) => imports.putImportFile(this.ctx, importId, bytes);
  readImportFile = (importId: string, parts: number) => imports.readImportFile(this.ctx, importId, parts);
  /** An operator's one running import: undefined when taken, else who holds it. */
  takeImportLock = (sub: string, lock: ImportLock, replacing?: string) => imports.takeImportLock(this.ctx, sub, lock, replacing);
  releaseImportLock = (sub: string, importId: string) => imports.releaseImportLock(this.ctx, sub, importId);
  getRegisterEntry = (uscc: string) => imports.getRegisterEntry(this.ctx, uscc);
  batchGetRegisterEntries = (usccs: readonly string[]) => imports.batchGetRegisterEntries(this.ctx, usccs);
  putRegisterEntries = (entries: readonly RegisterEntry[]) => imports.putRegisterEntries(this.ctx, entries);
  /** Who holds each of these USCCs, by the lookup items (claims whose record never appeared included). */
  batchGetUsccHolders = (usccs: readonly string[]) => imports.batchGetUsccHolders(this.ctx, usccs);

  // ------------------------------------------------------------------ inbox

  /** Idempotent by notification id: a redelivered event writes nothing new. */
  putNotification = (n: Notification) => inbox.putNotification(this.ctx, n);
  /** Several inboxes (a user's and a group's) read as one, newest first. */
  listInbox = (recipients: string | readonly string[], p: PageRequest): Promise<Page<Notification>> =>
    inbox.listInbox(this.ctx, typeof recipients === 'string' ? [recipients] : recipients, p);
  /** Notification ids embed their time, so the key is found without a lookup. */
  markRead = (recipient: string, at: string, id: string) => inbox.markRead(this.ctx, recipient, at, id);
}
