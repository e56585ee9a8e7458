/**
 * The one-table store. Every access pattern of the design by key or index,
 * never Scan; whole-item writes guarded by a version (optimistic concurrency),
 * each state change written together with its events (the outbox in the
 * item); the capacity ledger as single-item conditional updates.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#domain/errors.ts';
import type { Capacity, Match, MatchStatus, Need, Notification, Offering, Provider, Sme } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import { CursorCodec } from './cursor.ts';
import {
  allPk,
  capacityKey,
  expiryPk,
  idempotencyKey,
  inboxPk,
  marketPk,
  matchKey,
  matchKeys,
  needKey,
  needKeys,
  needPk,
  notificationKey,
  notificationKeys,
  offeringKey,
  offeringKeys,
  offeringPk,
  ownerPk,
  providerKey,
  providerKeys,
  providerPk,
  smeKey,
  smeKeys,
  smePk,
  statusPk,
  type Keys,
} from './keys.ts';
import { projectionOf, TABLE, type IndexName } from './table.ts';

/** The entity kinds the store persists as whole, versioned items. */
export interface Entities {
  provider: Provider;
  offering: Offering;
  sme: Sme;
  need: Need;
  match: Match;
}
export type Kind = keyof Entities;

/** An entity as loaded: with the events of its outbox not yet published. */
export type Stored<T> = T & { pendingEvents?: AppEvent[] };

const KEYS: { [K in Kind]: (e: Entities[K]) => Keys } = {
  provider: providerKeys,
  offering: offeringKeys,
  sme: smeKeys,
  need: needKeys,
  match: matchKeys,
};
const PRIMARY: { [K in Kind]: (id: string) => { pk: string; sk: string } } = {
  provider: providerKey,
  offering: offeringKey,
  sme: smeKey,
  need: needKey,
  match: matchKey,
};

/** The entity alone, without the outbox it was loaded with (the store carries pending events over on save). */
export function entityOf<T extends object>(e: Stored<T>): T {
  const { pendingEvents: _pending, ...rest } = e as T & { pendingEvents?: unknown };
  return rest as T;
}

/** Attributes that belong to the table, never to the entity. */
const STORAGE_ATTRS = new Set(['pk', 'sk', 'type', 'ttl', ...Object.values(TABLE.indexes).flatMap((i) => [i.partitionKey, i.sortKey])]);

function fromItem<T>(item: Record<string, unknown>): Stored<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!STORAGE_ATTRS.has(k)) out[k] = v;
  return out as Stored<T>;
}

/** Outbox index shards: spreads relay reads, keeps each partition small. */
const OUTBOX_SHARDS = 4;
function outboxShard(pk: string): number {
  let h = 0;
  for (let i = 0; i < pk.length; i++) h = (h * 31 + pk.charCodeAt(i)) | 0;
  return Math.abs(h) % OUTBOX_SHARDS;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export type ClaimResult = 'claimed' | 'already-held' | 'full';

export interface PendingItem {
  key: { pk: string; sk: string };
  version: number;
  events: AppEvent[];
}

export interface IdempotencyRecord {
  requestHash: string;
  resultId: string;
  expiresAt: number;
}

/** Where a write's consumed capacity goes (benchmarks); absent in production. */
export interface CapacityMeter {
  add(kind: 'read' | 'write', units: number): void;
}

/**
 * A save lost an optimistic-concurrency race: a 409 to a caller, and for a
 * use case the signal to read again and retry.
 */
export class StaleWrite extends Conflict {}

export function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export class Store {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    cursorSecret: string,
    private readonly meter?: CapacityMeter,
  ) {
    this.cursors = new CursorCodec(cursorSecret);
  }

  // ------------------------------------------------------------------ entities

  async get<K extends Kind>(kind: K, id: string, consistent = false): Promise<Stored<Entities[K]> | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: PRIMARY[kind](id), ConsistentRead: consistent, ...this.rcc() }),
    );
    this.meterRead(res.ConsumedCapacity?.CapacityUnits);
    return res.Item ? fromItem<Entities[K]>(res.Item) : undefined;
  }

  async batchGet<K extends Kind>(kind: K, ids: readonly string[]): Promise<Map<string, Stored<Entities[K]>>> {
    const items = await this.batchGetRaw([...new Set(ids)].map((id) => PRIMARY[kind](id)));
    return new Map(items.map((item) => [item.id as string, fromItem<Entities[K]>(item)]));
  }

  /**
   * Every item of these keys that exists, in no particular order: chunks of
   * 100 (the API's limit), retrying what DynamoDB leaves unprocessed under
   * load, with backoff.
   */
  private async batchGetRaw(keys: readonly Record<string, unknown>[], consistent = false): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchGetItem kept leaving keys unprocessed');
        if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 1000));
        const res: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } }, ...this.rcc() }),
        );
        for (const c of res.ConsumedCapacity ?? []) this.meterRead(c.CapacityUnits);
        out.push(...(res.Responses?.[this.tableName] ?? []));
        pending = res.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return out;
  }

  /**
   * Writes a new entity with its events. Fails with Conflict if the id exists.
   */
  async create<K extends Kind>(kind: K, entity: Entities[K], events: readonly AppEvent[] = []): Promise<void> {
    await this.write(kind, entity, events, { create: true });
  }

  /**
   * Replaces an entity whose stored version is `prev.version` with `next`
   * (next.version must be prev.version + 1), appending `events` to whatever
   * the outbox still holds. Throws Conflict when someone else changed it first.
   */
  async save<K extends Kind>(kind: K, prev: Stored<Entities[K]>, next: Entities[K], events: readonly AppEvent[] = []): Promise<void> {
    const pv = (prev as { version: number }).version;
    if ((next as { version: number }).version !== pv + 1) throw new Error('save: next.version must be prev.version + 1');
    await this.write(kind, next, [...(prev.pendingEvents ?? []), ...events], { expectedVersion: pv });
  }

  private async write<K extends Kind>(
    kind: K,
    entity: Entities[K],
    pending: readonly AppEvent[],
    guard: { create: true } | { expectedVersion: number },
  ): Promise<void> {
    const keys = KEYS[kind](entity);
    const item: Record<string, unknown> = { ...entity, ...keys, type: kind };
    delete item.pendingEvents;
    if (pending.length > 0) {
      item.pendingEvents = pending;
      item.outboxPk = `OUTBOX#${outboxShard(keys.pk!)}`;
      item.outboxSk = `${pending[0]!.detail.occurredAt}#${keys.pk}`;
    }
    const cond =
      'create' in guard
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': guard.expectedVersion } };
    try {
      const res = await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...cond, ...this.rcc() }));
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
    } catch (e) {
      if (isConditionFailure(e)) {
        if ('create' in guard) throw new Conflict(`${kind} already exists`);
        throw new StaleWrite(`${kind} was changed by someone else; read it again and retry`);
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ lists

  /**
   * The items behind a KEYS_ONLY index's entries, in the entries' order. An
   * index lags its table a little, so `keep` drops items whose current state
   * no longer belongs to the list (a need proposed since, a match moved on).
   */
  private async hydrate<T>(entries: Record<string, unknown>[], keep?: (item: Stored<T>) => boolean): Promise<Stored<T>[]> {
    const keyOf = (i: Record<string, unknown>) => `${String(i.pk)}\u0000${String(i.sk)}`;
    const unique = [...new Map(entries.map((e) => [keyOf(e), { pk: e.pk, sk: e.sk }])).values()];
    const found = new Map((await this.batchGetRaw(unique)).map((item) => [keyOf(item), item]));
    const out: Stored<T>[] = [];
    for (const e of entries) {
      const item = found.get(keyOf(e));
      if (!item) continue;
      const v = fromItem<T>(item);
      if (!keep || keep(v)) out.push(v);
    }
    return out;
  }

  private async itemsOf<T>(index: IndexName | null, entries: Record<string, unknown>[], keep?: (item: Stored<T>) => boolean) {
    if (index && projectionOf(index).type === 'KEYS_ONLY') return this.hydrate<T>(entries, keep);
    const items = entries.map((i) => fromItem<T>(i));
    return keep ? items.filter(keep) : items;
  }

  private async queryPage<T>(
    index: IndexName | null,
    pkValue: string,
    opts: PageRequest & { skPrefix?: string; newestFirst?: boolean; keep?: (item: Stored<T>) => boolean },
  ): Promise<Page<Stored<T>>> {
    const scope = `${index ?? 'TABLE'}|${pkValue}|${opts.skPrefix ?? ''}|${opts.newestFirst ? 'desc' : 'asc'}`;
    const input = this.queryInput(index, pkValue, opts.skPrefix);
    input.Limit = opts.limit;
    input.ScanIndexForward = !opts.newestFirst;
    input.ExclusiveStartKey = this.cursors.decode(scope, opts.cursor);
    const res = await this.doc.send(new QueryCommand(input));
    this.meterRead(res.ConsumedCapacity?.CapacityUnits);
    return {
      items: await this.itemsOf<T>(index, res.Items ?? [], opts.keep),
      nextCursor: this.cursors.encode(scope, res.LastEvaluatedKey),
    };
  }

  /** Every item of a partition (internal callers: matcher, analytics, jobs), following pages. */
  private async queryAll<T>(
    index: IndexName | null,
    pkValue: string,
    skPrefix?: string,
    opts: { skBefore?: string; limit?: number; keep?: (item: Stored<T>) => boolean } = {},
  ): Promise<Stored<T>[]> {
    const out: Stored<T>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const input = this.queryInput(index, pkValue, skPrefix, opts.skBefore);
      input.ExclusiveStartKey = start;
      if (opts.limit) input.Limit = opts.limit - out.length;
      const res = await this.doc.send(new QueryCommand(input));
      this.meterRead(res.ConsumedCapacity?.CapacityUnits);
      out.push(...(await this.itemsOf<T>(index, res.Items ?? [], opts.keep)));
      start = res.LastEvaluatedKey;
    } while (start && (!opts.limit || out.length < opts.limit));
    return out;
  }

  private queryInput(index: IndexName | null, pkValue: string, skPrefix?: string, skBefore?: string): QueryCommandInput {
    const names = index ? TABLE.indexes[index] : { partitionKey: TABLE.partitionKey, sortKey: TABLE.sortKey };
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': names.partitionKey },
      ExpressionAttributeValues: { ':pk': pkValue },
      ...this.rcc(),
    };
    if (index) input.IndexName = index;
    if (skPrefix !== undefined || skBefore !== undefined) {
      input.ExpressionAttributeNames!['#sk'] = names.sortKey;
      if (skBefore !== undefined) {
        input.KeyConditionExpression += ' AND #sk < :before';
        input.ExpressionAttributeValues![':before'] = skBefore;
      } else {
        input.KeyConditionExpression += ' AND begins_with(#sk, :prefix)';
        input.ExpressionAttributeValues![':prefix'] = skPrefix;
      }
    }
    return input;
  }

  listProvidersOfOwner = (sub: string, p: PageRequest) => this.queryPage<Provider>('GSI1', ownerPk(sub), { ...p, skPrefix: 'PROVIDER#' });
  listAllProviders = (p: PageRequest) => this.queryPage<Provider>('GSI2', allPk('PROVIDER'), p);
  listSmesOfOwner = (sub: string, p: PageRequest) => this.queryPage<Sme>('GSI1', ownerPk(sub), { ...p, skPrefix: 'SME#' });
  listAllSmes = (p: PageRequest) => this.queryPage<Sme>('GSI2', allPk('SME'), p);
  listOfferingsOfProvider = (providerId: string, p: PageRequest) =>
    this.queryPage<Offering>('GSI1', providerPk(providerId), { ...p, skPrefix: 'OFFERING#' });
  listNeedsOfSme = (smeId: string, p: PageRequest) =>
    this.queryPage<Need>('GSI1', smePk(smeId), { ...p, skPrefix: 'NEED#', newestFirst: true });
  listMatchesOfNeed = (needId: string, p: PageRequest) =>
    this.queryPage<Match>('GSI1', needPk(needId), { ...p, skPrefix: 'MATCH#', newestFirst: true });
  listMatchesOfProvider = (providerId: string, p: PageRequest) =>
    this.queryPage<Match>('GSI3', providerPk(providerId), { ...p, newestFirst: true });
  listMatchesOfSme = (smeId: string, p: PageRequest) => this.queryPage<Match>('GSI4', smePk(smeId), { ...p, newestFirst: true });
  listMatchesOfOffering = (offeringId: string, p: PageRequest) =>
    this.queryPage<Match>('GSI7', offeringPk(offeringId), { ...p, newestFirst: true });
  /** The operators' review queue: by status (optionally one market), oldest first unless asked otherwise. */
  listMatchesByStatus = (status: MatchStatus, serviceType: string | undefined, p: PageRequest & { newestFirst?: boolean }) =>
    this.queryPage<Match>(serviceType ? 'GSI6' : 'GSI5', statusPk(status, serviceType), { ...p, keep: (m) => m.status === status });

  /** Matcher: the market's offerings (every status; the caller filters). */
  offeringsOfMarket = (serviceType: string) => this.queryAll<Offering>('GSI2', marketPk(serviceType), 'OFFERING#');
  /** Matcher: the market's waiting needs, oldest first. */
  waitingNeedsOfMarket = (serviceType: string, limit?: number) =>
    this.queryAll<Need>('GSI2', marketPk(serviceType), 'NEED#', { keep: (n) => n.status === 'WAITING', ...(limit ? { limit } : {}) });
  /** Analytics: the market's matches created in a period. */
  matchesOfMarketInPeriod = (serviceType: string, period: string) =>
    this.queryAll<Match>('GSI2', marketPk(serviceType), `MATCH#${period}-`);
  /** Jobs: needs and open matches of a market whose deadline or expiry is before `at` (ISO). */
  async dueInMarket(serviceType: string, at: string, limit = 500): Promise<Array<{ kind: 'need' | 'match'; id: string }>> {
    const input = this.queryInput('EXPIRY', expiryPk(serviceType), undefined, at);
    input.Limit = limit;
    const res = await this.doc.send(new QueryCommand(input));
    this.meterRead(res.ConsumedCapacity?.CapacityUnits);
    // KEYS_ONLY: the table key names the entity (NEED#<id>, MATCH#<id>).
    return (res.Items ?? []).flatMap((i) => {
      const [kind, id] = String(i.pk).split('#', 2) as [string, string];
      return kind === 'NEED' || kind === 'MATCH' ? [{ kind: kind === 'NEED' ? ('need' as const) : ('match' as const), id }] : [];
    });
  }

  // ------------------------------------------------------------------ capacity ledger

  async getCapacity(offeringId: string, period: string): Promise<(Capacity & { claims: string[] }) | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: capacityKey(offeringId, period), ConsistentRead: true, ...this.rcc() }),
    );
    this.meterRead(res.ConsumedCapacity?.CapacityUnits);
    return res.Item ? toCapacity(res.Item) : undefined;
  }

  async batchGetCapacities(offeringIds: readonly string[], period: string): Promise<Map<string, Capacity & { claims: string[] }>> {
    const items = await this.batchGetRaw(
      [...new Set(offeringIds)].map((id) => capacityKey(id, period)),
      true,
    );
    return new Map(items.map((item) => [item.offeringId as string, toCapacity(item)]));
  }

  /**
   * Claims one unit of an offering's capacity in a month for a holder: one
   * conditional UpdateItem, atomic and idempotent per holder. The item is made
   * on first claim with the offering's current monthly limit.
   *
   * The holder is the match (one proposal of one need), not the need: a need
   * whose match expired may be proposed to the same offering again in the
   * same month, and a late or repeated follow-up of the old match must not
   * release the new match's claim.
   */
  async claimCapacity(offeringId: string, period: string, limitIfNew: number, holderId: string): Promise<ClaimResult> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: capacityKey(offeringId, period),
          UpdateExpression: 'SET #limit = if_not_exists(#limit, :limit), offeringId = :oid, #period = :period ADD used :one, claims :holder',
          ConditionExpression:
            '(attribute_not_exists(used) AND :one <= :limit) OR (used < #limit AND NOT contains(claims, :holderId))',
          ExpressionAttributeNames: { '#limit': 'limit', '#period': 'period' },
          ExpressionAttributeValues: {
            ':limit': limitIfNew,
            ':one': 1,
            ':holder': new Set([holderId]),
            ':holderId': holderId,
            ':oid': offeringId,
            ':period': period,
          },
          ...this.rcc(),
        }),
      );
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
      return 'claimed';
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const cap = await this.getCapacity(offeringId, period);
      return cap?.claims.includes(holderId) ? 'already-held' : 'full';
    }
  }

  /** Gives back a holder's claim; false when it held none (so a repeated release changes nothing). */
  async releaseCapacity(offeringId: string, period: string, holderId: string): Promise<boolean> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: capacityKey(offeringId, period),
          UpdateExpression: 'ADD used :minusOne DELETE claims :holder',
          ConditionExpression: 'contains(claims, :holderId)',
          ExpressionAttributeValues: { ':minusOne': -1, ':holder': new Set([holderId]), ':holderId': holderId },
          ...this.rcc(),
        }),
      );
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** A changed monthly capacity applies to the month's ledger if it exists (claims already held stay). */
  async setCapacityLimit(offeringId: string, period: string, limit: number): Promise<void> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: capacityKey(offeringId, period),
          UpdateExpression: 'SET #limit = :limit',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#limit': 'limit' },
          ExpressionAttributeValues: { ':limit': limit },
          ...this.rcc(),
        }),
      );
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  // ------------------------------------------------------------------ outbox

  /** Items whose events are not yet published: each shard's oldest first (consumers never rely on order). */
  async listPending(limitPerShard = 100): Promise<PendingItem[]> {
    const out: PendingItem[] = [];
    for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
      const input = this.queryInput('OUTBOX', `OUTBOX#${shard}`);
      input.Limit = limitPerShard;
      const res = await this.doc.send(new QueryCommand(input));
      this.meterRead(res.ConsumedCapacity?.CapacityUnits);
      for (const i of res.Items ?? []) {
        out.push({ key: { pk: i.pk, sk: i.sk }, version: i.version, events: (i.pendingEvents ?? []) as AppEvent[] });
      }
    }
    return out;
  }

  /**
   * Removes published events from an item's outbox, by event id, without
   * touching its version: a state change racing with this keeps its own
   * events (it re-reads on its version check; at worst an event goes twice).
   * `allPendingAtVersion`: the ids are every event the item held at that
   * version, which lets the common case skip the read.
   */
  async markPublished(key: { pk: string; sk: string }, eventIds: readonly string[], allPendingAtVersion?: number): Promise<void> {
    if (allPendingAtVersion !== undefined) {
      // Fast path: the caller published every event the item held at that version (it wrote them),
      // so one conditional write clears the outbox without reading the item first.
      try {
        const w = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'REMOVE pendingEvents, outboxPk, outboxSk',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': allPendingAtVersion },
            ...this.rcc(),
          }),
        );
        this.meterWrite(w.ConsumedCapacity?.CapacityUnits);
        return;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        // Changed since: remove exactly these ids below.
      }
    }
    const published = new Set(eventIds);
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ...this.rcc() }));
      this.meterRead(res.ConsumedCapacity?.CapacityUnits);
      const item = res.Item;
      if (!item?.pendingEvents) return;
      const rest = (item.pendingEvents as AppEvent[]).filter((e) => !published.has(e.id));
      if (rest.length === item.pendingEvents.length) return;
      const update =
        rest.length === 0
          ? { UpdateExpression: 'REMOVE pendingEvents, outboxPk, outboxSk' }
          : {
              UpdateExpression: 'SET pendingEvents = :rest, outboxSk = :osk',
              ExpressionAttributeValues: { ':rest': rest, ':osk': `${rest[0]!.detail.occurredAt}#${key.pk}` },
            };
      try {
        const w = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            ...update,
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ...(update.ExpressionAttributeValues ?? {}), ':v': item.version },
            ...this.rcc(),
          }),
        );
        this.meterWrite(w.ConsumedCapacity?.CapacityUnits);
        return;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
    // Still pending: the relay publishes it again later. Duplicates are harmless; loss is not.
  }

  // ------------------------------------------------------------------ idempotency

  async getIdempotency(scope: string, key: string, nowEpochS: number): Promise<IdempotencyRecord | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: idempotencyKey(scope, key), ConsistentRead: true, ...this.rcc() }),
    );
    this.meterRead(res.ConsumedCapacity?.CapacityUnits);
    const i = res.Item;
    // dynalite never expires TTL items, and DynamoDB may take a while to: check the expiry here.
    if (!i || (i.ttl as number) <= nowEpochS) return undefined;
    return { requestHash: i.requestHash, resultId: i.resultId, expiresAt: i.ttl };
  }

  /** Stores a record unless a live one exists; returns the live one that won otherwise. */
  async putIdempotency(
    scope: string,
    key: string,
    rec: IdempotencyRecord,
    nowEpochS: number,
  ): Promise<{ stored: true } | { stored: false; existing: IdempotencyRecord }> {
    try {
      const res = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...idempotencyKey(scope, key), type: 'idempotency', requestHash: rec.requestHash, resultId: rec.resultId, ttl: rec.expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowEpochS },
          ...this.rcc(),
        }),
      );
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
      return { stored: true };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.getIdempotency(scope, key, nowEpochS);
      if (!existing) throw new Conflict('idempotency record changed concurrently; retry');
      return { stored: false, existing };
    }
  }

  // ------------------------------------------------------------------ inbox

  /** Idempotent by notification id: a redelivered event writes nothing new. */
  async putNotification(n: Notification): Promise<boolean> {
    try {
      const res = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...n, ...notificationKeys(n), type: 'notification', notificationType: n.type },
          ConditionExpression: 'attribute_not_exists(pk)',
          ...this.rcc(),
        }),
      );
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async listInbox(sub: string, p: PageRequest): Promise<Page<Notification>> {
    const page = await this.queryPage<Notification & { notificationType: Notification['type'] }>(null, inboxPk(sub), {
      ...p,
      skPrefix: 'NOTE#',
      newestFirst: true,
    });
    // `type` is the table's entity-kind attribute, so the notification's own type is stored beside it.
    return {
      nextCursor: page.nextCursor,
      items: page.items.map(({ notificationType, ...n }) => ({ ...n, type: notificationType })),
    };
  }

  /** Notification ids embed their time, so the key is found without a lookup. */
  async markRead(sub: string, at: string, id: string): Promise<boolean> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(sub, at, id),
          UpdateExpression: 'SET #read = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#read': 'read' },
          ExpressionAttributeValues: { ':t': true },
          ...this.rcc(),
        }),
      );
      this.meterWrite(res.ConsumedCapacity?.CapacityUnits);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  // ------------------------------------------------------------------ consumed capacity

  private rcc() {
    return this.meter ? { ReturnConsumedCapacity: 'TOTAL' as const } : {};
  }
  private meterRead(u: number | undefined) {
    if (this.meter && u) this.meter.add('read', u);
  }
  private meterWrite(u: number | undefined) {
    if (this.meter && u) this.meter.add('write', u);
  }
}

function toCapacity(item: Record<string, unknown>): Capacity & { claims: string[] } {
  const claims = item.claims instanceof Set ? [...(item.claims as Set<string>)] : [];
  return {
    offeringId: item.offeringId as string,
    period: item.period as string,
    limit: item.limit as number,
    used: (item.used as number) ?? 0,
    claims,
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

