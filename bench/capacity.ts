/**
 * DynamoDB consumed capacity for the end-to-end benchmark.
 *
 * Two instruments, both attached from outside the application:
 *
 * - `UnitMeter`, a CapacityMeter for the SDK middleware of
 *   functions/store/metering.ts (installed on the benchmark's client only):
 *   the units dynalite reports for ReturnConsumedCapacity TOTAL on every
 *   successful call. dynalite
 *   reports table units only (no GSI writes) and sizes strings in UTF-16
 *   code units rather than UTF-8 bytes.
 * - `CapacityLedger`, fed by a wrapper around the document client's `send`:
 *   the same reported units broken down by operation and item kind, plus an
 *   ESTIMATE of what DynamoDB would also charge for index writes, by each
 *   index's projection (functions/store/table.ts): an index entry is written
 *   when it appears, disappears or changes key (a key change costs a delete
 *   and a put), or when an attribute it projects changes; each write costs
 *   ceil(entry size / 1 KB) units, the entry being its keys, its projected
 *   attributes and 100 bytes of overhead (DynamoDB's sizing). To know which
 *   entries an item had before a write, the ledger keeps the last state of
 *   every item written through the wrapper (the table starts empty, so it
 *   sees every item's whole history).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CapacityMeter } from '#functions/store/metering.ts';
import { INDEX_NAMES, projectionOf, TABLE, type IndexName } from '#functions/store/table.ts';

export class UnitMeter implements CapacityMeter {
  read = 0;
  write = 0;
  add(kind: 'read' | 'write', units: number): void {
    this[kind] += units;
  }
  snapshot(): { read: number; write: number } {
    return { read: this.read, write: this.write };
  }
}

type Item = Record<string, unknown>;

interface ItemState {
  item: Item;
  size: number;
  /** Index name -> "pk\0sk" of the entry the item has in it. */
  entries: Map<IndexName, string>;
}

export interface OperationUnits {
  /** e.g. "PutItem need", "Query GSI2", "UpdateItem capacity". */
  operation: string;
  calls: number;
  /** Units dynalite reported (table only). */
  read: number;
  write: number;
  /** Estimated index write units caused by these calls (DynamoDB rules). */
  gsiWrite: number;
}

export interface LedgerSnapshot {
  operations: OperationUnits[];
  read: number;
  write: number;
  /** Table write units recomputed with DynamoDB's rules (UTF-8 sizes, max of old and new item). */
  tableWriteEstimate: number;
  gsiWriteEstimate: number;
  gsiWriteByIndex: Partial<Record<IndexName, number>>;
  /** Conditional writes refused: DynamoDB charges them (>= 1 WCU each), ReturnConsumedCapacity does not report them. */
  conditionalFailures: number;
  /** Updates the ledger could not replay exactly (nested paths or functions it does not model); their size is approximate. */
  approximateUpdates: number;
}

const KB = 1024;
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

/** DynamoDB's item size rules, on document-client values (before marshalling). */
function valueSize(v: unknown): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number' || typeof v === 'bigint') {
    const digits = String(v).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/e.*$/i, '').length || 1;
    return 1 + Math.ceil(digits / 2);
  }
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) {
    let s = 0;
    for (const x of v) s += valueSize(x);
    return s;
  }
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueSize(x), 0);
  if (typeof v === 'object') {
    let s = 3;
    for (const [k, x] of Object.entries(v as Item)) if (x !== undefined) s += 1 + Buffer.byteLength(k, 'utf8') + valueSize(x);
    return s;
  }
  return 0;
}

export function itemSize(item: Item): number {
  let s = 0;
  for (const [k, v] of Object.entries(item)) if (v !== undefined) s += Buffer.byteLength(k, 'utf8') + valueSize(v);
  return s;
}

function indexEntries(item: Item): Map<IndexName, string> {
  const out = new Map<IndexName, string>();
  for (const name of INDEX_NAMES) {
    const ix = TABLE.indexes[name];
    const pk = item[ix.partitionKey];
    const sk = item[ix.sortKey];
    if (typeof pk === 'string' && typeof sk === 'string') out.set(name, `${pk}\u0000${sk}`);
  }
  return out;
}

/** What kind of item a key addresses, from the key builders' prefixes (functions/store/keys.ts). */
function kindOf(key: Item | undefined): string {
  const pk = typeof key?.pk === 'string' ? key.pk : '';
  const sk = typeof key?.sk === 'string' ? key.sk : '';
  if (pk.startsWith('OFFERING#') && sk.startsWith('CAPACITY#')) return 'capacity';
  if (pk.startsWith('INBOX#')) return 'notification';
  const prefix = pk.split('#')[0] ?? '';
  return prefix ? prefix.toLowerCase() : 'item';
}

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * Replays an UpdateExpression on the item's last known state: top-level
 * SET (value or if_not_exists), REMOVE, ADD (number or set) and DELETE
 * (set), which is everything the store uses. Anything else leaves the
 * attribute as it was and marks the result approximate.
 */
function applyUpdate(prev: Item, input: Item): { item: Item; exact: boolean } {
  const item: Item = { ...prev };
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const expr = String(input.UpdateExpression ?? '');
  const name = (token: string): string | undefined => {
    const t = token.trim();
    if (/[.[\]]/.test(t)) return undefined;
    return t.startsWith('#') ? names[t] : t;
  };
  let exact = true;
  const clauses = [...expr.matchAll(/\b(SET|REMOVE|ADD|DELETE)\b([\s\S]*?)(?=\b(?:SET|REMOVE|ADD|DELETE)\b|$)/gi)];
  for (const [, kw, body] of clauses) {
    const keyword = kw!.toUpperCase();
    for (const action of splitTop(body ?? '')) {
      if (keyword === 'REMOVE') {
        const n = name(action);
        if (n) delete item[n];
        else exact = false;
        continue;
      }
      if (keyword === 'SET') {
        const m = /^(\S+)\s*=\s*(.+)$/.exec(action);
        const n = m ? name(m[1]!) : undefined;
        const rhs = m?.[2]?.trim() ?? '';
        if (!n) {
          exact = false;
          continue;
        }
        const ine = /^if_not_exists\s*\(\s*([^,]+),\s*(:\w+)\s*\)$/.exec(rhs);
        if (rhs.startsWith(':') && rhs in values) item[n] = values[rhs];
        else if (ine && ine[2]! in values) {
          const target = name(ine[1]!);
          if (target && item[target] === undefined) item[n] = values[ine[2]!];
          else if (target && target !== n) item[n] = item[target];
        } else exact = false;
        continue;
      }
      const m = /^(\S+)\s+(:\w+)$/.exec(action);
      const n = m ? name(m[1]!) : undefined;
      const v = m ? values[m[2]!] : undefined;
      if (!n || v === undefined) {
        exact = false;
        continue;
      }
      const cur = item[n];
      if (keyword === 'ADD' && typeof v === 'number') item[n] = (typeof cur === 'number' ? cur : 0) + v;
      else if (keyword === 'ADD' && v instanceof Set) item[n] = new Set([...(cur instanceof Set ? cur : []), ...v]);
      else if (keyword === 'DELETE' && v instanceof Set && cur instanceof Set) {
        const next = new Set([...cur].filter((x) => !v.has(x)));
        if (next.size > 0) item[n] = next;
        else delete item[n];
      } else exact = false;
    }
  }
  return { item, exact };
}

interface Sendable {
  input: Item;
  constructor: { name: string };
}

export class CapacityLedger {
  private readonly items = new Map<string, ItemState>();
  private ops = new Map<string, OperationUnits>();
  private tableWriteEstimate = 0;
  private gsiWriteEstimate = 0;
  private gsiByIndex: Partial<Record<IndexName, number>> = {};
  private conditionalFailures = 0;
  private approximateUpdates = 0;

  /** Starts the measured window: counters to zero, item states kept. */
  reset(): void {
    this.ops = new Map();
    this.tableWriteEstimate = 0;
    this.gsiWriteEstimate = 0;
    this.gsiByIndex = {};
    this.conditionalFailures = 0;
    this.approximateUpdates = 0;
  }

  snapshot(): LedgerSnapshot {
    const operations = [...this.ops.values()].map((o) => ({ ...o })).sort((a, b) => b.write + b.gsiWrite - (a.write + a.gsiWrite) || b.read - a.read);
    return {
      operations,
      read: operations.reduce((s, o) => s + o.read, 0),
      write: operations.reduce((s, o) => s + o.write, 0),
      tableWriteEstimate: this.tableWriteEstimate,
      gsiWriteEstimate: this.gsiWriteEstimate,
      gsiWriteByIndex: { ...this.gsiByIndex },
      conditionalFailures: this.conditionalFailures,
      approximateUpdates: this.approximateUpdates,
    };
  }

  /**
   * Routes every command of `doc` through the ledger. The store holds this
   * client, so nothing in the application changes; the wrapper only reads
   * the command's input and the response.
   */
  attach(doc: DynamoDBDocumentClient): void {
    const send = doc.send.bind(doc) as (cmd: unknown) => Promise<unknown>;
    const wrapped = async (cmd: Sendable): Promise<unknown> => {
      let res: unknown;
      try {
        res = await send(cmd);
      } catch (e) {
        if ((e as { name?: string })?.name === 'ConditionalCheckFailedException') this.conditionalFailures++;
        throw e;
      }
      this.observe(cmd, res as Item);
      return res;
    };
    (doc as unknown as { send: typeof wrapped }).send = wrapped;
  }

  private op(operation: string): OperationUnits {
    let o = this.ops.get(operation);
    if (!o) {
      o = { operation, calls: 0, read: 0, write: 0, gsiWrite: 0 };
      this.ops.set(operation, o);
    }
    return o;
  }

  private observe(cmd: Sendable, res: Item): void {
    const input = cmd.input;
    const consumed = res.ConsumedCapacity as { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;
    const reported = Array.isArray(consumed)
      ? consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0)
      : (consumed?.CapacityUnits ?? 0);
    switch (cmd.constructor.name) {
      case 'GetCommand': {
        const o = this.op(`GetItem ${kindOf(input.Key as Item)}`);
        o.calls++;
        o.read += reported;
        return;
      }
      case 'BatchGetCommand': {
        const req = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>)[0];
        const o = this.op(`BatchGetItem ${kindOf(req?.Keys?.[0])}`);
        o.calls++;
        o.read += reported;
        return;
      }
      case 'QueryCommand': {
        const o = this.op(`Query ${String(input.IndexName ?? 'table')}`);
        o.calls++;
        o.read += reported;
        return;
      }
      case 'PutCommand': {
        const item = input.Item as Item;
        this.write(`PutItem ${kindOf(item)}`, { pk: item.pk, sk: item.sk }, item, reported);
        return;
      }
      case 'UpdateCommand': {
        const key = input.Key as Item;
        const prev = this.items.get(this.keyOf(key))?.item ?? { ...key };
        const { item, exact } = applyUpdate(prev, input);
        if (!exact) this.approximateUpdates++;
        this.write(`UpdateItem ${kindOf(key)}`, key, item, reported);
        return;
      }
      case 'DeleteCommand': {
        const key = input.Key as Item;
        this.write(`DeleteItem ${kindOf(key)}`, key, undefined, reported);
        return;
      }
      default: {
        const o = this.op(cmd.constructor.name);
        o.calls++;
        o.write += reported;
      }
    }
  }

  private keyOf(key: Item): string {
    return `${String(key.pk)}\u0000${String(key.sk)}`;
  }

  /** Accounts one successful write of `next` (undefined: deleted) over the item's last known state. */
  private write(operation: string, key: Item, next: Item | undefined, reported: number): void {
    const k = this.keyOf(key);
    const prev = this.items.get(k);
    const nextState: ItemState | undefined = next ? { item: next, size: itemSize(next), entries: indexEntries(next) } : undefined;
    const changed = !prev || !nextState || JSON.stringify(prev.item, setsAsArrays) !== JSON.stringify(nextState.item, setsAsArrays);

    let gsi = 0;
    for (const name of INDEX_NAMES) {
      const before = prev?.entries.get(name);
      const after = nextState?.entries.get(name);
      const pb = prev ? projected(name, prev.item) : undefined;
      const pa = nextState ? projected(name, nextState.item) : undefined;
      const projectedChanged = changed && JSON.stringify(pb?.attrs, setsAsArrays) !== JSON.stringify(pa?.attrs, setsAsArrays);
      let units = 0;
      if (before && after) {
        if (before !== after) units = writeUnits(pb!.size) + writeUnits(pa!.size);
        else if (projectedChanged) units = writeUnits(pa!.size);
      } else if (before) units = writeUnits(pb!.size);
      else if (after) units = writeUnits(pa!.size);
      if (units > 0) {
        gsi += units;
        this.gsiByIndex[name] = (this.gsiByIndex[name] ?? 0) + units;
      }
    }
    this.gsiWriteEstimate += gsi;
    this.tableWriteEstimate += writeUnits(Math.max(prev?.size ?? 0, nextState?.size ?? 0));

    if (nextState) this.items.set(k, nextState);
    else this.items.delete(k);

    const o = this.op(operation);
    o.calls++;
    o.write += reported;
    o.gsiWrite += gsi;
  }
}

/** An item's entry in an index: its keys and projected attributes, and the entry's billed size. */
function projected(name: IndexName, item: Item): { attrs: Item; size: number } {
  const ix = TABLE.indexes[name];
  const keys = [TABLE.partitionKey, TABLE.sortKey, ix.partitionKey, ix.sortKey];
  const p = projectionOf(name);
  const names = p.type === 'INCLUDE' ? [...keys, ...p.attributes] : keys;
  const attrs: Item = {};
  for (const n of names) if (item[n] !== undefined) attrs[n] = item[n];
  return { attrs, size: itemSize(attrs) + 100 };
}

function setsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Set ? [...value].sort() : value;
}
