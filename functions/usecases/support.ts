/**
 * Small shared pieces of the use cases: ids, periods, publishing right after
 * a write, and the ownership rule (another owner's record answers 404).
 */
import { createHash, randomBytes } from 'node:crypto';
import { NotFound } from '#domain/errors.ts';
import type { AppEvent } from '#events/contracts.ts';
import type { AppPorts, Caller } from '#functions/ports.ts';
import type { OutboxRef } from '../store/store.ts';

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;
/** Ids that must come out the same on a retry (idempotent creation). */
export const derivedId = (prefix: string, ...parts: string[]) =>
  `${prefix}_${createHash('sha256').update(parts.join('|')).digest('base64url').slice(0, 22)}`;

export const periodOf = (d: Date) => d.toISOString().slice(0, 7);
export const iso = (d: Date) => d.toISOString();
export const addHours = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);

/**
 * Publishes events a write just stored in an entity's outbox, then clears
 * them there. A failure here loses nothing: the events stay pending and the
 * relay publishes them on its next pass, so the caller's request still succeeds.
 */
export async function publishStored(
  ports: Pick<AppPorts, 'publisher' | 'store' | 'logger'>,
  entity: OutboxRef,
  events: readonly AppEvent[],
  /** The entity's version, when `events` are all it holds pending at that version (what insert/update returned). */
  version?: number,
): Promise<void> {
  if (events.length === 0) return;
  try {
    await ports.publisher.publish(events);
    await ports.store.markPublished(
      entity,
      events.map((e) => e.id),
      version,
    );
  } catch (err) {
    ports.logger.warn('publishing deferred to the outbox relay', {
      error: (err as Error).message,
      eventIds: events.map((e) => e.id),
    });
  }
}

/**
 * Publishes `events` and leaves them in their item's outbox: for events a
 * later write of the same item drops (a need's NeedPosted, dropped by the
 * round that takes the need: matcher.ts `roundTook`), where clearing them
 * now would cost a write for nothing. Whatever is still pending after the
 * relay's grace period goes out again (duplicates are harmless: event ids
 * are fixed by the change, and consumers deduplicate on them).
 */
export async function publishLeavingPending(ports: Pick<AppPorts, 'publisher' | 'logger'>, events: readonly AppEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await ports.publisher.publish(events);
  } catch (err) {
    ports.logger.warn('publishing deferred to the outbox relay', { error: (err as Error).message, eventIds: events.map((e) => e.id) });
  }
}

/** Operators read everything; others only what they own. Absent and foreign look the same. */
export function assertVisible<T extends { ownerSub: string }>(caller: Caller, rec: T | undefined, what: string): T {
  if (!rec || (caller.role !== 'operator' && rec.ownerSub !== caller.sub)) throw new NotFound(`${what} not found`);
  return rec;
}

/** Writes are for the owner only: an operator may read but not act as the owner. */
export function assertOwned<T extends { ownerSub: string }>(caller: Caller, rec: T | undefined, what: string): T {
  if (!rec || rec.ownerSub !== caller.sub) throw new NotFound(`${what} not found`);
  return rec;
}
