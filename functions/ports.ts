/**
 * The narrow ports handlers and use cases depend on. AWS and the local
 * runtime each provide their own implementations; tests pass their own.
 */
import type { AppEvent } from '#events/contracts.ts';

/** Publishes events; resolves only when every entry was accepted, throws otherwise. */
export interface EventPublisher {
  publish(events: readonly AppEvent[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
