/**
 * Entities of the platform and the zod schemas of what callers may send.
 * Input schemas are strict (unknown keys refused: a body carrying `status`,
 * `ownerSub`, `rating`, `score` or `used` is a mass-assignment attempt, not a
 * typo to ignore). Types derive from the schemas. zod/mini keeps each Lambda
 * bundle small (the full zod build alone is ~450 KB minified). Every schema
 * here is built on its first use, not at module load (domain/lazy-schema.ts:
 * a cold start pays only for the schemas its request parses).
 */
import * as z from 'zod/mini';
import { PROVIDER_KINDS, SERVICE_TYPE_IDS, type ServiceTypeId, type ProviderKind } from './catalog.ts';
import type { NotificationContent } from './notifications/types.ts';
import { PROVINCE_CODES, isCountryCode, isLanguageTag, unknownProvinceMessage, type ProvinceCode } from './regions.ts';
import { didYouMean, nearest } from './suggest.ts';
import type { WaitingReasonCode } from './waiting-codes.ts';
import { parseUscc, usccSchema } from './uscc.ts';
import { Certifications, type ProviderStatus, type StoredCertification } from './credentials.ts';
import { lazySchema } from './lazy-schema.ts';

// ---------------------------------------------------------------- primitives
// Control characters (other than tab and newlines) have no place in names and descriptions people read.
const NO_CONTROL = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
const text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(NO_CONTROL, 'must not contain control characters'));
/**
 * A province code. A name or another spelling (四川省, Sichuan, cn-sc) is
 * still refused, but the message names the code meant, so every route that
 * takes a province tells the caller what to send instead of listing every code.
 */
export const province = lazySchema(() => z.enum(PROVINCE_CODES, {
  error: (iss) => (iss.input === undefined ? 'required: ' : '') + unknownProvinceMessage(String(iss.input ?? '')),
}));
/** A catalog service type id; a near miss is answered with the nearest ids rather than the whole catalog. */
export const serviceType = lazySchema(() => z.enum(SERVICE_TYPE_IDS, {
  error: (iss) => (iss.input === undefined ? 'required: ' : '') + unknownServiceTypeMessage(String(iss.input ?? '')),
}));
export function unknownServiceTypeMessage(input: string): string {
  const hint = didYouMean(nearest(input, SERVICE_TYPE_IDS));
  return hint ? `must be a catalog service type id: ${hint}` : 'must be a catalog service type id (GET /v1/catalog lists them)';
}
export const providerKind = lazySchema(() => z.enum(PROVIDER_KINDS));
export const country = lazySchema(() => z.string().check(z.refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"')));
export const language = lazySchema(() => z.string().check(z.refine(isLanguageTag, 'must be a canonical BCP 47 language tag, e.g. "zh-CN"')));
const uniqueList = <T extends z.ZodMiniType<string>>(item: T, max: number) =>
  z.array(item).check(
    z.maxLength(max),
    z.refine((xs) => new Set(xs).size === xs.length, 'must not repeat an entry'),
  );
/** Whole CNY. */
export const money = lazySchema(() => z.int().check(z.minimum(0), z.maximum(1_000_000_000)));
export const period = lazySchema(() => z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM')));
export const isoDate = lazySchema(() => z.iso.date());

export const SIZE_CLASSES = ['MEDIUM', 'SMALL', 'MICRO'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];
export const TIERS = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const;
export type Tier = (typeof TIERS)[number];
export const sizeClass = lazySchema(() => z.enum(SIZE_CLASSES));
export const tier = lazySchema(() => z.enum(TIERS));

// ---------------------------------------------------------------- contacts
/**
 * E.164 (+8613812345678), a Chinese mobile number (13812345678) or a
 * landline with its area code (010-12345678, 0755 1234567): what people in
 * China write on a business card. Nothing else: a contact is for calling.
 */
const PHONE = /^(?:\+[1-9]\d{6,14}|1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8})$/;
/** Who to call about a match; shown to the other party only once the match is CONFIRMED. */
export const Contact = lazySchema(() => z.strictObject({
  name: text(100),
  phone: z.optional(
    z.string().check(
      z.regex(PHONE, 'must be an E.164 number (+8613812345678), a Chinese mobile (13812345678) or a landline with its area code (010-12345678)'),
    ),
  ),
  email: z.optional(z.email().check(z.maxLength(254))),
}));
export type Contact = z.infer<typeof Contact>;

// ---------------------------------------------------------------- providers
export const CreateProviderBody = lazySchema(() => z.strictObject({
  name: text(200),
  kind: providerKind,
  regions: uniqueList(province, 31).check(z.minLength(1)),
  languages: uniqueList(language, 20).check(z.minLength(1)),
  /** Typed and dated (domain/credentials.ts); stored records may still hold the old free strings. */
  certifications: Certifications,
  description: z.optional(text(2000)),
  contact: z.optional(Contact),
  /** The organisation's 统一社会信用代码: optional for providers, unique on the platform when given. */
  uscc: z.optional(usccSchema),
}));
export type CreateProviderBody = z.infer<typeof CreateProviderBody>;

/** What an owner may change of a provider: not its kind, regions or certifications (verified facts). */
export const PatchProviderBody = lazySchema(() => z
  .strictObject({
    name: z.optional(text(200)),
    description: z.optional(text(2000)),
    contact: z.optional(Contact),
    languages: z.optional(uniqueList(language, 20).check(z.minLength(1))),
  })
  .check(z.refine((o) => Object.keys(o).length > 0, 'must change at least one field')));
export type PatchProviderBody = z.infer<typeof PatchProviderBody>;

export interface Provider {
  id: string;
  ownerSub: string;
  name: string;
  kind: ProviderKind;
  regions: ProvinceCode[];
  languages: string[];
  certifications: StoredCertification[];
  description?: string;
  contact?: Contact;
  uscc?: string;
  /** Onboarding: PENDING until an operator approves or rejects; absent on legacy records (= APPROVED). */
  status?: ProviderStatus;
  /** The operator's reason of a rejection. */
  statusReason?: string;
  /** Who vouched for an APPROVED provider: an operator (who checked its designation) or a published directory import. */
  approvedVia?: 'OPERATOR' | 'REGISTER';
  /** While an operator holds the provider: its offerings leave matching. */
  suspended?: { reason: string; at: string };
  /** Set by the lapse job when a designated kind's designation expired (credentials.ts). */
  designationLapsedAt?: string;
  /** Written by a provider-directory import (api.md "Registers"): that import's id. */
  importId?: string;
  /** Mean SME feedback, 1..5; null until the first feedback. */
  rating: number | null;
  ratingCount: number;
  /** The sum of the ratings counted (the mean's numerator, kept so a rating adds in one bounded write; usecases/feedback.ts). */
  ratingSum?: number;
  /** The last matches whose rating was counted (bounded): a repeated count of one of them adds nothing. */
  ratedMatchIds?: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

// ---------------------------------------------------------------- offerings
export const OFFERING_STATUSES = ['ACTIVE', 'PAUSED'] as const;
export type OfferingStatus = (typeof OFFERING_STATUSES)[number];

export const Eligibility = lazySchema(() => z.strictObject({
  sizeClasses: z.optional(uniqueList(sizeClass, 3).check(z.minLength(1))),
  tiers: z.optional(uniqueList(tier, 4).check(z.minLength(1))),
}));
export type Eligibility = z.infer<typeof Eligibility>;

const offeringFields = lazySchema(() => ({
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
}));

const priceRangeOk = (o: { priceMin?: number | undefined; priceMax?: number | undefined }) =>
  o.priceMin === undefined || o.priceMax === undefined || o.priceMin <= o.priceMax;

export const CreateOfferingBody = lazySchema(() => z
  .strictObject({ serviceType, ...offeringFields })
  .check(
    z.refine(priceRangeOk, { message: 'priceMin must not exceed priceMax', path: ['priceMin'] }),
    z.refine((o) => o.remote || o.regions.length > 0, {
      message: 'an offering that is not remote must serve at least one province',
      path: ['regions'],
    }),
  ));
export type CreateOfferingBody = z.infer<typeof CreateOfferingBody>;

/** serviceType is fixed for life: it decides the market (and the matcher's message group). */
export const PatchOfferingBody = lazySchema(() => z
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
  ));
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
export const Region = lazySchema(() => z.strictObject({ province, city: z.optional(text(100)) }));
export type Region = z.infer<typeof Region>;

export const CreateSmeBody = lazySchema(() => z
  .strictObject({
    name: text(200),
    uscc: usccSchema,
    sizeClass,
    /** The tier the SME declares: kept and shown as `declaredTier`, never used for priority. */
    tier,
    industry: text(100),
    region: Region,
    weakFoundation: z.optional(z.boolean()),
    contact: z.optional(Contact),
  })
  .check(
    z.superRefine((o, ctx) => {
      // A national-level registration (division 100000) belongs to no province: the declared province stands.
      const r = parseUscc(o.uscc);
      if (r.ok && r.provinceCode !== null && r.provinceCode !== o.region.province) {
        ctx.issues.push({
          code: 'custom',
          path: ['uscc'],
          input: o.uscc,
          message: `the USCC was issued in ${r.provinceCode} (division code ${r.divisionCode}) but region.province is ${o.region.province}: they must agree`,
        });
      }
    }),
  ));
export type CreateSmeBody = z.infer<typeof CreateSmeBody>;

/**
 * What an owner may change of an SME: the province is fixed (it decides the
 * plan's regional priority and the need's market reach), the size class and
 * tier are the operators' to verify.
 */
export const PatchSmeBody = lazySchema(() => z
  .strictObject({
    name: z.optional(text(200)),
    industry: z.optional(text(100)),
    region: z.optional(z.strictObject({ city: z.optional(text(100)) })),
    contact: z.optional(Contact),
  })
  .check(z.refine((o) => Object.keys(o).length > 0, 'must change at least one field')));
export type PatchSmeBody = z.infer<typeof PatchSmeBody>;

/** Tiers a register can vouch for (NONE is the absence of an entry). */
export const VERIFIED_TIERS = ['INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const;
export type VerifiedTier = (typeof VERIFIED_TIERS)[number];

/** Who vouched for an SME's tier, and until when (YYYY-MM-DD, inclusive, UTC). */
export interface TierVerification {
  source: 'REGISTER' | 'OPERATOR';
  /** An operator may verify NONE: a finding that the firm holds no tier. */
  tier: Tier;
  /** Absent: an operator's verification without an end date. */
  validUntil?: string;
  /** The register batch (e.g. "2025 第七批"). */
  batch?: string;
  at: string;
}

/** One change of an SME's verified facts or standing: who, when, what. */
export interface VerificationEntry {
  at: string;
  /** The operator's sub, or `register` for a register import. */
  by: string;
  changes: Record<string, { from: unknown; to: unknown }>;
  note?: string;
}

export interface Sme {
  id: string;
  ownerSub: string;
  name: string;
  /** 统一社会信用代码; absent only on records made before it was required. */
  uscc?: string;
  sizeClass: SizeClass;
  /** What the SME declared. Records made before wave 2 hold it in `tier` instead (domain/verification.ts reads both). */
  declaredTier?: Tier;
  /** @deprecated The declared tier of records made before wave 2; new records store `declaredTier`. */
  tier?: Tier;
  tierVerification?: TierVerification;
  /** Which declared facts an operator has verified or corrected. */
  verified?: { sizeClass: boolean; weakFoundation: boolean };
  /** Changes of verified facts and of standing, oldest first (bounded). */
  verificationHistory?: VerificationEntry[];
  /** Set while an operator has suspended the SME: its needs leave matching. */
  suspension?: { reason: string; at: string; by: string };
  industry: string;
  region: Region;
  weakFoundation: boolean;
  contact?: Contact;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const VerifySmeBody = lazySchema(() => z
  .strictObject({
    tier: z.optional(tier),
    tierValidUntil: z.optional(isoDate),
    sizeClass: z.optional(sizeClass),
    weakFoundation: z.optional(z.boolean()),
    note: text(1000),
  })
  .check(
    z.refine((o) => o.tier !== undefined || o.sizeClass !== undefined || o.weakFoundation !== undefined, 'must verify at least one of tier, sizeClass, weakFoundation'),
    z.refine((o) => o.tierValidUntil === undefined || o.tier !== undefined, { message: 'tierValidUntil needs tier', path: ['tierValidUntil'] }),
  ));
export type VerifySmeBody = z.infer<typeof VerifySmeBody>;

export const SuspendBody = lazySchema(() => z.strictObject({ reason: text(1000) }));
export type SuspendBody = z.infer<typeof SuspendBody>;

/**
 * What the matcher needs of an SME, copied onto each need when it is posted
 * and refreshed when the SME's verified facts or standing change. `tier` is
 * the verified tier, never the declared one; the matcher counts it as NONE
 * once `tierValidUntil` has passed, so a lapse needs no write.
 */
export interface SmeProfile {
  sizeClass: SizeClass;
  tier: Tier;
  tierValidUntil?: string;
  region: Region;
  weakFoundation: boolean;
  /** The SME is suspended: the need is out of matching (and out of its market's waiting index). */
  suspended?: boolean;
}

// ---------------------------------------------------------------- needs
export const NEED_STATUSES = ['WAITING', 'PROPOSED', 'MATCHED', 'FULFILLED', 'WITHDRAWN', 'EXPIRED'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export const CreateNeedBody = lazySchema(() => z.strictObject({
  serviceType,
  description: text(4000),
  remoteOk: z.boolean(),
  languages: z.optional(uniqueList(language, 20)),
  markets: z.optional(uniqueList(country, 60)),
  budgetMax: z.optional(money),
  deadline: isoDate,
  /** A voucher of the SME's that pays for this need (domain/vouchers.ts). */
  voucherId: z.optional(z.string().check(z.regex(/^vc_[A-Za-z0-9_-]{10,64}$/, 'must be a vc_ id'))),
}));
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
  /** While WAITING, once a round has looked at it: why it waits (api.md "Why a need waits"). */
  waiting?: NeedWaiting;
  /** The voucher that pays for it: matched only to offerings its balance covers, or public-welfare ones. */
  voucherId?: string;
  /**
   * Posted with an Idempotency-Key: the request it answers (a hash of the SME
   * and the body) and until when the key names this need (usecases/needs.ts).
   */
  idempotency?: { requestHash: string; until: string };
}

/**
 * Why a need waits, as its market's rounds found it (domain/waiting.ts).
 * Rounds write it only when the reasons change, to save write units.
 */
export interface NeedWaiting {
  /** The first round that found the need waiting since it last became WAITING. */
  since: string;
  /** The round that found these reasons (later rounds that found the same ones did not rewrite them). */
  lastRoundAt?: string;
  reasons: Array<{ code: WaitingReasonCode; count?: number; detail?: string }>;
}

// ---------------------------------------------------------------- matches
export const MATCH_STATUSES = [
  'PROPOSED',
  'APPROVED',
  'REJECTED',
  'CONFIRMED',
  'DECLINED',
  'DELIVERED',
  'DISPUTED',
  'COMPLETED',
  'EXPIRED',
  'CANCELLED',
] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];
export const matchStatus = lazySchema(() => z.enum(MATCH_STATUSES));

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

/**
 * Who and what a match is about, as the read paths present it: added to
 * each match from its parties' current items (usecases/match-context.ts,
 * one batch read per page), never stored on the match, which stays under
 * 1 KB (one write unit) and never goes stale. Matches written while the
 * summaries were stored on them still carry theirs.
 */
export interface SmeSummary {
  id: string;
  name: string;
  province: ProvinceCode;
  city?: string;
  industry: string;
  tier: Tier;
  /** Shown to the provider only once the match is CONFIRMED (operators always). */
  contact?: Contact;
}
export interface ProviderSummary {
  id: string;
  name: string;
  rating: number | null;
  ratingCount: number;
  /** Shown to the SME only once the match is CONFIRMED (operators always). */
  contact?: Contact;
}
export interface OfferingSummary {
  id: string;
  title: string;
  priceMin?: number;
  priceMax?: number;
  remote: boolean;
}
export interface NeedSummary {
  id: string;
  /** The need's description, cut to NEED_SUMMARY_CHARS. */
  description: string;
  deadline: string;
  budgetMax?: number;
}
export const NEED_SUMMARY_CHARS = 200;

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
  /** Set once the feedback's rating is counted in the provider's rating (usecases/feedback.ts). */
  ratingCounted?: true;
  /** When the need was posted: analytics' hours-to-match start here. */
  needPostedAt: string;
  smeProvince: ProvinceCode;
  /** While PROPOSED or APPROVED: when the match expires if nobody acts. */
  expiresAt?: string;
  /** From CONFIRMED: when the provider should have delivered. */
  deliveryDueAt?: string;
  deliveredAt?: string;
  /** While DELIVERED: when it completes by itself if the SME neither confirms nor disputes. */
  autoConfirmAt?: string;
  /**
   * While CONFIRMED or DELIVERED: when the expiry job must look at it next
   * (the delivery reminder, the overdue escalation, the auto-confirmation).
   */
  nextCheckAt?: string;
  /** Which delivery timers already fired, so each fires once. */
  deliveryAlerts?: { dueSoon?: string; overdue?: string };
  /** The context people need: added by the read paths (stored only on matches written before they did). */
  sme?: SmeSummary;
  provider?: ProviderSummary;
  offering?: OfferingSummary;
  need?: NeedSummary;
  createdAt: string;
  updatedAt: string;
  version: number;
  history: HistoryEntry[];
}

export const RejectBody = lazySchema(() => z.strictObject({ reason: text(1000) }));
export const DeclineBody = lazySchema(() => z.strictObject({ reason: z.optional(text(1000)) }));
export const DisputeBody = lazySchema(() => z.strictObject({ reason: text(1000) }));
export const RESOLUTION_OUTCOMES = ['COMPLETED', 'CANCELLED'] as const;
export const ResolveBody = lazySchema(() => z.strictObject({ outcome: z.enum(RESOLUTION_OUTCOMES), note: text(1000) }));
export type ResolveBody = z.infer<typeof ResolveBody>;
export const FeedbackBody = lazySchema(() => z.strictObject({
  rating: z.int().check(z.minimum(1), z.maximum(5)),
  comment: z.optional(text(2000)),
}));

// ---------------------------------------------------------------- capacity
export interface Capacity {
  offeringId: string;
  period: string;
  limit: number;
  used: number;
}

// ---------------------------------------------------------------- inbox
// The types and their params are defined once, with the templates that render them.
export { NOTIFICATION_TYPES, type NotificationType, type NotificationContent } from './notifications/types.ts';

/**
 * One inbox item: what happened (`type` and the `params` its text needs) and
 * where it belongs. The text is rendered when the item is read, in the
 * reader's language; items written before `params` existed read as `{}`.
 */
export type Notification = {
  id: string;
  /** A user's sub, or a group's shared inbox (`group:operator`). */
  recipientSub: string;
  matchId?: string;
  needId?: string;
  at: string;
  read: boolean;
} & NotificationContent;
