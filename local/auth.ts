/**
 * Local identity: issues ID tokens the way the Cognito user pool does and
 * verifies them the way API Gateway's JWT authorizer does, so handlers see
 * the same claims locally as in AWS.
 *
 * Issuer: the fixed `urn:local:issuer` (LOCAL_ISSUER), not
 * `http://localhost:<port>/local`: the port changes between runs (PORT=0 in
 * tests, a busy 3000), and a token must survive a restart on another port.
 * The ES256 key pair is generated on first start and kept in
 * DATA_DIR/auth-key.json, so tokens also survive restarts; deleting that file
 * revokes every token issued before.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import * as z from 'zod/mini';
import { readOrCreate } from './files.ts';

export const LOCAL_ISSUER = 'urn:local:issuer';
export const LOCAL_AUDIENCE = 'sme-matchmaking-local';
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
const ALG = 'ES256';
export const AUTH_KEY_FILE = 'auth-key.json';
/** Leeway for an `iat` a little ahead of this clock (a token minted in the same second). */
const IAT_SKEW_SECONDS = 5;

export const ROLES = ['sme', 'provider', 'operator'] as const;
export type LocalRole = (typeof ROLES)[number];

/** Body of POST /local/tokens; strict like every body of the contract. */
export const TokenRequest = z.strictObject({
  role: z.enum(ROLES),
  // Subs end up inside table keys: keep them to characters no key syntax uses.
  sub: z.optional(
    z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ - only')),
  ),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

/** What API Gateway puts in `requestContext.authorizer.jwt`. */
export interface VerifiedJwt {
  claims: Record<string, string>;
  /** null when the token carries no `scope` claim (Cognito ID tokens), as API Gateway sends it. */
  scopes: string[] | null;
}

export interface LocalAuth {
  readonly issuer: string;
  readonly audience: string;
  /** The public key set, as a JWKS endpoint would serve it. */
  readonly jwks: { keys: JWK[] };
  issue(role: LocalRole, sub?: string): Promise<{ token: string; sub: string }>;
  /** The authorizer's decision: the claims as API Gateway renders them, or null (answer 401). */
  verify(token: string): Promise<VerifiedJwt | null>;
}

/**
 * API Gateway passes every claim to the integration as a string: numbers
 * and booleans as their text, arrays as `[a b]` (so `cognito:groups` arrives
 * as `[sme]`), objects in the same bracketed rendering.
 */
export function renderClaims(payload: JWTPayload): Record<string, string> {
  const render = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(render).join(' ')}]`;
    if (v !== null && typeof v === 'object') {
      return `map[${Object.entries(v)
        .map(([k, x]) => `${k}:${render(x)}`)
        .join(' ')}]`;
    }
    return String(v);
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) if (v !== undefined) out[k] = render(v);
  return out;
}

/** Loads the key pair under dataDir, creating it on first start. */
export async function openLocalAuth(dataDir: string): Promise<LocalAuth> {
  const text = await readOrCreate(path.join(dataDir, AUTH_KEY_FILE), async () => {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const jwk = await exportJWK(privateKey);
    return JSON.stringify({ ...jwk, alg: ALG, use: 'sig', kid: await calculateJwkThumbprint(jwk) }, null, 2);
  });
  return localAuthFromJwk(JSON.parse(text) as JWK);
}

export async function localAuthFromJwk(privateJwk: JWK): Promise<LocalAuth> {
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(privateJwk));
  // Only the public members: never let `d` (or export flags) reach the key set.
  const pub: JWK = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, kid, alg: ALG, use: 'sig' };
  const privateKey = await importJWK(privateJwk, ALG);
  const keySet = createLocalJWKSet({ keys: [pub] });

  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    jwks: { keys: [pub] },

    async issue(role, sub = randomUUID()) {
      // Shaped like a Cognito ID token: the groups claim is an array, token_use 'id'.
      const token = await new SignJWT({ 'cognito:groups': [role], token_use: 'id' })
        .setProtectedHeader({ alg: ALG, typ: 'JWT', kid })
        .setSubject(sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, sub };
    },

    async verify(token) {
      try {
        // Pinned to ES256: `alg: none`, HS256 (e.g. keyed with our public key)
        // and any other algorithm are refused before any key is used.
        const { payload, protectedHeader } = await jwtVerify(token, keySet, {
          algorithms: [ALG],
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        // API Gateway selects the key by `kid`; a token without one is refused there too.
        if (protectedHeader.kid !== kid) return null;
        // jose checks that these claims are present, not what they hold. API Gateway
        // also wants `iat` before the current time (a token from a clock a day ahead
        // is refused), and every subject the platform issues is a non-empty string.
        if (typeof payload.sub !== 'string' || payload.sub.length === 0) return null;
        if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) return null;
        const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : null;
        return { claims: renderClaims(payload), scopes };
      } catch {
        return null;
      }
    },
  };
}
