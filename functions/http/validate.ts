/**
 * zod at the edge: parse or throw ValidationFailed with the contract's
 * details ({ path, message }). zod/mini carries no message locale, so the
 * messages that matter to a caller are written here from the issue codes.
 */
import type * as z from 'zod/mini';
import { ValidationFailed, type ErrorDetail } from '#domain/errors.ts';

type Issue = z.core.$ZodIssue;

function describe(issue: Issue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must have at least ${String(issue.minimum)} character(s)`
        : issue.origin === 'array'
          ? `must have at least ${String(issue.minimum)} item(s)`
          : `must be >= ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must have at most ${String(issue.maximum)} character(s)`
        : issue.origin === 'array'
          ? `must have at most ${String(issue.maximum)} item(s)`
          : `must be <= ${String(issue.maximum)}`;
    case 'invalid_format':
      // A pattern check's own message (e.g. "must be a month, YYYY-MM") says more than the format name.
      return issue.message && issue.message !== 'Invalid input' ? issue.message : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : 'invalid value';
  }
}

export function issuesToDetails(issues: readonly Issue[], root: string): ErrorDetail[] {
  return issues.map((i) => {
    const p = [root, ...i.path.map(String)].filter(Boolean).join('.');
    return { path: p, message: describe(i) };
  });
}

export function parseWith<S extends z.ZodMiniType>(schema: S, input: unknown, where: 'body' | 'query' | 'path' | 'header'): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new ValidationFailed(`the request ${where} is invalid`, issuesToDetails(r.error.issues, where));
  }
  return r.data as z.infer<S>;
}
