/**
 * What the bus's two delivery modes (fifo.ts, direct.ts) share: the unit of
 * work they settle, and the host (the LocalBus facade) they report to, which
 * owns the journal, the dead letters and the count of outstanding deliveries.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppHandlers } from '#functions/app.ts';
import type { AppEvent } from '#events/contracts.ts';
import type { Route } from '#events/routing.ts';

export type Consumer = Route['consumer'];
/** The importer is optional: a bus without it (a test's) dead-letters import requests like any delivery that fails. */
export type BusConsumers = Pick<AppHandlers, 'matcher' | 'notifier'> & Partial<Pick<AppHandlers, 'importer' | 'voucherLedger' | 'kpi'>>;
export type BusLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

/** One journal entry's delivery to one consumer: what a done line settles. */
export interface Unit {
  jid: string;
  consumer: Consumer;
}

export interface DeliveryHost {
  readonly logger: BusLogger;
  readonly consumers: BusConsumers;
  /** Attempts per delivery before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Wait before the next attempt, given the attempts made so far (>= 1). */
  backoff(attempts: number): number;
  /** False once the bus is stopping: nothing new starts, nothing is re-queued (the journal keeps it). */
  isOpen(): boolean;
  /** Holds a running delivery, so stopping waits for it. */
  track(delivery: Promise<void>): void;
  /** The delivery succeeded. */
  settle(unit: Unit): Promise<void>;
  /** The delivery failed its last attempt. */
  deadLetter(unit: Unit, event: AppEvent, attempts: number, error: string, group?: string): Promise<void>;
}

/** 500 ms doubling, at most 30 s. */
export const defaultBackoff = (attempts: number): number => Math.min(500 * 2 ** (attempts - 1), 30_000);

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
