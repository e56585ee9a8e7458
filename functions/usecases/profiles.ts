/**
 * Profile changes as events. A change of an SME or a provider (an owner's
 * edit, a verification, a new rating) writes SmeChanged / ProviderChanged in
 * the profile's outbox. Nothing in this app needs to follow them any more
 * (matches show their parties as they are now: match-context.ts); they are
 * published for integrations that keep a copy of the profiles.
 */
import type { Provider, Sme } from '#domain/model.ts';
import { makeEvent, type AppEvent } from '#events/contracts.ts';

/** The event of an SME's new version (its id is fixed by that version: a retried write announces it once). */
export function smeChangedEvent(s: Sme): AppEvent<'SmeChanged'> {
  return makeEvent('SmeChanged', s.id, s.version, { smeId: s.id, occurredAt: s.updatedAt });
}

export function providerChangedEvent(p: Provider): AppEvent<'ProviderChanged'> {
  return makeEvent('ProviderChanged', p.id, p.version, { providerId: p.id, occurredAt: p.updatedAt });
}
