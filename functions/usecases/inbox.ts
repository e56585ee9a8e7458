/**
 * The inbox: the notifier writes one notification per party for each match
 * event they hear of. A notification's id is derived from the event id and
 * the recipient, so a redelivered event writes nothing new; it also embeds
 * the time, which is the notification's sort key, so marking it read needs
 * no lookup.
 */
import { createHash } from 'node:crypto';
import { NotFound } from '#domain/errors.ts';
import type { Notification, NotificationType } from '#domain/model.ts';
import type { AppEvent, MatchDetail } from '#events/contracts.ts';
import { fromEnvelope } from '#events/envelope.ts';
import { NOTIFIED_EVENTS } from '#events/routing.ts';
import type { AppPorts, Caller, NotifierHandler, Page, PageRequest } from '#functions/ports.ts';

const TYPE_OF: Record<(typeof NOTIFIED_EVENTS)[number], NotificationType> = {
  MatchApproved: 'MATCH_APPROVED',
  MatchConfirmed: 'MATCH_CONFIRMED',
  MatchRejected: 'MATCH_REJECTED',
  MatchDeclined: 'MATCH_DECLINED',
  MatchExpired: 'MATCH_EXPIRED',
  MatchCompleted: 'MATCH_COMPLETED',
};

export function notificationId(at: string, eventId: string, recipientSub: string): string {
  const ms = Date.parse(at).toString(36).padStart(9, '0');
  const h = createHash('sha256').update(`${eventId}|${recipientSub}`).digest('base64url').slice(0, 16);
  return `nt_${ms}${h}`;
}

/** The time a notification id was made for, or undefined if it is not one of ours. */
export function timeOfNotificationId(id: string): string | undefined {
  const m = /^nt_([0-9a-z]{9})[A-Za-z0-9_-]{16}$/.exec(id);
  if (!m) return undefined;
  const ms = parseInt(m[1]!, 36);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export async function notifyParties(ports: Pick<AppPorts, 'store'>, event: AppEvent): Promise<number> {
  const type = TYPE_OF[event.detailType as keyof typeof TYPE_OF];
  if (!type) return 0;
  const d = event.detail as MatchDetail;
  let written = 0;
  for (const recipientSub of new Set([d.smeOwnerSub, d.providerOwnerSub])) {
    const n: Notification = {
      id: notificationId(d.occurredAt, event.id, recipientSub),
      recipientSub,
      type,
      matchId: d.matchId,
      needId: d.needId,
      at: new Date(Date.parse(d.occurredAt)).toISOString(),
      read: false,
    };
    if (await ports.store.putNotification(n)) written++;
  }
  return written;
}

/** The notifier: one EventBridge event in, a notification per party out. */
export async function handleNotification(ports: Pick<AppPorts, 'store'>, envelope: unknown): Promise<void> {
  await notifyParties(ports, fromEnvelope(envelope));
}

/** The notifier Lambda's handler: it writes the inbox and publishes nothing. */
export const notifierHandler =
  (ports: Pick<AppPorts, 'store'>): NotifierHandler =>
  (event) =>
    handleNotification(ports, event);

/** The caller's own notifications, newest first. */
export async function listInbox(ports: Pick<AppPorts, 'store'>, caller: Caller, page: PageRequest): Promise<Page<Notification>> {
  return ports.store.listInbox(caller.sub, page);
}

export async function markRead(ports: Pick<AppPorts, 'store'>, caller: Caller, notificationId: string): Promise<void> {
  const at = timeOfNotificationId(notificationId);
  // The key is the caller's own inbox: someone else's notification id simply is not there.
  if (!at || !(await ports.store.markRead(caller.sub, at, notificationId))) throw new NotFound('notification not found');
}
