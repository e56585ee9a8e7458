/**
 * The one mapper from errors to the contract's JSON errors. Known
 * application errors keep their status, code, message and details; anything
 * else is a 500 with a fixed message, logged in full but never shown.
 */
import { isAppError } from '#domain/errors.ts';
import { inChinese } from './error-language.ts';

export interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

/** `lang`: the caller's (error-language.ts); a refusal's message and details are then in Chinese where a rule knows them. */
export function errorResponse(err: unknown, lang: 'zh' | 'en' = 'en'): { statusCode: number; body: ErrorBody } {
  if (isAppError(err)) {
    const { message, details } = lang === 'zh' ? inChinese(err) : err;
    return { statusCode: err.statusCode, body: { error: { code: err.code, message, details } } };
  }
  return {
    statusCode: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error; it has been logged', details: [] } },
  };
}
