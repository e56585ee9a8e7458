/**
 * What callers see of stored entities: storage and bookkeeping fields
 * (outbox, versions, internal timers, other parties' subs) never leave.
 */
import type { Match, Need, Notification, Offering, Provider, Sme } from '#domain/model.ts';
import type { Rendered } from '#domain/notifications/types.ts';
import { declaredTierOf, dayOf, effectiveTier, verifiedFactsOf } from '#domain/verification.ts';
import type { Page, Stored } from '../ports.ts';
import { statusOf } from '#domain/credentials.ts';
import type { RegisterImport } from '#domain/imports.ts';
import { voucherStatus, type LedgerTotals, type Programme, type Voucher } from '#domain/vouchers.ts';
import { rowErrorsInChinese } from './error-language.ts';

/** A provider with its onboarding status; a legacy record without one shows APPROVED (domain/credentials.ts). */
export function providerView(p: Stored<Provider>) {
  const { pendingEvents: _pe, version: _v, ratingSum: _rs, ratedMatchIds: _rm, ...rest } = p;
  return { ...rest, status: statusOf(p) };
}
/** An import's progress: the lock, file layout and next row are bookkeeping. */
/** Row errors are stored as the rules wrote them (English) and worded for the reader here. */
export function importView(i: Stored<RegisterImport>, lang: 'zh' | 'en' = 'en') {
  const { pendingEvents: _pe, version: _v, nextRow: _n, fileParts: _fp, fingerprint: _f, ownerSub: _o, ...rest } = i;
  return lang === 'zh' ? { ...rest, errors: rowErrorsInChinese(rest.errors) } : rest;
}
export function offeringView(o: Stored<Offering>) {
  const { pendingEvents: _pe, version: _v, ownerSub: _o, ...rest } = o;
  return rest;
}
/** Who reads an SME: operators see its history of changes, its owner does not. */
export const audienceOf = (caller: { role: string }): 'owner' | 'operator' => (caller.role === 'operator' ? 'operator' : 'owner');

/**
 * An SME as api.md "Verified facts: SMEs" shows it: `declaredTier` (what it
 * said), `tier` (the verified tier on `now`'s day, what the matcher uses),
 * `tierVerification` (a lapsed one still shows, its `validUntil` past, with
 * `tier` NONE) and `verified`. Operators also see the history of changes to
 * its verified facts and standing (who, when, what); the owner sees why it is
 * suspended, not which operator did it.
 */
export function smeView(s: Stored<Sme>, now: Date, audience: 'owner' | 'operator' = 'owner') {
  const { pendingEvents: _pe, version: _v, tier: _legacy, tierVerification: v, verificationHistory, suspension, ...rest } = s;
  const today = dayOf(now);
  return {
    ...rest,
    declaredTier: declaredTierOf(s),
    tier: effectiveTier(v, today),
    tierVerification: v
      ? { source: v.source, ...(v.validUntil !== undefined ? { validUntil: v.validUntil } : {}), ...(v.batch !== undefined ? { batch: v.batch } : {}) }
      : { source: null },
    verified: verifiedFactsOf(s),
    suspended: suspension !== undefined,
    suspension: suspension ? (audience === 'operator' ? suspension : { reason: suspension.reason, at: suspension.at }) : null,
    ...(audience === 'operator' ? { verificationHistory: verificationHistory ?? [] } : {}),
  };
}
export function needView(n: Stored<Need>) {
  const { pendingEvents: _pe, version: _v, recheckAt: _r, claim: _c, idempotency: _i, waiting, ...rest } = n;
  if (n.status !== 'WAITING') return rest;
  // api.md "Why a need waits": a WAITING need always says why; before its market's
  // first round looked at it, since when it waits and no reasons yet.
  const shown = waiting ?? { since: n.updatedAt, reasons: [] };
  // A suspended SME's needs are out of every round (domain/waiting.ts: then the only reason).
  if (n.sme.suspended) return { ...rest, waiting: { ...shown, reasons: [{ code: 'SUSPENDED' as const, detail: 'sme' }] } };
  return { ...rest, waiting: shown };
}
/** A match as its use case presented it (context and contacts per caller, usecases/match-context.ts); timers' bookkeeping stays inside. */
export function matchView(m: Stored<Match>) {
  const { pendingEvents: _pe, version: _v, smeOwnerSub: _s, providerOwnerSub: _p, nextCheckAt: _n, deliveryAlerts: _a, ratingCounted: _rc, ...rest } = m;
  return rest;
}
/** An inbox item with its text in the reader's language; its params stay inside (they are what the text says). */
export function notificationView({ notification, text }: { notification: Notification; text: Rendered }) {
  const { recipientSub: _r, params: _p, ...rest } = notification;
  return { ...rest, title: text.title, body: text.body };
}

/** A programme with its ledger; allocations and returns in flight are bookkeeping (domain/vouchers.ts). */
export function programmeView(p: Programme & LedgerTotals) {
  const { pending: _p, returns: _r, ...rest } = p;
  return rest;
}
/** A voucher with the status callers see (HELD while anything is held); tombstones and markers stay inside. */
export function voucherView(v: Voucher, nowIso: string) {
  const { smeOwnerSub: _o, ended: _e, returnPending: _rp, status: _s, ...rest } = v;
  return { ...rest, status: voucherStatus(v, nowIso) };
}

/** A page of a list, each item through its view. */
export function pageView<T, V>(page: Page<T>, view: (item: T) => V) {
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}
