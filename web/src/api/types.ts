/**
 * What the API answers, as the console reads it. Entity shapes come from the
 * domain (type-only imports: nothing of the server enters the bundle); the
 * views drop storage fields, and the v2 contract adds a match's context
 * (sme, provider, offering, need), optional here until every API serves it.
 */
import type { ProjectId, ProviderKind, ServiceTypeId } from '#domain/catalog.ts';
import type { Capacity, Match, Need, NeedSummary, Notification, Offering, OfferingSummary, Provider, ProviderSummary, Sme, SmeSummary } from '#domain/model.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Named {
  zh: string;
  en: string;
}

export interface Catalog {
  version: string;
  projects: Array<Named & { id: ProjectId; serviceTypes: Array<Named & { id: ServiceTypeId }> }>;
  providerKinds: Array<Named & { id: ProviderKind }>;
}

export type SmeView = Omit<Sme, 'version'>;
export type ProviderView = Omit<Provider, 'version'>;
export type OfferingView = Omit<Offering, 'version' | 'ownerSub'>;
export type NeedView = Omit<Need, 'version' | 'recheckAt' | 'claim'>;
export type CapacityView = Omit<Capacity, 'offeringId'> & { offeringId?: string };
export type NotificationView = Omit<Notification, 'recipientSub' | 'type'> & {
  /** v2 adds types beyond the v1 list; an unknown one is shown generically. */
  type: Notification['type'] | (string & {});
  title?: string;
  body?: string;
};

/** The context on a match (who and what, without extra look-ups): the API's own summary types. */
export interface MatchContext {
  sme: SmeSummary;
  provider: ProviderSummary;
  offering: OfferingSummary;
  need: NeedSummary;
}

export type MatchView = Omit<Match, 'version' | 'smeOwnerSub' | 'providerOwnerSub'> & Partial<MatchContext>;

/** A row of GET /v1/analytics/markets (functions/usecases/analytics.ts MarketRow). */
export interface MarketRow {
  serviceType: ServiceTypeId;
  province?: string;
  waiting: number;
  proposed: number;
  confirmed: number;
  completed: number;
  capacity: number;
  used: number;
  medianHoursToMatch: number | null;
}
