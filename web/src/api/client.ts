/**
 * The typed API client: one fetch wrapper that sends the bearer token and
 * turns the contract's error body into an ApiError. Pages never call fetch.
 */
import type { ErrorCode } from '#domain/errors.ts';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** v2 adds these codes to the contract; the console already names them. */
export type ApiErrorCode = ErrorCode | 'QUOTA_EXCEEDED' | 'DUPLICATE';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The contract's code, or undefined when the answer was not the contract's JSON (a proxy's 502, the network). */
    readonly code: ApiErrorCode | undefined,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** status 0: the request never got an answer. */
export const isNetworkError = (e: unknown): boolean => e instanceof ApiError && e.status === 0;

export interface Api {
  get<T>(path: string): Promise<T>;
  /** With a `content-type` header, a string or Blob body is sent as it is (register CSVs); otherwise the body is JSON. */
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  /** A file the API answers (a settlement as CSV), with the bearer token like every call. */
  blob(path: string, accept: string): Promise<Blob>;
}

export interface ApiOptions {
  /** The current bearer token, if signed in. */
  token: () => string | undefined;
  /** Called on a 401 (expired or revoked token), before the error is thrown. */
  onUnauthenticated?: () => void;
  /** @default '' (same origin); a function when it is known only after start (config.json's apiBase). */
  baseUrl?: string | (() => string);
  /** Sent as Accept-Language: the language the server words its error messages in (zh or en). */
  language?: () => string;
}

function parseError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    const details = Array.isArray(e.details)
      ? e.details.filter((d): d is ErrorDetail => typeof d?.path === 'string' && typeof d?.message === 'string')
      : [];
    return new ApiError(status, e.code as ApiErrorCode, e.message, details);
  }
  return new ApiError(status, undefined, `HTTP ${status}`);
}

export function createApi(opts: ApiOptions): Api {
  const base = opts.baseUrl ?? '';
  async function send(method: string, path: string, body: unknown, extra: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    const language = opts.language?.();
    if (language) headers['accept-language'] = language;
    const token = opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    // A file (a register CSV) with its own content type goes as it is, byte for byte; everything else is JSON.
    const raw = extra['content-type'] !== undefined && (typeof body === 'string' || body instanceof Blob);
    if (body !== undefined && !raw) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch((typeof base === 'function' ? base() : base) + path, { method, headers, ...(body === undefined ? {} : { body: raw ? (body as string | Blob) : JSON.stringify(body) }) });
    } catch (cause) {
      throw new ApiError(0, undefined, cause instanceof Error ? cause.message : 'network error');
    }
    if (res.ok) return res;
    if (res.status === 401) opts.onUnauthenticated?.();
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (an HTML error page of a proxy): handled by status.
    }
    throw parseError(res.status, json);
  }
  async function request<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    const text = await (await send(method, path, body, extra)).text();
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      return null as T;
    }
  }
  return {
    get: (path) => request('GET', path),
    post: (path, body, headers) => request('POST', path, body, headers),
    patch: (path, body) => request('PATCH', path, body),
    blob: async (path, accept) => (await send('GET', path, undefined, { accept })).blob(),
  };
}
