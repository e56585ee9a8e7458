/**
 * What callers see of stored entities: storage and bookkeeping fields
 * (outbox, versions, internal timers, other parties' subs) never leave.
 */
import type { Match, Need, Notification, Offering, Provider, Sme } from '#domain/model.ts';
import type { Page, Stored } from '../ports.ts';

export function providerView(p: Stored<Provider>) {
  const { pendingEvents: _pe, version: _v, ...rest } = p;
  return rest;
}
export function offeringView(o: Stored<Offering>) {
  const { pendingEvents: _pe, version: _v, ownerSub: _o, ...rest } = o;
  return rest;
}
export function smeView(s: Stored<Sme>) {
  const { pendingEvents: _pe, version: _v, ...rest } = s;
  return rest;
}
export function needView(n: Stored<Need>) {
  const { pendingEvents: _pe, version: _v, recheckAt: _r, claim: _c, ...rest } = n;
  return rest;
}
export function matchView(m: Stored<Match>) {
  const { pendingEvents: _pe, version: _v, smeOwnerSub: _s, providerOwnerSub: _p, ...rest } = m;
  return rest;
}
export function notificationView(n: Notification) {
  const { recipientSub: _r, ...rest } = n;
  return rest;
}

/** A page of a list, each item through its view. */
export function pageView<T, V>(page: Page<T>, view: (item: T) => V) {
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}
