/**
 * The shape of a route declaration and what declarations share. The
 * declarations themselves live in http/routes/<group>.ts, one file per
 * Lambda, and http/routes.ts assembles them. Every HTTP route, declared once: method, path, the Lambda (group) that
 * serves it, who may call it, the schemas of its path, query, headers and
 * body, its success status and response, and the words and example the
 * OpenAPI document shows. Everything else is derived from this table:
 *
 * - HTTP_ROUTES: one API Gateway route per entry (infra/constructs/http-api.ts)
 *   and the local gateway's routing (JWT authorizer unless the route is public);
 * - each group's dispatch table (http/api.ts), which binds a handler to each
 *   declaration by its name (http/groups/<group>.ts);
 * - the OpenAPI document (http/openapi.ts).
 *
 * Data only (schemas and words): infra and the public Lambda import it
 * without pulling any use case, store or AWS SDK.
 */
import * as z from 'zod/mini';
import type { Role } from '../ports.ts';
import { id, PageQuery } from './schemas.ts';

export type HttpGroup = 'public' | 'providers' | 'smes' | 'matches' | 'inbox' | 'analytics' | 'vouchers' | 'registers';
export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/** What API Gateway (and the local gateway) needs of a route. */
export interface HttpRoute {
  method: HttpMethod;
  /** API Gateway path syntax: /v1/providers/{providerId} */
  path: string;
  group: HttpGroup;
  auth: 'none' | 'jwt';
  /** The route's own body limit in bytes, when it takes more than the contract's 64 KiB (see RouteDecl.rawBody). */
  maxBodyBytes?: number;
}

/**
 * A body taken as raw bytes of one media type instead of JSON, with its own
 * size limit: the local gateway and the HTTP edge of the Lambda both enforce
 * the limit from here. API Gateway's own payload limit for HTTP APIs is 10 MB,
 * and a Lambda's synchronous request payload 6 MB, so limits up to ~5 MiB hold in AWS.
 */
export interface RawBodyDecl {
  /** e.g. text/csv; parameters (charset) are checked by the handler. */
  mediaType: string;
  maxBytes: number;
}

export type Schema = z.ZodMiniType;

/** A request header a route reads, validated like the body. */
export interface HeaderDecl<S extends Schema = Schema> {
  /** As clients write it (e.g. Idempotency-Key); matched case-insensitively. */
  name: string;
  schema: S;
  description: string;
}

/** The response shapes the OpenAPI document describes (its components, see http/openapi.ts). */
export type ComponentName = 'Health' | 'Catalog' | 'Regions' | 'OpenApiDocument' | 'Provider' | 'Offering' | 'Capacity' | 'Sme' | 'Need'
  | 'NeedWithCurrentMatch' | 'Match' | 'Notification' | 'ReadReceipt' | 'MarketReport'
  | 'VoucherProgramme' | 'Voucher' | 'Settlement' | 'KpiReport'
  | 'ImportStarted' | 'Import';

/**
 * A route that can also answer CSV (`Accept: text/csv`): its columns and how
 * its JSON result becomes rows. Served in one place (http/api.ts, http/csv.ts).
 */
export interface CsvDecl {
  columns: readonly string[];
  /** Typed by each declaration for its own result; `never` here so any such function fits. */
  rows: (out: never) => ReadonlyArray<ReadonlyArray<string | number | null | undefined>>;
}

/** One entity, or a page of them (`{ items, nextCursor }`). */
export type ResponseDoc = ComponentName | { pageOf: ComponentName };

export interface RouteDecl<
  G extends HttpGroup = HttpGroup,
  R extends readonly Role[] | 'public' = readonly Role[] | 'public',
  B extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  P extends Schema | undefined = Schema | undefined,
  H extends Record<string, HeaderDecl> | undefined = Record<string, HeaderDecl> | undefined,
> {
  method: HttpMethod;
  path: string;
  group: G;
  /** The groups that may call it, or 'public': no authorizer and no caller. */
  roles: R;
  /** One line, for the OpenAPI operation. */
  summary: string;
  /** Who may call it and on which records; what it does beyond the summary. */
  description: string;
  params?: P;
  query?: Q;
  /** By the key the handler reads the parsed value under. */
  headers?: H;
  body?: B;
  /** Instead of a JSON body: raw bytes of one media type (the handler receives them as `rawBody`). */
  rawBody?: RawBodyDecl;
  /** A body this route accepts, shown in the document (a test checks it against `body`). */
  example?: unknown;
  /** Success status. */
  status: number;
  response: ResponseDoc;
  /** Also answers text/csv when the caller's Accept asks for it. */
  csv?: CsvDecl;
  /** Not in the v1 contract (api.md): an addition of this implementation. */
  addition?: true;
}

/** Keeps each declaration's literal types, so the handler bound to it gets typed input. */
export function route<
  const G extends HttpGroup,
  const R extends readonly Role[] | 'public',
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  H extends Record<string, HeaderDecl> | undefined = undefined,
>(d: RouteDecl<G, R, B, Q, P, H>): RouteDecl<G, R, B, Q, P, H> {
  return d;
}

/** API Gateway's routeKey of a declaration (`GET /v1/providers/{providerId}`). */
export const routeKeyOf = (d: Pick<RouteDecl, 'method' | 'path'>) => `${d.method} ${d.path}`;

export const ProviderParams = z.strictObject({ providerId: id('pr') });
export const OfferingParams = z.strictObject({ offeringId: id('of') });
export const SmeParams = z.strictObject({ smeId: id('sm') });
export const NeedParams = z.strictObject({ needId: id('nd') });
export const MatchParams = z.strictObject({ matchId: id('mt') });
export const ImportParams = z.strictObject({ importId: id('im') });
export const Paging = z.strictObject(PageQuery);

export const ANYONE = 'Anyone, without a token.';
export const OWNER_OR_OPERATOR = (what: string) => `The ${what}'s owner, or any operator; another owner's ${what} answers 404.`;

/** The declarations, by name (the OpenAPI operationId); the order is HTTP_ROUTES' order. */
