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
const COMPONENTS: Record<ComponentName | 'Error' | 'MarketRow', Json> = {
  Health: obj({ status: { const: 'ok' } }),
  Catalog: { type: 'object', description: 'projects, their service types (id, zh, en) and provider kinds; catalog version ' + CATALOG_VERSION },
  OpenApiDocument: { type: 'object', description: 'this document' },
  Error: obj({
    error: obj({
      code: { type: 'string', enum: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'INTERNAL'] },
      message: str,
      details: { type: 'array', items: obj({ path: str, message: str }) },
    }),
  }),
  Provider: obj(
    { id: str, ownerSub: str, name: str, kind: str, regions: { type: 'array', items: str }, languages: { type: 'array', items: str }, certifications: { type: 'array', items: str }, description: str, rating: { type: ['number', 'null'] }, ratingCount: int, createdAt: time, updatedAt: time },
    ['id', 'ownerSub', 'name', 'kind', 'regions', 'languages', 'certifications', 'rating', 'ratingCount', 'createdAt', 'updatedAt'],
  ),
  Offering: obj(
    { id: str, providerId: str, serviceType: str, title: str, regions: { type: 'array', items: str }, remote: { type: 'boolean' }, markets: { type: 'array', items: str }, languages: { type: 'array', items: str }, capacityPerMonth: int, priceMin: int, priceMax: int, publicWelfare: { type: 'boolean' }, eligibility: { type: 'object' }, leadTimeDays: int, status: { enum: ['ACTIVE', 'PAUSED'] }, createdAt: time, updatedAt: time },
    ['id', 'providerId', 'serviceType', 'title', 'regions', 'remote', 'markets', 'languages', 'capacityPerMonth', 'publicWelfare', 'eligibility', 'leadTimeDays', 'status', 'createdAt', 'updatedAt'],
  ),
  Sme: obj(
    { id: str, ownerSub: str, name: str, sizeClass: str, tier: str, industry: str, region: obj({ province: str, city: str }, ['province']), weakFoundation: { type: 'boolean' }, createdAt: time, updatedAt: time },
    ['id', 'ownerSub', 'name', 'sizeClass', 'tier', 'industry', 'region', 'weakFoundation', 'createdAt', 'updatedAt'],
  ),
  Need: obj(
    { id: str, smeId: str, ownerSub: str, serviceType: str, description: str, remoteOk: { type: 'boolean' }, languages: { type: 'array', items: str }, markets: { type: 'array', items: str }, budgetMax: int, deadline: { type: 'string', format: 'date' }, status: { enum: [...NEED_STATUSES] }, sme: { type: 'object', description: 'the SME profile the matcher used, copied when the need was posted' }, postedAt: time, updatedAt: time, currentMatchId: str, excludedOfferingIds: { type: 'array', items: str } },
    ['id', 'smeId', 'serviceType', 'description', 'remoteOk', 'languages', 'markets', 'deadline', 'status', 'postedAt', 'updatedAt', 'excludedOfferingIds'],
  ),
  Match: obj(
    {
      id: str, needId: str, offeringId: str, providerId: str, smeId: str, serviceType: str,
      period: { type: 'string', description: 'the capacity month (YYYY-MM) this match holds a claim in' },
      status: { enum: [...MATCH_STATUSES], description: 'CANCELLED (an addition to the contract): the need was withdrawn or expired while the match was open' },
      score: { type: 'number' },
      breakdown: obj({ proximity: { type: 'number' }, specialisation: { type: 'number' }, reputation: { type: 'number' }, price: { type: 'number' }, load: { type: 'number' }, fit: { type: 'number' }, priority: { type: 'number' }, priorityReasons: { type: 'array', items: str }, weight: { type: 'number' } }),
      policyVersion: str, smeAccepted: { type: 'boolean' }, providerAccepted: { type: 'boolean' },
      feedback: obj({ rating: int, comment: str, at: time }, ['rating', 'at']),
      needPostedAt: time, smeProvince: str, expiresAt: time, createdAt: time, updatedAt: time,
      history: { type: 'array', items: obj({ status: str, at: time, by: { enum: ['operator', 'sme', 'provider', 'system'] }, reason: str }, ['status', 'at', 'by']) },
    },
    ['id', 'needId', 'offeringId', 'providerId', 'smeId', 'serviceType', 'period', 'status', 'score', 'breakdown', 'policyVersion', 'createdAt', 'history'],
  ),
  Notification: obj({ id: str, type: { enum: [...NOTIFICATION_TYPES] }, matchId: str, needId: str, at: time, read: { type: 'boolean' } }, ['id', 'type', 'at', 'read']),
  Capacity: obj({ offeringId: str, period: str, limit: int, used: int }),
  ReadReceipt: obj({ id: str, read: { type: 'boolean' } }),
  MarketRow: obj(
    { serviceType: str, province: str, waiting: int, proposed: int, confirmed: int, completed: int, capacity: int, used: int, medianHoursToMatch: { type: ['number', 'null'] } },
    ['serviceType', 'waiting', 'proposed', 'confirmed', 'completed', 'capacity', 'used', 'medianHoursToMatch'],
  ),
  MarketReport: obj({ period: str, items: { type: 'array', items: ref('MarketRow') } }),
  NeedWithCurrentMatch: { allOf: [ref('Need'), obj({ currentMatch: { oneOf: [ref('Match'), { type: 'null' }] } })] },
};

const ERRORS: Record<string, string> = {
  '400': 'VALIDATION_FAILED: body, path or query fails its schema; unknown fields are refused',
  '401': 'UNAUTHENTICATED: no token, bad signature, wrong issuer or audience, expired',
  '403': "FORBIDDEN: the caller's group may not call this endpoint",
  '404': 'NOT_FOUND: no such record, or it belongs to another owner',
  '409': 'CONFLICT: illegal state transition, or an Idempotency-Key reused with another body',
  '413': 'PAYLOAD_TOO_LARGE: body over 64 KiB',
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
    if (d.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(d.body), ...(d.example !== undefined ? { example: d.example } : {}) } },
      };
    }
    const responses: Json = { [String(d.status)]: { description: 'success', content: { 'application/json': { schema: responseSchema(d.response) } } } };
    if (!isPublic) {
      for (const [code, description] of Object.entries(ERRORS)) {
        if (code === '413' && !d.body) continue;
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
