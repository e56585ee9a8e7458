/**
 * The OpenAPI 3.1 document, generated from the route declarations
 * (routes.ts): request bodies, headers, query and path parameters come from
 * the same zod schemas that validate them (zod's JSON Schema 2020-12 output
 * is OpenAPI 3.1's dialect); summaries, who may call, examples and the
 * response each route names come from its declaration. The response shapes
 * are described here, as components, from the entity types.
 */
import * as z from 'zod/mini';
import { CATALOG_VERSION } from '#domain/catalog.ts';
import { MATCH_STATUSES, NEED_STATUSES, NOTIFICATION_TYPES } from '#domain/model.ts';
import { WAITING_REASON_CODES } from '#domain/waiting-codes.ts';
import { ROUTES, routeKeyOf, type ComponentName, type RouteDecl, type ResponseDoc } from './routes.ts';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodMiniType, io: 'input' | 'output' = 'input'): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const page = (item: string) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: ref(item) }, nextCursor: { type: ['string', 'null'] } },
});
const obj = (properties: Json, required: string[] = Object.keys(properties)) => ({ type: 'object', properties, required });
const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const int = { type: 'integer' };

/** The response shapes routes name, and what they are built from (Error, MarketRow). */
const COMPONENTS: Record<ComponentName | 'Error' | 'MarketRow' | 'Contact', Json> = {
  Health: obj({ status: { const: 'ok' } }),
  Catalog: { type: 'object', description: 'projects, their service types (id, zh, en) and provider kinds; catalog version ' + CATALOG_VERSION },
  Regions: obj({
    items: {
      type: 'array',
      items: obj({ code: { type: 'string', example: 'CN-SC' }, zh: { type: 'string', example: '四川省' }, en: { type: 'string', example: 'Sichuan' }, group: { enum: ['EAST', 'CENTRAL', 'WESTERN', 'NORTHEAST'] } }),
    },
  }),
  OpenApiDocument: { type: 'object', description: 'this document' },
  Error: {
    ...obj({
      error: obj({
        code: { type: 'string', enum: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'DUPLICATE', 'PAYLOAD_TOO_LARGE', 'QUOTA_EXCEEDED', 'INTERNAL'] },
        message: str,
        details: { type: 'array', items: obj({ path: str, message: str }) },
      }),
    }),
    description:
      "An addition to the contract: a caller whose Accept-Language names Chinese first (the console sends its own language) reads `message` and `details[].message` of a refusal (400, 409, 413, 429) in Chinese, with the same code, status and paths; a 409 names the state as the console does, with its code beside. The English wording stays the contract's for everyone else (a wildcard `*` alone counts as no preference).",
  },
  Provider: obj(
    { id: str, ownerSub: str, name: str, kind: str, regions: { type: 'array', items: str }, languages: { type: 'array', items: str }, certifications: { type: 'array', items: str }, description: str, contact: ref('Contact'), rating: { type: ['number', 'null'] }, ratingCount: int, createdAt: time, updatedAt: time },
    ['id', 'ownerSub', 'name', 'kind', 'regions', 'languages', 'certifications', 'rating', 'ratingCount', 'createdAt', 'updatedAt'],
  ),
  Offering: obj(
    { id: str, providerId: str, serviceType: str, title: str, regions: { type: 'array', items: str }, remote: { type: 'boolean' }, markets: { type: 'array', items: str }, languages: { type: 'array', items: str }, capacityPerMonth: int, priceMin: int, priceMax: int, publicWelfare: { type: 'boolean' }, eligibility: { type: 'object' }, leadTimeDays: int, status: { enum: ['ACTIVE', 'PAUSED'] }, createdAt: time, updatedAt: time },
    ['id', 'providerId', 'serviceType', 'title', 'regions', 'remote', 'markets', 'languages', 'capacityPerMonth', 'publicWelfare', 'eligibility', 'leadTimeDays', 'status', 'createdAt', 'updatedAt'],
  ),
  Sme: obj(
    {
      id: str, ownerSub: str, name: str,
      uscc: { type: 'string', description: '统一社会信用代码 (GB 32100-2015); absent only on profiles registered before it was required' },
      sizeClass: { type: 'string', description: 'declared, or as an operator verified or corrected it (see verified)' },
      declaredTier: { type: 'string', description: 'the tier the SME declared: shown, never used for priority' },
      tier: { type: 'string', description: 'the verified tier the matcher uses: from a register entry or an operator, NONE once its validUntil has passed' },
      tierVerification: obj({ source: { enum: ['REGISTER', 'OPERATOR', null] }, validUntil: { type: 'string', format: 'date' }, batch: str }, ['source']),
      verified: obj({ sizeClass: { type: 'boolean' }, weakFoundation: { type: 'boolean' } }),
      suspended: { type: 'boolean' },
      suspension: { oneOf: [obj({ reason: str, at: time, by: { type: 'string', description: 'operators only' } }, ['reason', 'at']), { type: 'null' }] },
      verificationHistory: { type: 'array', description: 'operators only: changes of verified facts and standing, oldest first', items: obj({ at: time, by: str, changes: { type: 'object' }, note: str }, ['at', 'by', 'changes']) },
      industry: str, region: obj({ province: str, city: str }, ['province']), weakFoundation: { type: 'boolean' }, contact: ref('Contact'), createdAt: time, updatedAt: time,
    },
    ['id', 'ownerSub', 'name', 'sizeClass', 'declaredTier', 'tier', 'tierVerification', 'verified', 'suspended', 'suspension', 'industry', 'region', 'weakFoundation', 'createdAt', 'updatedAt'],
  ),
  Need: obj(
    { id: str, smeId: str, ownerSub: str, serviceType: str, description: str, remoteOk: { type: 'boolean' }, languages: { type: 'array', items: str }, markets: { type: 'array', items: str }, budgetMax: int, deadline: { type: 'string', format: 'date' }, status: { enum: [...NEED_STATUSES] }, sme: { type: 'object', description: 'the SME profile the matcher used, copied when the need was posted' }, postedAt: time, updatedAt: time, currentMatchId: str, excludedOfferingIds: { type: 'array', items: str },
      waiting: {
        ...obj({ since: time, lastRoundAt: time, reasons: { type: 'array', items: obj({ code: { enum: [...WAITING_REASON_CODES] }, count: int, detail: str }, ['code']) } }, ['since', 'reasons']),
        description: 'WAITING needs only: why the need waits, as its market\'s last round that changed the reasons found them (api.md "Why a need waits"); reasons are empty until a round has looked at it',
      } },
    ['id', 'smeId', 'serviceType', 'description', 'remoteOk', 'languages', 'markets', 'deadline', 'status', 'postedAt', 'updatedAt', 'excludedOfferingIds'],
  ),
  Match: obj(
    {
      id: str, needId: str, offeringId: str, providerId: str, smeId: str, serviceType: str,
      period: { type: 'string', description: 'the capacity month (YYYY-MM) this match holds a claim in' },
      status: { enum: [...MATCH_STATUSES], description: 'CANCELLED (an addition to the contract): the need was withdrawn or expired while the match was open' },
      score: { type: 'number' },
      breakdown: obj({ proximity: { type: 'number' }, specialisation: { type: 'number' }, reputation: { type: 'number' }, price: { type: 'number' }, load: { type: 'number' }, fit: { type: 'number' }, priority: { type: 'number' }, priorityReasons: { type: 'array', items: str, description: 'codes of the policy rules that raised `priority` (domain/priority-reasons.ts): tier:<TIER>, size:<SIZE>+publicWelfare, region:CENTRAL or region:WESTERN, weakFoundation:<serviceType>; a later policy may add codes, so a reader shows an unknown one as it is' }, weight: { type: 'number' } }),
      policyVersion: str, smeAccepted: { type: 'boolean' }, providerAccepted: { type: 'boolean' },
      feedback: obj({ rating: int, comment: str, at: time }, ['rating', 'at']),
      needPostedAt: time, smeProvince: str, expiresAt: time, createdAt: time, updatedAt: time,
      history: { type: 'array', items: obj({ status: str, at: time, by: { enum: ['operator', 'sme', 'provider', 'system'] }, reason: str }, ['status', 'at', 'by']) },
      deliveryDueAt: { ...time, description: "from CONFIRMED: the end of the need's deadline day, at least DELIVERY_MIN_DAYS after confirmation" },
      deliveredAt: time,
      autoConfirmAt: { ...time, description: 'while DELIVERED: when it completes unless the SME confirms or disputes first (AUTO_CONFIRM_DAYS)' },
      sme: obj({ id: str, name: str, province: str, city: str, industry: str, tier: str, contact: ref('Contact') }, ['id', 'name', 'province', 'industry', 'tier']),
      provider: obj({ id: str, name: str, rating: { type: ['number', 'null'] }, ratingCount: int, contact: ref('Contact') }, ['id', 'name', 'rating', 'ratingCount']),
      offering: obj({ id: str, title: str, priceMin: int, priceMax: int, remote: { type: 'boolean' } }, ['id', 'title', 'remote']),
      need: obj({ id: str, description: { type: 'string', description: 'cut to 200 characters' }, deadline: { type: 'string', format: 'date' }, budgetMax: int }, ['id', 'description', 'deadline']),
    },
    ['id', 'needId', 'offeringId', 'providerId', 'smeId', 'serviceType', 'period', 'status', 'score', 'breakdown', 'policyVersion', 'createdAt', 'history'],
  ),
  Contact: {
    ...obj({ name: str, phone: str, email: str }, ['name']),
    description: "On a match, the other party's contact appears only from CONFIRMED on; operators always see both.",
  },
  Notification: obj(
    {
      id: str, type: { enum: [...NOTIFICATION_TYPES] }, matchId: str, needId: str, at: time, read: { type: 'boolean' },
      title: { type: 'string', description: "in the caller's language (?lang, else Accept-Language, else zh)" },
      body: { type: 'string', description: 'plain text, the same language as title; escape it to display' },
    },
    ['id', 'type', 'at', 'read', 'title', 'body'],
  ),
  Capacity: obj({ offeringId: str, period: str, limit: int, used: int }),
  ReadReceipt: obj({ id: str, read: { type: 'boolean' } }),
  MarketRow: obj(
    { serviceType: str, province: str, waiting: int, proposed: int, confirmed: int, completed: int, capacity: int, used: int, medianHoursToMatch: { type: ['number', 'null'] } },
    ['serviceType', 'waiting', 'proposed', 'confirmed', 'completed', 'capacity', 'used', 'medianHoursToMatch'],
  ),
  MarketReport: obj({
    period: str,
    asOf: { type: ['string', 'null'], format: 'date-time', description: "An addition to the contract: the oldest of the markets' last rounds, which `waiting` and `capacity` are as of (null before any round)" },
    items: { type: 'array', items: ref('MarketRow') },
  }),
  VoucherProgramme: obj(
    { id: str, name: str, serviceTypes: { type: 'array', items: str }, provinces: { type: 'array', items: str, description: 'empty: every province' }, budget: int, faceValue: int, eligibility: obj({ sizeClasses: { type: 'array', items: str }, tiers: { type: 'array', items: str } }), validUntil: { type: 'string', format: 'date' }, createdAt: time, allocated: int, held: int, redeemed: int, available: int },
    ['id', 'name', 'serviceTypes', 'provinces', 'budget', 'faceValue', 'eligibility', 'validUntil', 'allocated', 'held', 'redeemed', 'available'],
  ),
  Voucher: obj(
    { id: str, programmeId: str, programmeName: str, smeId: str, faceValue: int, balance: int, status: { enum: ['ISSUED', 'HELD', 'REDEEMED', 'EXPIRED'] }, holds: { type: 'object', additionalProperties: int, description: 'matchId -> amount held' }, redeemed: { type: 'object', description: 'matchId -> { amount, providerId, at }' }, returned: int, serviceTypes: { type: 'array', items: str }, provinces: { type: 'array', items: str }, validUntil: { type: 'string', format: 'date' }, attachedNeedId: str, issuedAt: time },
    ['id', 'programmeId', 'smeId', 'faceValue', 'balance', 'status'],
  ),
  Settlement: obj({ items: { type: 'array', items: obj({ voucherId: str, matchId: str, amount: int, redeemedAt: time }) }, total: int }, ['items', 'total']),
  KpiReport: obj(
    { period: str, province: str, smesServed: int, matchesCompleted: int, byProject: { type: 'object', additionalProperties: obj({ completed: int, smesServed: int }) }, centralWesternShare: { type: ['number', 'null'] }, publicWelfareShare: { type: ['number', 'null'] }, satisfaction: { type: ['number', 'null'] }, medianHoursToMatch: { type: ['number', 'null'] }, medianHoursToComplete: { type: ['number', 'null'] }, voucherRedeemed: int },
    ['period', 'smesServed', 'matchesCompleted', 'byProject', 'centralWesternShare', 'publicWelfareShare', 'satisfaction', 'medianHoursToMatch', 'medianHoursToComplete', 'voucherRedeemed'],
  ),
  NeedWithCurrentMatch: { allOf: [ref('Need'), obj({ currentMatch: { oneOf: [ref('Match'), { type: 'null' }] } })] },
  ImportStarted: obj({ importId: str }),
  Import: obj(
    {
      id: str, kind: { enum: ['TIERS', 'PROVIDERS'] }, status: { enum: ['RUNNING', 'DONE', 'FAILED'] },
      total: int, processed: int, accepted: int, rejected: int,
      errors: { type: 'array', items: obj({ row: int, field: str, message: str }, ['row', 'message']), description: 'the first 1,000 row errors; errorCount counts them all' },
      errorCount: int, startedAt: time, finishedAt: time, failure: str,
    },
    ['id', 'kind', 'status', 'total', 'processed', 'accepted', 'rejected', 'errors', 'errorCount', 'startedAt'],
  ),
};

const ERRORS: Record<string, string> = {
  '400': 'VALIDATION_FAILED: body, path or query fails its schema; unknown fields are refused',
  '401': 'UNAUTHENTICATED: no token, bad signature, wrong issuer or audience, expired',
  '403': "FORBIDDEN: the caller's group may not call this endpoint",
  '404': 'NOT_FOUND: no such record, or it belongs to another owner',
  '409': 'CONFLICT: illegal state transition, or an Idempotency-Key reused with another body; DUPLICATE: a unique key (a USCC) already registered',
  '413': 'PAYLOAD_TOO_LARGE: body over 64 KiB, or over the limit the route declares',
};

const responseSchema = (r: ResponseDoc) => (typeof r === 'string' ? ref(r) : page(r.pageOf));

export function buildOpenApi(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [name, d] of Object.entries(ROUTES) as Array<[string, RouteDecl]>) {
    const isPublic = d.roles === 'public';
    const op: Json = {
      operationId: name,
      tags: [d.group],
      summary: d.summary,
      description: d.addition ? `${d.description} An addition to the v1 contract.` : d.description,
      ...(isPublic ? { security: [] } : { security: [{ bearer: [] }], 'x-groups': d.roles }),
    };
    const parameters: Json[] = [];
    for (const [where, schema] of [['path', d.params], ['query', d.query]] as const) {
      if (!schema) continue;
      const js = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] };
      for (const [param, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name: param, in: where, required: where === 'path' || (js.required ?? []).includes(param), schema: s });
      }
    }
    for (const h of Object.values(d.headers ?? {})) {
      parameters.push({ name: h.name, in: 'header', required: !h.schema.safeParse(undefined).success, schema: schemaOf(h.schema), description: h.description });
    }
    if (parameters.length) op.parameters = parameters;
    if (d.rawBody) {
      op.requestBody = {
        required: true,
        description: `at most ${d.rawBody.maxBytes} bytes`,
        content: { [d.rawBody.mediaType]: { schema: { type: 'string' }, ...(d.example !== undefined ? { example: d.example } : {}) } },
      };
    } else if (d.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(d.body), ...(d.example !== undefined ? { example: d.example } : {}) } },
      };
    }
    const content: Json = { 'application/json': { schema: responseSchema(d.response) } };
    // Routes that answer CSV too (Accept: text/csv): UTF-8 with a byte-order mark.
    if (d.csv) content['text/csv'] = { schema: { type: 'string', description: `columns: ${d.csv.columns.join(', ')}` } };
    const responses: Json = { [String(d.status)]: { description: 'success', content } };
    if (!isPublic) {
      for (const [code, description] of Object.entries(ERRORS)) {
        if (code === '413' && !d.body && !d.rawBody) continue;
        responses[code] = { description, content: { 'application/json': { schema: ref('Error') } } };
      }
    }
    op.responses = responses;
    const ops = (paths[d.path] ??= {});
    const method = d.method.toLowerCase();
    // Two declarations of one route would make the API ambiguous: refuse it while building.
    if (ops[method]) throw new Error(`route ${routeKeyOf(d)} is declared twice`);
    ops[method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'SME service matchmaking API',
      version: '1.0.0',
      description:
        'Matches SME service needs with public service providers under the key projects of the 14th Five-Year Plan for Promoting SME Development. Lists take ?limit=1..100 (default 20) and ?cursor=.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: COMPONENTS,
    },
    paths,
  };
}
