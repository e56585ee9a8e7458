/**
 * What a notification says, as data: its type and the parameters its text
 * needs. The inbox stores these and renders the text when it is read, in the
 * reader's language (a `?lang` or `Accept-Language` decided per request), so
 * a stored item is never frozen in one language.
 *
 * Params are typed per type: a template that uses a field the type does not
 * carry, or a caller that omits a required one, fails to compile. Names are
 * optional wherever the sender may not have them at hand; the templates then
 * say "a service provider" rather than print a blank.
 */
import type { ServiceTypeId } from '../catalog.ts';

export const NOTIFICATION_TYPES = [
  'MATCH_PROPOSED',
  'MATCH_APPROVED',
  'MATCH_ACCEPTED',
  'MATCH_CONFIRMED',
  'MATCH_REJECTED',
  'MATCH_DECLINED',
  'MATCH_EXPIRED',
  'MATCH_CANCELLED',
  'MATCH_DELIVERED',
  'MATCH_COMPLETED',
  'MATCH_AUTO_CONFIRMED',
  'MATCH_DISPUTED',
  'FEEDBACK_RECEIVED',
  'DELIVERY_DUE_SOON',
  'DELIVERY_OVERDUE',
  'PROVIDER_APPROVED',
  'PROVIDER_REJECTED',
  'VOUCHER_ISSUED',
  'VOUCHER_REDEEMED',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** A party of a match. Types sent to both parties say which one reads them: the wording differs. */
export type Party = 'sme' | 'provider';

/** ISO 8601: a date (`2026-11-30`) or a UTC instant (`2026-11-30T08:00:00.000Z`). */
export type IsoTime = string;

/** What every match notification can name. Amounts are whole CNY. */
export interface MatchContext {
  serviceType: ServiceTypeId;
  smeName?: string;
  providerName?: string;
  offeringTitle?: string;
}

export interface NotificationParams {
  /** To operators: a proposal waits in the review queue. `expiresAt`: when it lapses unreviewed. */
  MATCH_PROPOSED: MatchContext & { expiresAt?: IsoTime };
  /** To each party: an operator approved the proposal; `expiresAt`: accept by then. */
  MATCH_APPROVED: MatchContext & { to: Party; expiresAt?: IsoTime };
  /** To the party who has not accepted yet: `to` is the reader, the other side accepted. */
  MATCH_ACCEPTED: MatchContext & { to: Party; expiresAt?: IsoTime };
  /** To each party: both accepted; contacts are now visible. `deliverBy`: the delivery deadline. */
  MATCH_CONFIRMED: MatchContext & { to: Party; deliverBy?: IsoTime };
  /** To each party: an operator rejected the proposal; the contract requires the reason. */
  MATCH_REJECTED: MatchContext & { to: Party; reason: string };
  /** To each party: `by` declined (the reader, the other side, or unknown). */
  MATCH_DECLINED: MatchContext & { to: Party; by?: Party; reason?: string };
  /** To each party: nobody acted before the proposal or approval lapsed. */
  MATCH_EXPIRED: MatchContext & { to: Party };
  /** To each party: withdrawn need, or a dispute resolved `CANCELLED` (the operator's note as reason). */
  MATCH_CANCELLED: MatchContext & { to: Party; reason?: string };
  /** To the SME: the provider delivered; `autoConfirmAt`: completed by itself unless the SME acts. */
  MATCH_DELIVERED: MatchContext & { autoConfirmAt?: IsoTime };
  /** To each party: the SME confirmed delivery or an operator resolved the dispute as completed. */
  MATCH_COMPLETED: MatchContext & { to: Party };
  /**
   * To each party, instead of MATCH_COMPLETED when the SME left a delivery
   * alone for `days` (AUTO_CONFIRM_DAYS): the SME should learn that silence
   * counted as acceptance, and that feedback is still open.
   */
  MATCH_AUTO_CONFIRMED: MatchContext & { to: Party; days?: number };
  /** To operators: the SME disputes the delivery; the contract requires the reason. */
  MATCH_DISPUTED: MatchContext & { reason: string };
  /** To the provider: the SME rated the service 1..5. */
  FEEDBACK_RECEIVED: MatchContext & { rating: number; comment?: string };
  /** To the provider: the delivery deadline is near. */
  DELIVERY_DUE_SOON: MatchContext & { deliverBy: IsoTime };
  /** To operators: the delivery deadline passed with nothing delivered. */
  DELIVERY_OVERDUE: MatchContext & { deliverBy: IsoTime };
  /** To the provider: its registration was approved. */
  PROVIDER_APPROVED: { providerName?: string };
  /** To the provider: its registration was refused. */
  PROVIDER_REJECTED: { providerName?: string; reason?: string };
  /** To the SME: a voucher was issued; `amount` is its face value. */
  VOUCHER_ISSUED: { amount: number; programmeName?: string; serviceTypes?: readonly ServiceTypeId[]; validUntil?: IsoTime };
  /** To each party: a held voucher amount was redeemed on completion; `balance` is what the SME has left. */
  VOUCHER_REDEEMED: MatchContext & { to: Party; amount: number; programmeName?: string; balance?: number };
}

// The list and the params map must name the same types: adding one to either alone fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: Same<keyof NotificationParams, NotificationType> = true;
void sameTypes;

export interface Rendered {
  title: string;
  body: string;
}

/** One language's templates: every type, each taking exactly its params. */
export type Templates = { [T in NotificationType]: (params: NotificationParams[T]) => Rendered };

/** A notification as data, e.g. as the inbox stores it. */
export type NotificationContent = { [T in NotificationType]: { type: T; params: NotificationParams[T] } }[NotificationType];
