/**
 * Who hears of which event, and what their inbox item says: THE single place
 * that maps an event to notifications. The notifier (usecases/inbox.ts)
 * gathers the context (names, the match as it is now), runs the row of the
 * event's detail type, and writes one inbox item per note; the routing
 * (routing.ts NOTIFIED_EVENTS) is derived from this table's keys, so a row
 * added here is also delivered to the notifier, locally and in AWS.
 *
 * Adding a notification for a new event is one line here:
 *
 *     MatchDelivered: (d, c) => [note('sme', 'MATCH_DELIVERED', { ...about(d, c), autoConfirmAt: c.match?.autoConfirmAt })],
 *
 * - `to` is 'sme' or 'provider' (the detail's `smeOwnerSub` / `providerOwnerSub`
 *   is the recipient: an event that notifies a party carries its owner's sub),
 *   or 'operators' (the operators' shared inbox).
 * - the params are typed by the notification type (domain/notifications/types.ts):
 *   a missing required param does not compile.
 *
 * Data and pure functions only: infra imports routing.ts, which imports this.
 */
import type { MatchContext, NotificationContent, NotificationParams, NotificationType, Party } from '#domain/notifications/types.ts';
import type { DetailOf, DetailType } from './contracts.ts';

/** A party of the event, or the operators' shared inbox. */
export type Audience = Party | 'operators';

export interface Note {
  to: Audience;
  /** The recipient's sub when the detail names it otherwise than `smeOwnerSub`/`providerOwnerSub` (e.g. a provider's `ownerSub`). */
  sub?: string;
  content: NotificationContent;
}

/** The names a notification shows; each absent when the notifier could not find it. */
export interface Names {
  smeName?: string;
  providerName?: string;
  offeringTitle?: string;
}

/**
 * What the notifier gathered for one event: names (from the match's context
 * summaries when it has them, else from the SME, provider and offering
 * records) and the facts of the match as it is when the event is handled
 * (its timers, the feedback). Fields are optional: rows use what they need.
 */
export interface NoteContext {
  names: Names;
  /** AUTO_CONFIRM_DAYS, for the text of an automatic confirmation. */
  autoConfirmDays?: number;
  match?: {
    expiresAt?: string;
    deliverBy?: string;
    autoConfirmAt?: string;
    feedback?: { rating: number; comment?: string };
  };
}

export function note<T extends NotificationType>(to: Audience, type: T, params: NotificationParams[T], sub?: string): Note {
  return { to, ...(sub ? { sub } : {}), content: { type, params } as NotificationContent };
}

/** The service type and the names, as every match notification shows them. */
export function about(d: { serviceType: MatchContext['serviceType'] }, c: NoteContext): MatchContext {
  return { serviceType: d.serviceType, ...c.names };
}

const PARTIES: readonly Party[] = ['sme', 'provider'];
const both = (make: (to: Party) => Note): Note[] => PARTIES.map(make);
const asParty = (by: string | undefined): Party | undefined => (by === 'sme' || by === 'provider' ? by : undefined);
const otherThan = (p: Party): Party => (p === 'sme' ? 'provider' : 'sme');

type Row<K extends DetailType> = (detail: DetailOf<K>, ctx: NoteContext) => Note[];

// prettier-ignore
export const NOTIFY = {
  MatchProposed:  (d, c) => [note('operators', 'MATCH_PROPOSED', { ...about(d, c), expiresAt: c.match?.expiresAt })],
  MatchApproved:  (d, c) => both((to) => note(to, 'MATCH_APPROVED', { ...about(d, c), to, expiresAt: c.match?.expiresAt })),
  // The party who accepted knows it: only the other one is told (and asked to accept too).
  MatchAccepted:  (d, c) => { const by = asParty(d.by); return by ? [note(otherThan(by), 'MATCH_ACCEPTED', { ...about(d, c), to: otherThan(by), expiresAt: c.match?.expiresAt })] : []; },
  MatchConfirmed: (d, c) => both((to) => note(to, 'MATCH_CONFIRMED', { ...about(d, c), to, deliverBy: c.match?.deliverBy })),
  MatchRejected:  (d, c) => both((to) => note(to, 'MATCH_REJECTED', { ...about(d, c), to, reason: d.reason ?? '' })),
  MatchDeclined:  (d, c) => both((to) => note(to, 'MATCH_DECLINED', { ...about(d, c), to, by: asParty(d.by), reason: d.reason })),
  MatchExpired:   (d, c) => both((to) => note(to, 'MATCH_EXPIRED', { ...about(d, c), to })),
  MatchCancelled: (d, c) => both((to) => note(to, 'MATCH_CANCELLED', { ...about(d, c), to, reason: d.reason })),
  // Completed by the system is the auto-confirmation: the SME's silence counted as acceptance, and they should know.
  MatchCompleted: (d, c) => both((to) => (d.by === 'system' ? note(to, 'MATCH_AUTO_CONFIRMED', { ...about(d, c), to, days: c.autoConfirmDays }) : note(to, 'MATCH_COMPLETED', { ...about(d, c), to }))),
  MatchDelivered: (d, c) => [note('sme', 'MATCH_DELIVERED', { ...about(d, c), autoConfirmAt: c.match?.autoConfirmAt })],
  MatchDisputed:  (d, c) => [note('operators', 'MATCH_DISPUTED', { ...about(d, c), reason: d.reason ?? '' })],
  DeliveryDueSoon: (d, c) => [note('provider', 'DELIVERY_DUE_SOON', { ...about(d, c), deliverBy: c.match?.deliverBy ?? '' })],
  DeliveryOverdue: (d, c) => [note('operators', 'DELIVERY_OVERDUE', { ...about(d, c), deliverBy: c.match?.deliverBy ?? '' })],
  FeedbackGiven:  (d, c) => (c.match?.feedback ? [note('provider', 'FEEDBACK_RECEIVED', { ...about(d, c), ...c.match.feedback })] : []),
  ProviderApproved: (d, c) => [note('provider', 'PROVIDER_APPROVED', { providerName: c.names.providerName }, d.ownerSub)],
  ProviderRejected: (d, c) => [note('provider', 'PROVIDER_REJECTED', { providerName: c.names.providerName, reason: d.reason }, d.ownerSub)],
  VoucherIssued:  (d) => [note('sme', 'VOUCHER_ISSUED', { amount: d.amount, programmeName: d.programmeName, serviceTypes: d.serviceTypes, validUntil: d.validUntil })],
  // The balance left is the SME's business: the provider's text names the amount only.
  VoucherRedeemed: (d, c) => both((to) => note(to, 'VOUCHER_REDEEMED', { ...about(d, c), to, amount: d.amount, programmeName: d.programmeName, balance: to === 'sme' ? d.balance : undefined })),
} satisfies { [K in DetailType]?: Row<K> };

export type NotifiedEvent = keyof typeof NOTIFY;
export const NOTIFIED_EVENTS = Object.keys(NOTIFY) as NotifiedEvent[];

export function isNotified(detailType: DetailType): detailType is NotifiedEvent {
  return Object.hasOwn(NOTIFY, detailType);
}

/** The notes of one event; none for a detail type the table does not name. */
export function notesFor(detailType: DetailType, detail: unknown, ctx: NoteContext): Note[] {
  const row = (NOTIFY as Partial<Record<DetailType, (d: unknown, c: NoteContext) => Note[]>>)[detailType];
  return row ? row(detail, ctx) : [];
}
