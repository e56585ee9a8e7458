/**
 * How the items written on every match are stored more compactly than the
 * entities they hold. DynamoDB charges a write unit per started KB of the
 * item (an update: of the larger of the item before and after), so the
 * match, written when proposed and cleared of its event right after, costs
 * one unit per write under 1 KB and two over it (issue 16).
 *
 * Every rule is lossless, `decode(encode(x))` is `x`
 * (tests/unit/store-codec.test.ts), and decoding also reads items written
 * before the rule existed, so nothing stored needs migrating:
 *
 * - a match's score breakdown is a list in a fixed order, not a map with its
 *   field names (~130 B -> ~50 B);
 * - a match's `score` is not stored when it is the breakdown's weight (the
 *   matcher always writes it so), its acceptance flags not while false, its
 *   `createdAt` not while it is its `updatedAt` (until its first change),
 *   and its first history entry not when it is the matcher's proposal at
 *   `createdAt` (every match begins so);
 * - an outbox event that the item itself can rebuild (a need's NeedPosted,
 *   a match's MatchProposed: their details are the item's fixed fields) is
 *   stored as a reference, `<detail type>|<version>`, followed by
 *   `|<occurred at>` unless it occurred when the item was created, instead
 *   of its whole detail (~450 B -> ~20 B). Any other event is stored whole.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HistoryEntry, Match, ScoreBreakdown } from '#domain/model.ts';
import { makeEvent, type AppEvent, type DetailType } from '#events/contracts.ts';

type Item = Record<string, unknown>;

const BREAKDOWN_NUMBERS = ['proximity', 'specialisation', 'reputation', 'price', 'load', 'fit', 'priority', 'weight'] as const;

/** [the eight numbers in BREAKDOWN_NUMBERS' order, then the priority reasons] */
function encodeBreakdown(b: ScoreBreakdown): unknown[] {
  return [...BREAKDOWN_NUMBERS.map((k) => b[k]), ...b.priorityReasons];
}

function decodeBreakdown(stored: unknown): ScoreBreakdown {
  if (!Array.isArray(stored)) return stored as ScoreBreakdown;
  const out = Object.fromEntries(BREAKDOWN_NUMBERS.map((k, i) => [k, stored[i] as number]));
  return { ...out, priorityReasons: stored.slice(BREAKDOWN_NUMBERS.length) as string[] } as ScoreBreakdown;
}

/** The history entry every match begins with: the matcher's proposal, at its creation. */
const proposalEntry = (createdAt: string): HistoryEntry => ({ status: 'PROPOSED', at: createdAt, by: 'system' });

/** A match's fields as stored (the item's keys and outbox are added beside them). */
export function encodeMatch(m: Match): Item {
  const out: Item = { ...m, breakdown: encodeBreakdown(m.breakdown) };
  if (m.score === m.breakdown.weight) delete out.score;
  if (m.smeAccepted === false) delete out.smeAccepted;
  if (m.providerAccepted === false) delete out.providerAccepted;
  if (m.createdAt === m.updatedAt) delete out.createdAt;
  const [first, ...rest] = m.history;
  if (first && isDeepStrictEqual(first, proposalEntry(m.createdAt))) {
    if (rest.length > 0) out.history = rest;
    else delete out.history;
  }
  return out;
}

/** The match an item holds, whether it was written compact or whole. */
export function decodeMatch(item: Item): Item {
  const breakdown = decodeBreakdown(item.breakdown);
  const createdAt = (item.createdAt ?? item.updatedAt) as string;
  const stored = (item.history as HistoryEntry[] | undefined) ?? [];
  // A whole item (written before this rule) still holds its first entry.
  const history = stored[0]?.status === 'PROPOSED' ? stored : [proposalEntry(createdAt), ...stored];
  return {
    ...item,
    createdAt,
    breakdown,
    score: item.score ?? breakdown.weight,
    smeAccepted: item.smeAccepted ?? false,
    providerAccepted: item.providerAccepted ?? false,
    history,
  };
}

/**
 * Events an item can rebuild from its own fields that never change (ids,
 * market, parties, month), and when the item was created (the event's time
 * unless the reference says otherwise).
 */
const CREATED: Partial<Record<DetailType, (item: Item) => unknown>> = {
  NeedPosted: (i) => i.postedAt,
  MatchProposed: (i) => i.createdAt ?? i.updatedAt,
};
const REBUILD: Partial<Record<DetailType, (item: Item, version: number, occurredAt: string) => AppEvent>> = {
  NeedPosted: (i, v, at) =>
    makeEvent('NeedPosted', i.id as string, v, { needId: i.id as string, smeId: i.smeId as string, serviceType: i.serviceType as Match['serviceType'], occurredAt: at }),
  MatchProposed: (i, v, at) =>
    makeEvent('MatchProposed', i.id as string, v, {
      matchId: i.id as string,
      needId: i.needId as string,
      offeringId: i.offeringId as string,
      providerId: i.providerId as string,
      smeId: i.smeId as string,
      smeOwnerSub: i.smeOwnerSub as string,
      providerOwnerSub: i.providerOwnerSub as string,
      serviceType: i.serviceType as Match['serviceType'],
      status: 'PROPOSED',
      period: i.period as string,
      occurredAt: at,
      by: 'system',
    }),
};

/** An outbox entry as stored: the whole event, or a reference the item rebuilds. */
export type StoredEvent = AppEvent | string;

/**
 * The outbox entries to store for `events` of `entity` (at `entity.version`):
 * a reference where rebuilding gives back exactly the event, else the event.
 */
export function encodePending(events: readonly AppEvent[], entity: Item): StoredEvent[] {
  return events.map((e) => {
    const rebuild = REBUILD[e.detailType];
    if (!rebuild) return e;
    // The event was made at some version up to the entity's (carried over by later writes).
    for (let v = entity.version as number; v >= 1; v--) {
      if (isDeepStrictEqual(rebuild(entity, v, e.detail.occurredAt), e)) {
        return e.detail.occurredAt === CREATED[e.detailType]?.(entity) ? `${e.detailType}|${v}` : `${e.detailType}|${v}|${e.detail.occurredAt}`;
      }
    }
    return e;
  });
}

/** The events an item's outbox holds, references rebuilt from the item. */
export function decodePending(stored: readonly StoredEvent[], item: Item): AppEvent[] {
  return stored.map((e) => {
    if (typeof e !== 'string') return e;
    const [type, version, occurredAt] = e.split('|') as [DetailType, string, string | undefined];
    const rebuild = REBUILD[type];
    if (!rebuild) throw new Error(`outbox reference to ${type}, which no item rebuilds`);
    return rebuild(item, Number(version), occurredAt ?? (CREATED[type]!(item) as string));
  });
}

/** Whether an outbox holds references (which need the whole item to read). */
export const holdsReferences = (stored: readonly StoredEvent[] | undefined) => !!stored?.some((e) => typeof e === 'string');
