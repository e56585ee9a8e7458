/**
 * The one table: its key schema and indexes, defined once. The CDK stack,
 * the local runtime and the tests all create the table from this object.
 *
 * Every index is sparse and overloaded: an entity fills only the index keys of
 * the access patterns it serves (see the key builders in ./keys.ts).
 *
 * Projections are chosen for write cost. With ALL, every write of an item
 * rewrites each of its index entries at the item's full size, and a match
 * sits in seven indexes: a proposal would cost ~15 index write units on top
 * of the table's (measured by `npm run bench`). With KEYS_ONLY an index entry
 * is rewritten only when its keys change, and is small; lists then fetch the
 * items by BatchGetItem (eventually consistent reads: 0.5 unit per item up to
 * 4 KB, far cheaper than writes). The outbox index carries what the relay
 * needs, so it reads without a second call.
 */
/**
 * GSI1-7 share one sort-key attribute: an entity sorts the same way in every
 * list it appears in (by creation time, then id), so one attribute serves all
 * its index entries. Fewer attributes make smaller items, and item size is
 * what DynamoDB bills each write by.
 */
const SORT = 'gsisk';

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL removes idempotency records. Code checks it too (dynalite never expires). */
  ttlAttribute: 'ttl',
  indexes: {
    /** Parent -> children: owner's providers/SMEs, provider's offerings, SME's needs, need's matches. */
    GSI1: { partitionKey: 'gsi1pk', sortKey: SORT },
    /** Markets: offerings and waiting needs of a service type; all providers/SMEs; voucher programmes. */
    GSI2: { partitionKey: 'gsi2pk', sortKey: SORT },
    /** Matches of a provider. */
    GSI3: { partitionKey: 'gsi3pk', sortKey: SORT },
    /** Matches of an SME. */
    GSI4: { partitionKey: 'gsi4pk', sortKey: SORT },
    /** Review queue: matches by status, by time. */
    GSI5: { partitionKey: 'gsi5pk', sortKey: SORT },
    /** Review queue by status and service type, by time. */
    GSI6: { partitionKey: 'gsi6pk', sortKey: SORT },
    /** Outbox: items with events not yet published (present only while pendingEvents is non-empty). */
    OUTBOX: { partitionKey: 'outboxPk', sortKey: 'outboxSk', include: ['pendingEvents', 'version'] },
    /** Deadlines: needs by deadline, open matches by expiry, per service type. */
    EXPIRY: { partitionKey: 'expiryPk', sortKey: 'expirySk' },
  },
} as const;

export type IndexName = keyof typeof TABLE.indexes;

/** The projection of an index: KEYS_ONLY unless it lists attributes to include. */
export function projectionOf(name: IndexName): { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] } {
  const ix = TABLE.indexes[name] as { include?: readonly string[] };
  return ix.include ? { type: 'INCLUDE', attributes: ix.include } : { type: 'KEYS_ONLY' };
}
export const INDEX_NAMES = Object.keys(TABLE.indexes) as IndexName[];

/** All key attributes are strings. */
export function keyAttributeNames(): string[] {
  const names = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const ix of Object.values(TABLE.indexes)) {
    names.add(ix.partitionKey);
    names.add(ix.sortKey);
  }
  return [...names];
}

/** The CreateTable input for DynamoDB/dynalite (on-demand). CDK builds its own from TABLE. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyAttributeNames().map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: INDEX_NAMES.map((IndexName) => ({
      IndexName,
      KeySchema: [
        { AttributeName: TABLE.indexes[IndexName].partitionKey, KeyType: 'HASH' as const },
        { AttributeName: TABLE.indexes[IndexName].sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: projectionInput(IndexName),
    })),
  };
}

function projectionInput(name: IndexName) {
  const p = projectionOf(name);
  return p.type === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...p.attributes] }
    : { ProjectionType: 'KEYS_ONLY' as const };
}
