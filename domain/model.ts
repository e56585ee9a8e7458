/**
 * Entities of the platform and the zod schemas of what callers may send.
 * Input schemas are strict (unknown keys refused: a body carrying `status`,
 * `ownerSub`, `rating`, `score` or `used` is a mass-assignment attempt, not a
 * typo to ignore). Types derive from the schemas. zod/mini keeps each Lambda
 * bundle small (the full zod build alone is ~450 KB minified).
 */
import * as z from 'zod/mini';
import { PROVIDER_KINDS, SERVICE_TYPE_IDS, type ServiceTypeId, type ProviderKind } from './catalog.ts';
import { PROVINCE_CODES, isCountryCode, isLanguageTag, type ProvinceCode } from './regions.ts';

// ---------------------------------------------------------------- primitives
// Control characters (other than tab and newlines) have no place in names and descriptions people read.
const NO_CONTROL = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
const text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(NO_CONTROL, 'must not contain control characters'));
export const province = z.enum(PROVINCE_CODES);
export const serviceType = z.enum(SERVICE_TYPE_IDS);
export const providerKind = z.enum(PROVIDER_KINDS);
export const country = z.string().check(z.refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'));
export const language = z.string().check(z.refine(isLanguageTag, 'must be a canonical BCP 47 language tag, e.g. "zh-CN"'));
const uniqueList = <T extends z.ZodMiniType<string>>(item: T, max: number) =>
  z.array(item).check(
    z.maxLength(max),
    z.refine((xs) => new Set(xs).size === xs.length, 'must not repeat an entry'),
  );
/** Whole CNY. */
export const money = z.int().check(z.minimum(0), z.maximum(1_000_000_000));
export const period = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM'));
export const isoDate = z.iso.date();

export const SIZE_CLASSES = ['MEDIUM', 'SMALL', 'MICRO'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];
export const TIERS = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const;
export type Tier = (typeof TIERS)[number];
export const sizeClass = z.enum(SIZE_CLASSES);
export const tier = z.enum(TIERS);

// ---------------------------------------------------------------- providers
export const CreateProviderBody = z.strictObject({
  name: text(200),
  kind: providerKind,
  regions: uniqueList(province, 31).check(z.minLength(1)),
  languages: uniqueList(language, 20).check(z.minLength(1)),
  certifications: uniqueList(text(100), 50),
  description: z.optional(text(2000)),
});
export type CreateProviderBody = z.infer<typeof CreateProviderBody>;

export interface Provider {
  id: string;
  ownerSub: string;
  name: string;
  kind: ProviderKind;
  regions: ProvinceCode[];
  languages: string[];
  certifications: string[];
  description?: string;
  /** Mean SME feedback, 1..5; null until the first feedback. */
  rating: number | null;
  ratingCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

// ---------------------------------------------------------------- offerings
export const OFFERING_STATUSES = ['ACTIVE', 'PAUSED'] as const;
export type OfferingStatus = (typeof OFFERING_STATUSES)[number];

export const Eligibility = z.strictObject({
  sizeClasses: z.optional(uniqueList(sizeClass, 3).check(z.minLength(1))),
  tiers: z.optional(uniqueList(tier, 4).check(z.minLength(1))),
});
export type Eligibility = z.infer<typeof Eligibility>;

const offeringFields = {
  title: text(200),
  regions: uniqueList(province, 31),
  remote: z.boolean(),
  markets: z.optional(uniqueList(country, 60)),
  languages: uniqueList(language, 20).check(z.minLength(1)),
  capacityPerMonth: z.int().check(z.minimum(0), z.maximum(100_000)),
  priceMin: z.optional(money),
  priceMax: z.optional(money),
  publicWelfare: z.boolean(),
  eligibility: z.optional(Eligibility),
  leadTimeDays: z.int().check(z.minimum(0), z.maximum(365)),
};

const priceRangeOk = (o: { priceMin?: number | undefined; priceMax?: number | undefined }) =>
  o.priceMin === undefined || o.priceMax === undefined || o.priceMin <= o.priceMax;

export const CreateOfferingBody = z
  .strictObject({ serviceType, ...offeringFields })
  .check(
    z.refine(priceRangeOk, { message: 'priceMin must not exceed priceMax', path: ['priceMin'] }),
    z.refine((o) => o.remote || o.regions.length > 0, {
      message: 'an offering that is not remote must serve at least one province',
      path: ['regions'],
    }),
  );
export type CreateOfferingBody = z.infer<typeof CreateOfferingBody>;

/** serviceType is fixed for life: it decides the market (and the matcher's message group). */
export const PatchOfferingBody = z
  .strictObject({
    title: z.optional(offeringFields.title),
    regions: z.optional(offeringFields.regions),
    remote: z.optional(offeringFields.remote),
    markets: offeringFields.markets,
    languages: z.optional(offeringFields.languages),
    capacityPerMonth: z.optional(offeringFields.capacityPerMonth),
    priceMin: offeringFields.priceMin,
    priceMax: offeringFields.priceMax,
    publicWelfare: z.optional(offeringFields.publicWelfare),
    eligibility: offeringFields.eligibility,
    leadTimeDays: z.optional(offeringFields.leadTimeDays),
    status: z.optional(z.enum(OFFERING_STATUSES)),
  })
  .check(
    z.refine((o) => Object.keys(o).length > 0, 'must change at least one field'),
    // Only the range within the patch can be checked here; the handler checks the merged offering.
    z.refine(priceRangeOk, { message: 'priceMin must not exceed priceMax', path: ['priceMin'] }),
  );
export type PatchOfferingBody = z.infer<typeof PatchOfferingBody>;

export interface Offering {
  id: string;
  providerId: string;
  ownerSub: string;
  serviceType: ServiceTypeId;
  title: string;
  regions: ProvinceCode[];
  remote: boolean;
  markets: string[];
  languages: string[];
  capacityPerMonth: number;
  priceMin?: number;
  priceMax?: number;
  publicWelfare: boolean;
  eligibility: Eligibility;
  leadTimeDays: number;
  status: OfferingStatus;
  createdAt: string;
  updatedAt: string;
  version: number;
}

// ---------------------------------------------------------------- SMEs
export const Region = z.strictObject({ province, city: z.optional(text(100)) });
export type Region = z.infer<typeof Region>;

export const CreateSmeBody = z.strictObject({
  name: text(200),
  sizeClass,
  tier,
  industry: text(100),
  region: Region,
  weakFoundation: z.optional(z.boolean()),
});
export type CreateSmeBody = z.infer<typeof CreateSmeBody>;

export interface Sme {
  id: string;
  ownerSub: string;
  name: string;
  sizeClass: SizeClass;
  tier: Tier;
  industry: string;
  region: Region;
  weakFoundation: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What the matcher needs of an SME, copied onto each need when it is posted. */
export interface SmeProfile {
  sizeClass: SizeClass;
  tier: Tier;
  region: Region;
  weakFoundation: boolean;
}

// ---------------------------------------------------------------- needs
export const NEED_STATUSES = ['WAITING', 'PROPOSED', 'MATCHED', 'FULFILLED', 'WITHDRAWN', 'EXPIRED'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export const CreateNeedBody = z.strictObject({
  serviceType,
  description: text(4000),
  remoteOk: z.boolean(),
  languages: z.optional(uniqueList(language, 20)),
  markets: z.optional(uniqueList(country, 60)),
  budgetMax: z.optional(money),
  deadline: isoDate,
});
export type CreateNeedBody = z.infer<typeof CreateNeedBody>;

export interface Need {
  id: string;
  smeId: string;
  ownerSub: string;
  serviceType: ServiceTypeId;
  description: string;
  remoteOk: boolean;
  languages: string[];
  markets: string[];
  budgetMax?: number;
  /** YYYY-MM-DD; the need expires at the end of that day (UTC). */
  deadline: string;
  status: NeedStatus;
  sme: SmeProfile;
  postedAt: string;
  updatedAt: string;
  version: number;
  /** The match that currently holds this need (PROPOSED/APPROVED/CONFIRMED/COMPLETED). */
  currentMatchId?: string;
  /** Offerings rejected by an operator or declined by a party: never proposed again for this need. */
  excludedOfferingIds: string[];
  /**
   * While PROPOSED: when to check that the proposal's match was really written
   * (the matcher locks the need before it writes the match; a crash between
   * the two must not strand the need).
   */
  recheckAt?: string;
  /** While PROPOSED by the matcher: the capacity it claimed, so a stranded proposal can give it back. */
  claim?: { offeringId: string; period: string };
}

// ---------------------------------------------------------------- matches
export const MATCH_STATUSES = [
  'PROPOSED',
  'APPROVED',
  'REJECTED',
  'CONFIRMED',
  'DECLINED',
  'COMPLETED',
  'EXPIRED',
  'CANCELLED',
] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];
export const matchStatus = z.enum(MATCH_STATUSES);

export type Actor = 'operator' | 'sme' | 'provider' | 'system';

export interface HistoryEntry {
  status: MatchStatus | 'SME_ACCEPTED' | 'PROVIDER_ACCEPTED';
  at: string;
  by: Actor;
  reason?: string;
}

/** How a pair was scored; every number in [0, 1] except weight and priority. */
export interface ScoreBreakdown {
  proximity: number;
  specialisation: number;
  reputation: number;
  price: number;
  load: number;
  /** Weighted sum of the components above, in [0, 1]. */
  fit: number;
  /** The plan's priority multiplier for this SME and project (>= 1). */
  priority: number;
  /** Which policy rules raised the priority, e.g. ["tier:LITTLE_GIANT", "region:WESTERN"]. */
  priorityReasons: string[];
  /** fit x priority: what the assignment maximises. */
  weight: number;
}

export interface Match {
  id: string;
  needId: string;
  offeringId: string;
  providerId: string;
  smeId: string;
  smeOwnerSub: string;
  providerOwnerSub: string;
  serviceType: ServiceTypeId;
  /** The capacity month this match holds a claim in. */
  period: string;
  status: MatchStatus;
  score: number;
  breakdown: ScoreBreakdown;
  policyVersion: string;
  smeAccepted: boolean;
  providerAccepted: boolean;
  feedback?: { rating: number; comment?: string; at: string };
  /** When the need was posted: analytics' hours-to-match start here. */
  needPostedAt: string;
  smeProvince: ProvinceCode;
  /** While PROPOSED or APPROVED: when the match expires if nobody acts. */
  expiresAt?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  history: HistoryEntry[];
}

export const RejectBody = z.strictObject({ reason: text(1000) });
export const DeclineBody = z.strictObject({ reason: z.optional(text(1000)) });
export const FeedbackBody = z.strictObject({
  rating: z.int().check(z.minimum(1), z.maximum(5)),
  comment: z.optional(text(2000)),
});

// ---------------------------------------------------------------- capacity
export interface Capacity {
  offeringId: string;
  period: string;
  limit: number;
  used: number;
}

// ---------------------------------------------------------------- inbox
export const NOTIFICATION_TYPES = [
  'MATCH_APPROVED',
  'MATCH_CONFIRMED',
  'MATCH_REJECTED',
  'MATCH_DECLINED',
  'MATCH_EXPIRED',
  'MATCH_COMPLETED',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface Notification {
  id: string;
  recipientSub: string;
  type: NotificationType;
  matchId?: string;
  needId?: string;
  at: string;
  read: boolean;
}
