import { describe, expect, it } from 'vitest';
import { makeUscc, organisationCheckCharacter, usccCheckCharacter } from '#domain/uscc.ts';
import {
  CreateNeedBody,
  CreateOfferingBody,
  CreateProviderBody,
  CreateSmeBody,
  DeclineBody,
  FeedbackBody,
  PatchOfferingBody,
  RejectBody,
} from '#domain/model.ts';

type Body = Record<string, unknown>;
interface Parser {
  safeParse(input: unknown): { success: true; data: unknown } | { success: false; error: { issues: Issue[] } };
}
interface Issue {
  code: string;
  path: PropertyKey[];
  keys?: string[];
}

/**
 * Where each issue points, as dotted paths. An unknown key is reported by zod
 * on its parent object; we append the key so a table can name it directly.
 */
function issueLocations(schema: Parser, body: unknown): string[] | 'accepted' {
  const r = schema.safeParse(body);
  if (r.success) return 'accepted';
  return r.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? (i.keys ?? []).map((k) => [...i.path, k].join('.')) : [i.path.map(String).join('.')],
  );
}

/** One schema's tables: every accepted body parses; every refused one fails at the named location. */
function table(schema: Parser, accept: [string, unknown][], refuse: [string, unknown, string][]) {
  it.each(accept)('accepts %s', (_label, body) => {
    const r = schema.safeParse(body);
    expect(r.success ? 'accepted' : r.error.issues).toBe('accepted');
  });
  it.each(refuse)('refuses %s (at %j)', (_label, body, where) => {
    const locations = issueLocations(schema, body);
    expect(locations).not.toBe('accepted');
    expect(locations).toContain(where);
  });
}

const long = (n: number) => 'x'.repeat(n);
const with_ = (base: Body, patch: Body): Body => ({ ...base, ...patch });
const without = (base: Body, key: string): Body => {
  const { [key]: _dropped, ...rest } = base;
  return rest;
};

// ---------------------------------------------------------------- providers
const provider: Body = {
  name: 'Chengdu IP Protection Centre',
  kind: 'IP_PROTECTION_CENTRE',
  regions: ['CN-SC', 'CN-CQ'],
  languages: ['zh-CN', 'en'],
  certifications: [{ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2022〕15号', issuer: 'CNIPA', validUntil: '2027-12-31' }],
};
const cert = (over: Record<string, unknown> = {}) => ({ type: 'CMA', number: '211912345678', validUntil: '2027-12-31', ...over });

describe('CreateProviderBody', () => {
  table(
    CreateProviderBody,
    [
      ['a complete body', provider],
      ['a description', with_(provider, { description: 'Serves Sichuan and Chongqing' })],
      ['no certifications', with_(provider, { certifications: [] })],
      ['a 200-character name', with_(provider, { name: long(200) })],
    ],
    [
      ['an empty name', with_(provider, { name: '' }), 'name'],
      ['a blank name', with_(provider, { name: '   ' }), 'name'],
      ['a 201-character name', with_(provider, { name: long(201) }), 'name'],
      ['a missing name', without(provider, 'name'), 'name'],
      ['a numeric name', with_(provider, { name: 42 }), 'name'],
      ['an unknown kind', with_(provider, { kind: 'LAW_FIRM' }), 'kind'],
      ['a lower-case kind', with_(provider, { kind: 'ip_protection_centre' }), 'kind'],
      ['no regions', with_(provider, { regions: [] }), 'regions'],
      ['an unknown province', with_(provider, { regions: ['CN-XX'] }), 'regions.0'],
      ['a province without the country prefix', with_(provider, { regions: ['SC'] }), 'regions.0'],
      ['Hong Kong, outside the plan', with_(provider, { regions: ['CN-HK'] }), 'regions.0'],
      ['a repeated province', with_(provider, { regions: ['CN-SC', 'CN-SC'] }), 'regions'],
      ['no languages', with_(provider, { languages: [] }), 'languages'],
      ['a non-canonical language', with_(provider, { languages: ['zh-cn'] }), 'languages.0'],
      ['a repeated language', with_(provider, { languages: ['en', 'en'] }), 'languages'],
      ['a certification as free text (the old form)', with_(provider, { certifications: ['ISO 9001'] }), 'certifications.0'],
      ['an unknown certification type', with_(provider, { certifications: [cert({ type: 'ISO9001' })] }), 'certifications.0.type'],
      ['a certification without a number', with_(provider, { certifications: [cert({ number: '' })] }), 'certifications.0.number'],
      ['a certification without validUntil', with_(provider, { certifications: [{ type: 'CMA', number: '1' }] }), 'certifications.0.validUntil'],
      ['a certification valid until a non-date', with_(provider, { certifications: [cert({ validUntil: '2027-02-30' })] }), 'certifications.0.validUntil'],
      ['a repeated certificate (type and number)', with_(provider, { certifications: [cert(), cert({ issuer: 'another' })] }), 'certifications'],
      ['a USCC with a wrong check character', with_(provider, { uscc: '91510100MA6CGKQJ40' }), 'uscc'],
      ['an empty description', with_(provider, { description: '' }), 'description'],
      ['an ownerSub', with_(provider, { ownerSub: 'someone-else' }), 'ownerSub'],
      ['a rating', with_(provider, { rating: 5 }), 'rating'],
      ['a ratingCount', with_(provider, { ratingCount: 100 }), 'ratingCount'],
      ['an id', with_(provider, { id: 'p-1' }), 'id'],
      ['a status', with_(provider, { status: 'ACTIVE' }), 'status'],
      ['null', null, ''],
      ['an array', [provider], ''],
    ],
  );

  it('trims names so stored values compare equal', () => {
    const r = CreateProviderBody.safeParse(with_(provider, { name: '  Centre  ' }));
    expect(r.success && r.data.name).toBe('Centre');
  });
});

// ---------------------------------------------------------------- offerings
const offering: Body = {
  serviceType: 'energy-audit',
  title: 'On-site energy audit',
  regions: ['CN-SC'],
  remote: false,
  languages: ['zh-CN'],
  capacityPerMonth: 10,
  priceMin: 5_000,
  priceMax: 20_000,
  publicWelfare: false,
  leadTimeDays: 14,
};

describe('CreateOfferingBody', () => {
  table(
    CreateOfferingBody,
    [
      ['a complete body', offering],
      ['a remote offering serving no province', with_(offering, { remote: true, regions: [] })],
      ['markets abroad', with_(offering, { markets: ['DE', 'US'] })],
      ['eligibility rules', with_(offering, { eligibility: { sizeClasses: ['MICRO', 'SMALL'], tiers: ['LITTLE_GIANT'] } })],
      ['an empty eligibility object', with_(offering, { eligibility: {} })],
      ['priceMin equal to priceMax', with_(offering, { priceMin: 100, priceMax: 100 })],
      ['no prices', without(without(offering, 'priceMin'), 'priceMax')],
      ['zero price and zero capacity', with_(offering, { priceMin: 0, priceMax: 0, capacityPerMonth: 0 })],
      ['the largest capacity and lead time', with_(offering, { capacityPerMonth: 100_000, leadTimeDays: 365 })],
      ['a free public-welfare offering', with_(offering, { publicWelfare: true })],
    ],
    [
      ['an unknown service type', with_(offering, { serviceType: 'energy audit' }), 'serviceType'],
      ['a missing service type', without(offering, 'serviceType'), 'serviceType'],
      ['a blank title', with_(offering, { title: ' ' }), 'title'],
      ['an on-site offering serving no province', with_(offering, { regions: [] }), 'regions'],
      ['an unknown province', with_(offering, { regions: ['CN-ZZ'] }), 'regions.0'],
      ['a repeated province', with_(offering, { regions: ['CN-SC', 'CN-SC'] }), 'regions'],
      ['a string for remote', with_(offering, { remote: 'yes' }), 'remote'],
      ['an unassigned market', with_(offering, { markets: ['XX'] }), 'markets.0'],
      ['a lower-case market', with_(offering, { markets: ['de'] }), 'markets.0'],
      ['a repeated market', with_(offering, { markets: ['DE', 'DE'] }), 'markets'],
      ['no languages', with_(offering, { languages: [] }), 'languages'],
      ['a malformed language', with_(offering, { languages: ['en_US'] }), 'languages.0'],
      ['a fractional capacity', with_(offering, { capacityPerMonth: 2.5 }), 'capacityPerMonth'],
      ['a negative capacity', with_(offering, { capacityPerMonth: -1 }), 'capacityPerMonth'],
      ['a capacity above the maximum', with_(offering, { capacityPerMonth: 100_001 }), 'capacityPerMonth'],
      ['a capacity as a string', with_(offering, { capacityPerMonth: '10' }), 'capacityPerMonth'],
      ['a negative priceMin', with_(offering, { priceMin: -1 }), 'priceMin'],
      ['a fractional priceMin', with_(offering, { priceMin: 1.5 }), 'priceMin'],
      ['a priceMax above the maximum', with_(offering, { priceMax: 1_000_000_001 }), 'priceMax'],
      ['priceMin above priceMax', with_(offering, { priceMin: 30_000 }), 'priceMin'],
      ['a string for publicWelfare', with_(offering, { publicWelfare: 'true' }), 'publicWelfare'],
      ['an empty sizeClasses list', with_(offering, { eligibility: { sizeClasses: [] } }), 'eligibility.sizeClasses'],
      ['an unknown size class', with_(offering, { eligibility: { sizeClasses: ['LARGE'] } }), 'eligibility.sizeClasses.0'],
      ['a repeated size class', with_(offering, { eligibility: { sizeClasses: ['MICRO', 'MICRO'] } }), 'eligibility.sizeClasses'],
      ['an unknown tier', with_(offering, { eligibility: { tiers: ['GIANT'] } }), 'eligibility.tiers.0'],
      ['an unknown eligibility rule', with_(offering, { eligibility: { industries: ['textiles'] } }), 'eligibility.industries'],
      ['a negative lead time', with_(offering, { leadTimeDays: -1 }), 'leadTimeDays'],
      ['a lead time above a year', with_(offering, { leadTimeDays: 366 }), 'leadTimeDays'],
      ['a fractional lead time', with_(offering, { leadTimeDays: 1.5 }), 'leadTimeDays'],
      ['a status', with_(offering, { status: 'ACTIVE' }), 'status'],
      ['an ownerSub', with_(offering, { ownerSub: 'someone-else' }), 'ownerSub'],
      ['a providerId', with_(offering, { providerId: 'p-2' }), 'providerId'],
      ['a used count', with_(offering, { used: 0 }), 'used'],
      ['a score', with_(offering, { score: 1 }), 'score'],
      ['a rating', with_(offering, { rating: 5 }), 'rating'],
    ],
  );
});

describe('PatchOfferingBody', () => {
  table(
    PatchOfferingBody,
    [
      ['a new title', { title: 'Energy audit, express' }],
      ['a pause', { status: 'PAUSED' }],
      ['a resume', { status: 'ACTIVE' }],
      ['a capacity of zero', { capacityPerMonth: 0 }],
      ['new prices', { priceMin: 0, priceMax: 10 }],
      ['new eligibility rules', { eligibility: { tiers: ['SPECIALIZED', 'LITTLE_GIANT'] } }],
      ['several fields at once', { remote: true, regions: [], markets: ['JP'], languages: ['ja', 'zh-CN'], leadTimeDays: 0 }],
    ],
    [
      ['an empty patch', {}, ''],
      ['a new service type, fixed for life', { serviceType: 'energy-audit' }, 'serviceType'],
      ['a match status', { status: 'PROPOSED' }, 'status'],
      ['an unknown status', { status: 'DELETED' }, 'status'],
      ['an ownerSub', { ownerSub: 'someone-else' }, 'ownerSub'],
      ['a providerId', { providerId: 'p-2' }, 'providerId'],
      ['a used count', { used: 0 }, 'used'],
      ['a rating', { rating: 5 }, 'rating'],
      ['a blank title', { title: '  ' }, 'title'],
      ['a fractional capacity', { capacityPerMonth: 1.5 }, 'capacityPerMonth'],
      ['a negative price', { priceMin: -5 }, 'priceMin'],
      ['priceMin above priceMax', { priceMin: 10, priceMax: 5 }, 'priceMin'],
      ['no languages', { languages: [] }, 'languages'],
      ['a repeated language', { languages: ['en', 'en'] }, 'languages'],
      ['a bad province', { regions: ['CN-TW'] }, 'regions.0'],
    ],
  );
});

// ---------------------------------------------------------------- SMEs
/** A valid USCC issued in Sichuan (division 510000). */
const SC_USCC = makeUscc('CN-SC', 20_240_001);
const NATIONAL_17 = `91100000${'12345678'}${organisationCheckCharacter('12345678')}`;
const NATIONAL_USCC = NATIONAL_17 + usccCheckCharacter(NATIONAL_17);
const sme: Body = {
  name: 'Chengdu Precision Parts Co.',
  uscc: SC_USCC,
  sizeClass: 'MICRO',
  tier: 'INNOVATIVE',
  industry: 'machinery',
  region: { province: 'CN-SC', city: 'Chengdu' },
  weakFoundation: true,
};

describe('CreateSmeBody', () => {
  table(
    CreateSmeBody,
    [
      ['a complete body', sme],
      ['no city', with_(sme, { region: { province: 'CN-SC' } })],
      ['a USCC registered at national level (division 100000), in any province', with_(sme, { uscc: NATIONAL_USCC, region: { province: 'CN-XJ' } })],
      ['no weakFoundation flag', without(sme, 'weakFoundation')],
      ...(['MEDIUM', 'SMALL', 'MICRO'] as const).map((s): [string, unknown] => [`size class ${s}`, with_(sme, { sizeClass: s })]),
      ...(['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] as const).map((t): [string, unknown] => [
        `tier ${t}`,
        with_(sme, { tier: t }),
      ]),
    ],
    [
      ['an unknown size class', with_(sme, { sizeClass: 'LARGE' }), 'sizeClass'],
      ['a lower-case size class', with_(sme, { sizeClass: 'micro' }), 'sizeClass'],
      ['an unknown tier', with_(sme, { tier: 'GIANT' }), 'tier'],
      ['a missing uscc', without(sme, 'uscc'), 'uscc'],
      ['a USCC with a wrong check character', with_(sme, { uscc: SC_USCC.slice(0, 17) + (SC_USCC[17] === '0' ? '1' : '0') }), 'uscc'],
      ['a USCC in lower case', with_(sme, { uscc: makeUscc('CN-SC', 1).slice(0, 17) + 'x' }), 'uscc'],
      ['a USCC issued in another province than region.province', with_(sme, { uscc: makeUscc('CN-GD', 20_240_001) }), 'uscc'],
      ['a missing tier', without(sme, 'tier'), 'tier'],
      ['an unknown province', with_(sme, { region: { province: 'CN-XX' } }), 'region.province'],
      ['a province code without prefix', with_(sme, { region: { province: 'SC' } }), 'region.province'],
      ['a region without province', with_(sme, { region: { city: 'Chengdu' } }), 'region.province'],
      ['a region as a string', with_(sme, { region: 'CN-SC' }), 'region'],
      ['an empty city', with_(sme, { region: { province: 'CN-SC', city: '' } }), 'region.city'],
      ['an unknown region key', with_(sme, { region: { province: 'CN-SC', district: 'Wuhou' } }), 'region.district'],
      ['a blank industry', with_(sme, { industry: ' ' }), 'industry'],
      ['an empty name', with_(sme, { name: '' }), 'name'],
      ['a string for weakFoundation', with_(sme, { weakFoundation: 'true' }), 'weakFoundation'],
      ['an ownerSub', with_(sme, { ownerSub: 'someone-else' }), 'ownerSub'],
      ['a status', with_(sme, { status: 'ACTIVE' }), 'status'],
      ['an id', with_(sme, { id: 's-1' }), 'id'],
      ['a score', with_(sme, { score: 1 }), 'score'],
    ],
  );
});

// ---------------------------------------------------------------- needs
const need: Body = {
  serviceType: 'legal-aid',
  description: 'Unpaid invoices from a large customer, 8 months overdue',
  remoteOk: true,
  languages: ['zh-CN'],
  markets: ['DE'],
  budgetMax: 0,
  deadline: '2026-12-31',
};

describe('CreateNeedBody', () => {
  table(
    CreateNeedBody,
    [
      ['a complete body', need],
      ['only the required fields', { serviceType: 'cloud-migration', description: 'Move ERP to the cloud', remoteOk: false, deadline: '2027-03-01' }],
      ['empty language and market lists', with_(need, { languages: [], markets: [] })],
      ['a leap day', with_(need, { deadline: '2028-02-29' })],
      ['a large budget', with_(need, { budgetMax: 1_000_000_000 })],
    ],
    [
      ['an unknown service type', with_(need, { serviceType: 'consulting' }), 'serviceType'],
      ['a blank description', with_(need, { description: '   ' }), 'description'],
      ['a description over 4000 characters', with_(need, { description: long(4001) }), 'description'],
      ['a missing remoteOk', without(need, 'remoteOk'), 'remoteOk'],
      ['a non-canonical language', with_(need, { languages: ['EN'] }), 'languages.0'],
      ['a repeated language', with_(need, { languages: ['zh-CN', 'zh-CN'] }), 'languages'],
      ['an alpha-3 market', with_(need, { markets: ['DEU'] }), 'markets.0'],
      ['a repeated market', with_(need, { markets: ['DE', 'DE'] }), 'markets'],
      ['a negative budget', with_(need, { budgetMax: -1 }), 'budgetMax'],
      ['a fractional budget', with_(need, { budgetMax: 99.5 }), 'budgetMax'],
      ['a budget as a string', with_(need, { budgetMax: '100' }), 'budgetMax'],
      ['a day that does not exist', with_(need, { deadline: '2026-02-30' }), 'deadline'],
      ['a 29 February outside a leap year', with_(need, { deadline: '2027-02-29' }), 'deadline'],
      ['month 13', with_(need, { deadline: '2026-13-01' }), 'deadline'],
      ['a day-first date', with_(need, { deadline: '31/12/2026' }), 'deadline'],
      ['a timestamp', with_(need, { deadline: '2026-12-31T00:00:00Z' }), 'deadline'],
      ['a missing deadline', without(need, 'deadline'), 'deadline'],
      ['a status', with_(need, { status: 'MATCHED' }), 'status'],
      ['an ownerSub', with_(need, { ownerSub: 'someone-else' }), 'ownerSub'],
      ['an smeId', with_(need, { smeId: 's-2' }), 'smeId'],
      ['an SME profile', with_(need, { sme: { tier: 'LITTLE_GIANT' } }), 'sme'],
      ['excluded offerings', with_(need, { excludedOfferingIds: [] }), 'excludedOfferingIds'],
      ['a score', with_(need, { score: 1 }), 'score'],
    ],
  );
});

// ---------------------------------------------------------------- match commands
describe('RejectBody', () => {
  table(
    RejectBody,
    [
      ['a reason', { reason: 'Provider not accredited for this service' }],
      ['a 1000-character reason', { reason: long(1000) }],
    ],
    [
      ['no reason', {}, 'reason'],
      ['an empty reason', { reason: '' }, 'reason'],
      ['a blank reason', { reason: '   ' }, 'reason'],
      ['a reason over 1000 characters', { reason: long(1001) }, 'reason'],
      ['a numeric reason', { reason: 7 }, 'reason'],
      ['a status', { reason: 'x', status: 'APPROVED' }, 'status'],
    ],
  );
});

describe('DeclineBody', () => {
  table(
    DeclineBody,
    [
      ['no reason', {}],
      ['a reason', { reason: 'Found another provider' }],
    ],
    [
      ['an empty reason', { reason: '' }, 'reason'],
      ['a numeric reason', { reason: 5 }, 'reason'],
      ['an actor', { reason: 'x', by: 'sme' }, 'by'],
      ['a status', { status: 'DECLINED' }, 'status'],
    ],
  );
});

describe('FeedbackBody', () => {
  table(
    FeedbackBody,
    [
      ...[1, 2, 3, 4, 5].map((rating): [string, unknown] => [`rating ${rating}`, { rating }]),
      ['a comment', { rating: 4, comment: 'Fast and thorough' }],
    ],
    [
      ['rating 0', { rating: 0 }, 'rating'],
      ['rating 6', { rating: 6 }, 'rating'],
      ['a fractional rating', { rating: 4.5 }, 'rating'],
      ['a rating as a string', { rating: '5' }, 'rating'],
      ['no rating', { comment: 'good' }, 'rating'],
      ['an empty comment', { rating: 5, comment: '' }, 'comment'],
      ['a comment over 2000 characters', { rating: 5, comment: long(2001) }, 'comment'],
      ['a score', { rating: 5, score: 1 }, 'score'],
      ['a providerId', { rating: 5, providerId: 'p-2' }, 'providerId'],
    ],
  );
});

describe('free text', () => {
  it('refuses control characters but keeps newlines and tabs', async () => {
    const { CreateSmeBody } = await import('#domain/model.ts');
    const base = { name: 'Firm', uscc: makeUscc('CN-SC', 7), sizeClass: 'SMALL', tier: 'NONE', industry: 'tools', region: { province: 'CN-SC' } };
    expect(CreateSmeBody.safeParse({ ...base, name: 'A\u0000B' }).success).toBe(false);
    expect(CreateSmeBody.safeParse({ ...base, industry: 'x\u001b[31m' }).success).toBe(false);
    expect(CreateSmeBody.safeParse({ ...base, name: 'Line one\nLine\ttwo' }).success).toBe(true);
  });
});
