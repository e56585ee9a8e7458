/**
 * Routes only the local runtime has, plugged into its gateway (the gateway
 * itself is only what API Gateway does):
 *
 * - GET /docs: a page rendering /openapi.json (docs-page.ts);
 * - POST /local/tokens: a token for a role, as signing in to the Cognito
 *   user pool would give one. Its body is strict and refused in the
 *   contract's error shape, like every body of the contract.
 */
import { TokenRequest, type LocalAuth } from './auth.ts';
import { errorBody } from './aws-shapes.ts';
import { DOCS_HTML } from './docs-page.ts';
import type { LocalRoute } from './gateway.ts';
import { readBodyWithin, writeJson } from './http-io.ts';

export function docsRoute(): LocalRoute {
  return {
    method: 'GET',
    path: '/docs',
    async handle(_req, res, { requestId }) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-request-id': requestId });
      res.end(DOCS_HTML);
      return 200;
    },
  };
}

export function tokensRoute(auth: Pick<LocalAuth, 'issue'>): LocalRoute {
  return {
    method: 'POST',
    path: '/local/tokens',
    async handle(req, res, { requestId, maxBodyBytes }) {
      const read = await readBodyWithin(req, res, maxBodyBytes, requestId);
      if (!read.ok) return read.status;
      let json: unknown;
      try {
        json = JSON.parse(read.body.toString('utf8') || 'null');
      } catch {
        return writeJson(res, 400, errorBody('VALIDATION_FAILED', 'the body is not valid JSON'), requestId);
      }
      const parsed = TokenRequest.safeParse(json);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        return writeJson(res, 400, errorBody('VALIDATION_FAILED', 'invalid token request', details), requestId);
      }
      return writeJson(res, 201, await auth.issue(parsed.data.role, parsed.data.sub), requestId);
    },
  };
}

/** Every local-only route, as the runtime serves them. */
export function localRoutes(auth: Pick<LocalAuth, 'issue'>): LocalRoute[] {
  return [docsRoute(), tokensRoute(auth)];
}
