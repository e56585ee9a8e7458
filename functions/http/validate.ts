/**
 * zod at the edge: parse or throw ValidationFailed with the contract's
 * details ({ path, message }). zod/mini carries no message locale, so the
 * messages that matter to a caller are written here from the issue codes.
 */
import type * as z from 'zod/mini';
import { ValidationFailed, type ErrorDetail } from '#domain/errors.ts';

type Issue = z.core.$ZodIssue;

/** What a JSON value is, in a caller's words ("a number", "an array", "null"). */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** The value an issue's path points at in the input: zod/mini issues carry no input unless asked, and a wrong type must not read as missing. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describe(issue: Issue, input: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'invalid_type':
    {
      const got = issue.input !== undefined ? issue.input : valueAt(input, issue.path);
      return got === undefined ? `required (${issue.expected})` : `expected ${article(issue.expected)}, got ${kindOf(got)}`;
    }
    case 'invalid_value':
      // A schema that words its own refusal (a province or service type with a "did you mean") says more than the list.
      if (issue.message && issue.message !== 'Invalid input') return issue.message;
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

/** `input` is what was parsed: it tells a value of the wrong type from a missing one. */
export function issuesToDetails(issues: readonly Issue[], root: string, input?: unknown): ErrorDetail[] {
  return issues.map((i) => {
    const p = [root, ...i.path.map(String)].filter(Boolean).join('.');
    return { path: p, message: describe(i, input) };
  });
}

export function parseWith<S extends z.ZodMiniType>(schema: S, input: unknown, where: 'body' | 'query' | 'path' | 'header'): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new ValidationFailed(`the request ${where} is invalid`, issuesToDetails(r.error.issues, where, input));
  }
  return r.data as z.infer<S>;
}
