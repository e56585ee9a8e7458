/**
 * The EventBridge envelope. In AWS, EventBridge wraps each PutEvents entry in
 * it (with an id of its own: consumers deduplicate on `detail.eventId`); the
 * local bus builds the same shape so consumers see identical input.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { EVENT_SOURCE, isDetailType, parseDetail, type AppEvent, type DetailType } from './contracts.ts';

export type Envelope = EventBridgeEvent<string, unknown>;

export function toEnvelope(e: AppEvent, opts: { account?: string; region?: string } = {}): Envelope {
  return {
    version: '0',
    id: e.id,
    'detail-type': e.detailType,
    source: EVENT_SOURCE,
    account: opts.account ?? '000000000000',
    time: e.detail.occurredAt,
    region: opts.region ?? 'local',
    resources: [],
    detail: e.detail,
  };
}

/** Validates an incoming envelope back into an application event; throws on anything malformed. */
export function fromEnvelope(raw: unknown): AppEvent {
  const env = raw as Partial<Envelope> | null;
  if (!env || typeof env !== 'object') throw new Error('event is not an object');
  if (env.source !== EVENT_SOURCE) throw new Error(`unexpected event source ${String(env.source)}`);
  const dt = env['detail-type'];
  if (typeof dt !== 'string' || !isDetailType(dt)) throw new Error(`unknown detail-type ${String(dt)}`);
  const detail = parseDetail(dt as DetailType, env.detail);
  return { id: detail.eventId, detailType: dt, detail } as AppEvent;
}
