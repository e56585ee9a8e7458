/**
 * What the API answers, as the console reads it. Entity shapes come from the
 * domain (type-only imports: nothing of the server enters the bundle); the
 * views drop storage fields, and the v2 contract adds a match's context
 * (sme, provider, offering, need), optional here until every API serves it.
 */
import type { ProjectId, ProviderKind, ServiceTypeId } from '#domain/catalog.ts';
import type { RegisterImport } from '#domain/imports.ts';
import type { KpiReport } from '#domain/kpis.ts';
import type { LedgerTotals, Programme, Voucher, VoucherStatus } from '#domain/vouchers.ts';
import type { Tier } from '#domain/model.ts';
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

// --- Operator console (onboarding, imports, vouchers, KPIs) ---

/** GET /v1/imports/{id} (functions/http/views.ts importView). */
export type ImportView = Omit<RegisterImport, 'version' | 'nextRow' | 'fileParts' | 'fingerprint' | 'ownerSub'>;
/** A voucher programme with its ledger (views.ts programmeView). */
export type ProgrammeView = Omit<Programme, 'pending' | 'returns'> & LedgerTotals;
/** An SME as operators read it (views.ts smeView): the verified tier in `tier`, the suspension or null. */
export type OperatorSmeView = Omit<SmeView, 'suspension'> & {
  tier: Tier;
  suspended: boolean;
  suspension: { reason: string; at: string; by?: string } | null;
};
export type { KpiReport };

// --- SME and provider console (profiles, vouchers, settlements) ---

/** An SME as its owner reads it (views.ts smeView): `tier` is the verified tier, `declaredTier` what it said. */
export type OwnSmeView = Omit<SmeView, 'tier' | 'tierVerification' | 'suspension'> & {
  tier: Tier;
  declaredTier: Tier;
  tierVerification: { source: 'REGISTER' | 'OPERATOR' | null; validUntil?: string; batch?: string };
  verified: { sizeClass: boolean; weakFoundation: boolean };
  suspension: { reason: string; at: string } | null;
};
/** views.ts voucherView: HELD while anything is held, REDEEMED once spent to nothing. */
export type VoucherView = Omit<Voucher, 'smeOwnerSub' | 'ended' | 'returnPending' | 'status'> & { status: VoucherStatus };
/** GET /v1/providers/{id}/settlements?period= */
export interface SettlementView {
  items: Array<{ voucherId: string; matchId: string; amount: number; redeemedAt: string }>;
  total: number;
}
