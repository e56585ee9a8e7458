/**
 * Schemas of the HTTP edge that are not domain bodies: path ids, paging and
 * headers. Data only (zod/mini), so the route declarations that use them stay
 * importable by infra and the public Lambda.
 */
import * as z from 'zod/mini';

/** Ids are made by the server: a prefix, an underscore and 10-64 url-safe characters. */
export const id = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{10,64}$`), `must be a ${prefix}_ id`));

/** A notification id embeds its time (see usecases/inbox.ts): a fixed length after the prefix. */
export const notificationId = z.string().check(z.regex(/^nt_[A-Za-z0-9_-]{25}$/, 'must be a nt_ id'));

export const PageQuery = {
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, 'must be an integer 1..100')),
      z.pipe(
        z.transform((s: string) => Number(s)),
        z.int().check(z.minimum(1), z.maximum(100)),
      ),
    ),
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const IdempotencyKey = z.optional(
  z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -')),
);
