/** Routes of the `smes` Lambda: SMEs, their needs, and the needs' matches. */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { Conflict, NotFound, ValidationFailed } from '#domain/errors.ts';
import { CreateNeedBody, CreateSmeBody, type Need, type Sme } from '#domain/model.ts';
import type { AppPorts } from '../../app.ts';
import { deadlineEnd, needKey } from '../../store/keys.ts';
import type { Stored } from '../../store/store.ts';
import { endNeed, needEvent } from '../../usecases/lifecycle.ts';
import { assertOwned, assertVisible, iso, newId, publishStored } from '../../usecases/support.ts';
import { id, PageQuery, pageOf, route, type RouteDef } from '../api.ts';
import { matchView, needView, smeView } from '../views.ts';

const SmeParams = z.strictObject({ smeId: id('sm') });
const NeedParams = z.strictObject({ needId: id('nd') });
const IdempotencyKeyHeader = z.optional(
  z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -')),
);

/** Canonical JSON (sorted keys), so the same body in another key order is the same request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function smeRoutes(ports: AppPorts): RouteDef[] {
  const { store, clock, config } = ports;

  const visibleNeed = async (caller: Parameters<typeof assertVisible>[0], needId: string) =>
    assertVisible(caller, await store.get('need', needId), 'need');

  /** Creates the need (idempotent by id: a retry after a crash finds it or makes it). */
  async function createNeed(sme: Stored<Sme>, needId: string, body: CreateNeedBody): Promise<Stored<Need>> {
    const existing = await store.get('need', needId, true);
    if (existing) return existing;
    const now = iso(clock.now());
    const n: Need = {
      id: needId,
      smeId: sme.id,
      ownerSub: sme.ownerSub,
      serviceType: body.serviceType,
      description: body.description,
      remoteOk: body.remoteOk,
      languages: body.languages ?? [],
      markets: body.markets ?? [],
      ...(body.budgetMax !== undefined ? { budgetMax: body.budgetMax } : {}),
      deadline: body.deadline,
      status: 'WAITING',
      sme: { sizeClass: sme.sizeClass, tier: sme.tier, region: sme.region, weakFoundation: sme.weakFoundation },
      postedAt: now,
      updatedAt: now,
      version: 1,
      excludedOfferingIds: [],
    };
    const events = [needEvent(n, 'NeedPosted')];
    try {
      await store.create('need', n, events);
    } catch (e) {
      // A concurrent request with the same key made it first: answer that one.
      if (e instanceof Conflict) {
        const won = await store.get('need', needId, true);
        if (won) return won;
      }
      throw e;
    }
    await publishStored(ports, needKey(n.id), events, n.version);
    return n;
  }

  type CreateNeedBody = z.infer<typeof CreateNeedBody>;

  return [
    route({
      routeKey: 'POST /v1/smes',
      roles: ['sme'],
      status: 201,
      body: CreateSmeBody,
      handle: async ({ caller, body }) => {
        const now = iso(clock.now());
        const s: Sme = {
          id: newId('sm'),
          ownerSub: caller.sub,
          ...body,
          weakFoundation: body.weakFoundation ?? false,
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        await store.create('sme', s);
        return smeView(s);
      },
    }),
    route({
      routeKey: 'GET /v1/smes',
      roles: ['sme', 'operator'],
      query: z.strictObject(PageQuery),
      handle: async ({ caller, query }) => {
        const page = caller.role === 'operator' ? await store.listAllSmes(pageOf(query)) : await store.listSmesOfOwner(caller.sub, pageOf(query));
        return { items: page.items.map(smeView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/smes/{smeId}',
      roles: ['sme', 'operator'],
      params: SmeParams,
      handle: async ({ caller, params }) => smeView(assertVisible(caller, await store.get('sme', params.smeId), 'SME')),
    }),
    route({
      routeKey: 'POST /v1/smes/{smeId}/needs',
      roles: ['sme'],
      status: 201,
      params: SmeParams,
      body: CreateNeedBody,
      handle: async ({ caller, params, body, headers }) => {
        const key = IdempotencyKeyHeader.safeParse(headers['idempotency-key']);
        if (!key.success) {
          throw new ValidationFailed('the Idempotency-Key header is invalid', [
            { path: 'header.idempotency-key', message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' },
          ]);
        }
        const sme = assertOwned(caller, await store.get('sme', params.smeId), 'SME');
        const now = clock.now();
        if (deadlineEnd(body.deadline) < iso(now)) {
          throw new ValidationFailed('the request body is invalid', [{ path: 'body.deadline', message: 'must not be in the past' }]);
        }
        if (key.data === undefined) return needView(await createNeed(sme, newId('nd'), body));

        // Idempotency: record (key -> request hash, need id) first, then create the need under the
        // recorded id, so a retry after a crash between the two makes that same need.
        const requestHash = createHash('sha256').update(`${sme.id}|${canonical(body)}`).digest('base64url');
        const scope = caller.sub;
        const nowS = Math.floor(now.getTime() / 1000);
        const needId = newId('nd');
        const put = await store.putIdempotency(
          scope,
          key.data,
          { requestHash, resultId: needId, expiresAt: nowS + config.IDEMPOTENCY_TTL_HOURS * 3600 },
          nowS,
        );
        if (!put.stored && put.existing.requestHash !== requestHash) {
          throw new Conflict('this Idempotency-Key was used with another request body');
        }
        const resultId = put.stored ? needId : put.existing.resultId;
        return needView(await createNeed(sme, resultId, body));
      },
    }),
    route({
      routeKey: 'GET /v1/smes/{smeId}/needs',
      roles: ['sme', 'operator'],
      params: SmeParams,
      query: z.strictObject(PageQuery),
      handle: async ({ caller, params, query }) => {
        assertVisible(caller, await store.get('sme', params.smeId), 'SME');
        const page = await store.listNeedsOfSme(params.smeId, pageOf(query));
        return { items: page.items.map(needView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/smes/{smeId}/matches',
      roles: ['sme', 'operator'],
      params: SmeParams,
      query: z.strictObject(PageQuery),
      handle: async ({ caller, params, query }) => {
        assertVisible(caller, await store.get('sme', params.smeId), 'SME');
        const page = await store.listMatchesOfSme(params.smeId, pageOf(query));
        return { items: page.items.map(matchView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/needs/{needId}',
      roles: ['sme', 'operator'],
      params: NeedParams,
      handle: async ({ caller, params }) => {
        const n = await visibleNeed(caller, params.needId);
        const m = n.currentMatchId ? await store.get('match', n.currentMatchId) : undefined;
        return { ...needView(n), currentMatch: m ? matchView(m) : null };
      },
    }),
    route({
      routeKey: 'POST /v1/needs/{needId}/withdraw',
      roles: ['sme'],
      params: NeedParams,
      handle: async ({ caller, params }) => {
        const notFound = () => new NotFound('need not found');
        const n = await endNeed(
          ports,
          params.needId,
          'withdraw',
          (cur) => {
            if (cur.ownerSub !== caller.sub) throw notFound();
          },
          notFound,
        );
        return needView(n);
      },
    }),
    route({
      routeKey: 'GET /v1/needs/{needId}/matches',
      roles: ['sme', 'operator'],
      params: NeedParams,
      query: z.strictObject(PageQuery),
      handle: async ({ caller, params, query }) => {
        await visibleNeed(caller, params.needId);
        const page = await store.listMatchesOfNeed(params.needId, pageOf(query));
        return { items: page.items.map(matchView), nextCursor: page.nextCursor };
      },
    }),
  ];
}
