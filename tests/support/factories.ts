/**
 * Realistic entities for tests, valid per domain/model.ts. Every factory takes
 * a partial object of overrides; the `...Of` helpers derive the linking fields
 * (ids, owner subs, SME profile, service type) from the parent entities, so a
 * test only states what it is about.
 *
 * Ids are random (unique across a run, safe in a shared table); times default
 * to a fixed base so tests stay deterministic where order matters: pass
 * `minutesAfter(BASE_TIME, n)` to order things.
 */
import { randomBytes } from 'node:crypto';
import type { ServiceTypeId } from '#domain/catalog.ts';
import type { Match, MatchStatus, Need, Notification, Offering, Provider, ScoreBreakdown, Sme } from '#domain/model.ts';
import type { ProvinceCode } from '#domain/regions.ts';
import { makeUscc } from '#domain/uscc.ts';
import { makeEvent, type AppEvent } from '#events/contracts.ts';

/** 2026-03-02, a Monday morning in Chengdu (UTC). */
export const BASE_TIME = '2026-03-02T01:00:00.000Z';

export const testId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;
export const testSub = () => `sub-${randomBytes(8).toString('hex')}`;

/**
 * A valid USCC of `province`, different at every call in this process (one
 * profile per USCC on the platform): a random base per process, then a counter.
 */
let usccSerial = randomBytes(4).readUInt32BE(0) % 90_000_000;
export const testUscc = (province: ProvinceCode = 'CN-SC') => makeUscc(province, usccSerial++ % 100_000_000);

export function minutesAfter(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}
export const daysAfter = (iso: string, days: number) => minutesAfter(iso, days * 24 * 60);

// ---------------------------------------------------------------- providers and offerings

export function makeProvider(over: Partial<Provider> = {}): Provider {
  const createdAt = over.createdAt ?? BASE_TIME;
  return {
    id: testId('prv'),
    ownerSub: testSub(),
    name: '四川省绿色节能审计中心 Sichuan Green Energy Audit Centre',
    kind: 'GREEN_AUDIT_FIRM',
    regions: ['CN-SC', 'CN-CQ'],
    languages: ['zh-CN', 'en'],
    certifications: ['CMA', 'ISO 50001 auditor'],
    description: 'Energy audits and energy-saving diagnosis for manufacturing SMEs.',
    rating: null,
    ratingCount: 0,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...over,
  };
}

export function makeOffering(over: Partial<Offering> = {}): Offering {
  const createdAt = over.createdAt ?? BASE_TIME;
  return {
    id: testId('off'),
    providerId: testId('prv'),
    ownerSub: testSub(),
    serviceType: 'energy-audit',
    title: '工业企业能源审计 Energy audit for industrial SMEs',
    regions: ['CN-SC', 'CN-CQ'],
    remote: false,
    markets: [],
    languages: ['zh-CN'],
    capacityPerMonth: 10,
    priceMin: 8_000,
    priceMax: 30_000,
    publicWelfare: false,
    eligibility: { sizeClasses: ['MICRO', 'SMALL', 'MEDIUM'] },
    leadTimeDays: 14,
    status: 'ACTIVE',
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...over,
  };
}

/** An offering of `provider` (its id and owner). */
export function offeringOf(provider: Provider, over: Partial<Offering> = {}): Offering {
  return makeOffering({ providerId: provider.id, ownerSub: provider.ownerSub, ...over });
}

// ---------------------------------------------------------------- SMEs and needs

export function makeSme(over: Partial<Sme> = {}): Sme {
  const createdAt = over.createdAt ?? BASE_TIME;
  return {
    id: testId('sme'),
    ownerSub: testSub(),
    name: '成都精密机械有限公司 Chengdu Precision Machinery Co.',
    uscc: testUscc(over.region?.province ?? 'CN-SC'),
    sizeClass: 'SMALL',
    // A record as stored before declared and verified tiers were apart; needOf copies it as the profile's tier.
    tier: 'SPECIALIZED',
    industry: 'machinery',
    region: { province: 'CN-SC', city: '成都' },
    weakFoundation: false,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...over,
  };
}

export function makeNeed(over: Partial<Need> = {}): Need {
  const postedAt = over.postedAt ?? BASE_TIME;
  return {
    id: testId('need'),
    smeId: testId('sme'),
    ownerSub: testSub(),
    serviceType: 'energy-audit',
    description: '需要对两条生产线做能源审计，出具节能改造建议。Energy audit of two production lines.',
    remoteOk: true,
    languages: ['zh-CN'],
    markets: [],
    budgetMax: 20_000,
    deadline: '2026-06-30',
    status: 'WAITING',
    sme: { sizeClass: 'SMALL', tier: 'SPECIALIZED', region: { province: 'CN-SC', city: '成都' }, weakFoundation: false },
    postedAt,
    updatedAt: postedAt,
    version: 1,
    excludedOfferingIds: [],
    ...over,
  };
}

/** A need posted by `sme` (its id, owner and profile). */
export function needOf(sme: Sme, over: Partial<Need> = {}): Need {
  return makeNeed({
    smeId: sme.id,
    ownerSub: sme.ownerSub,
    sme: { sizeClass: sme.sizeClass, tier: sme.tier ?? 'NONE', region: sme.region, weakFoundation: sme.weakFoundation },
    ...over,
  });
}

// ---------------------------------------------------------------- matches

export function makeBreakdown(over: Partial<ScoreBreakdown> = {}): ScoreBreakdown {
  return {
    proximity: 1,
    specialisation: 0.8,
    reputation: 0.5,
    price: 0.7,
    load: 0.9,
    fit: 0.78,
    priority: 1.3,
    priorityReasons: ['tier:SPECIALIZED', 'region:WESTERN'],
    weight: 1.014,
    ...over,
  };
}

export function makeMatch(over: Partial<Match> = {}): Match {
  const createdAt = over.createdAt ?? BASE_TIME;
  const status: MatchStatus = over.status ?? 'PROPOSED';
  const open = status === 'PROPOSED' || status === 'APPROVED';
  return {
    id: testId('match'),
    needId: testId('need'),
    offeringId: testId('off'),
    providerId: testId('prv'),
    smeId: testId('sme'),
    smeOwnerSub: testSub(),
    providerOwnerSub: testSub(),
    serviceType: 'energy-audit',
    period: createdAt.slice(0, 7),
    status,
    score: 1.014,
    breakdown: makeBreakdown(),
    policyVersion: '2026-11-01',
    smeAccepted: false,
    providerAccepted: false,
    needPostedAt: createdAt,
    smeProvince: 'CN-SC',
    ...(open ? { expiresAt: daysAfter(createdAt, 7) } : {}),
    createdAt,
    updatedAt: createdAt,
    version: 1,
    history: [{ status: 'PROPOSED', at: createdAt, by: 'system' }],
    ...over,
  };
}

/** A match of `need` with `offering` (ids, owners, market, SME province from them). */
export function matchOf(need: Need, offering: Offering, over: Partial<Match> = {}): Match {
  return makeMatch({
    needId: need.id,
    smeId: need.smeId,
    smeOwnerSub: need.ownerSub,
    offeringId: offering.id,
    providerId: offering.providerId,
    providerOwnerSub: offering.ownerSub,
    serviceType: offering.serviceType,
    needPostedAt: need.postedAt,
    smeProvince: need.sme.region.province,
    ...over,
  });
}

// ---------------------------------------------------------------- inbox

export function makeNotification(over: Partial<Notification> = {}): Notification {
  return {
    id: testId('note'),
    recipientSub: testSub(),
    type: 'MATCH_APPROVED',
    params: { serviceType: 'energy-audit', to: 'sme' },
    matchId: testId('match'),
    at: BASE_TIME,
    read: false,
    ...over,
  } as Notification;
}

// ---------------------------------------------------------------- events (ids fixed by aggregate, version, type)

export function needPosted(need: Need): AppEvent<'NeedPosted'> {
  return makeEvent('NeedPosted', need.id, need.version, {
    serviceType: need.serviceType,
    occurredAt: need.postedAt,
    needId: need.id,
    smeId: need.smeId,
  });
}

export function needWithdrawn(need: Need): AppEvent<'NeedWithdrawn'> {
  return makeEvent('NeedWithdrawn', need.id, need.version, {
    serviceType: need.serviceType,
    occurredAt: need.updatedAt,
    needId: need.id,
    smeId: need.smeId,
  });
}

export function offeringRegistered(offering: Offering): AppEvent<'OfferingRegistered'> {
  return makeEvent('OfferingRegistered', offering.id, offering.version, {
    serviceType: offering.serviceType,
    occurredAt: offering.createdAt,
    offeringId: offering.id,
    providerId: offering.providerId,
  });
}

type MatchEventType =
  | 'MatchProposed'
  | 'MatchApproved'
  | 'MatchRejected'
  | 'MatchAccepted'
  | 'MatchDeclined'
  | 'MatchConfirmed'
  | 'MatchCompleted'
  | 'MatchExpired'
  | 'MatchCancelled'
  | 'MatchDelivered'
  | 'MatchDisputed';

/** The event of `match`'s current state (its version and updatedAt). */
export function matchEvent<T extends MatchEventType>(detailType: T, match: Match, reason?: string): AppEvent<T> {
  return makeEvent(detailType, match.id, match.version, {
    serviceType: match.serviceType,
    occurredAt: match.updatedAt,
    matchId: match.id,
    needId: match.needId,
    offeringId: match.offeringId,
    providerId: match.providerId,
    smeId: match.smeId,
    smeOwnerSub: match.smeOwnerSub,
    providerOwnerSub: match.providerOwnerSub,
    status: match.status,
    period: match.period,
    ...(reason !== undefined ? { reason } : {}),
  } as Parameters<typeof makeEvent<T>>[3]);
}

/** Another service type than the default, for tests that need two markets. */
export const OTHER_MARKET: ServiceTypeId = 'industrial-design';
