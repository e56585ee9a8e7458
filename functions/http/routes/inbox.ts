/** The routes of the `inbox` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import { LangQuery } from '#domain/language.ts';
import { notificationId, PageQuery } from '../schemas.ts';
import { route, type HeaderDecl } from '../route-decl.ts';

const AcceptLanguage = {
  name: 'Accept-Language',
  // Read leniently: a header we cannot use falls back to Chinese rather than refusing the request (browsers send it unasked).
  schema: z.optional(z.string()),
  description: 'Used when `?lang` is absent: the supported language it prefers (by q-value), zh-* meaning Chinese; otherwise Chinese.',
} satisfies HeaderDecl;

export const inboxRoutes = {
  listInbox: route({
    method: 'GET', path: '/v1/inbox', group: 'inbox', roles: ['sme', 'provider', 'operator'], status: 200, response: { pageOf: 'Notification' },
    summary: "The caller's notifications, newest first, with their title and body in the caller's language",
    description:
      "Any signed-in caller, for their own inbox; an operator also reads the operators' shared inbox (new proposals, disputes, overdue deliveries). " +
      'The text is in `?lang` (zh or en), else the best of `Accept-Language`, else Chinese.',
    query: z.strictObject({ ...PageQuery, ...LangQuery }),
    headers: { acceptLanguage: AcceptLanguage },
  }),
  markNotificationRead: route({
    method: 'POST', path: '/v1/inbox/{notificationId}/read', group: 'inbox', roles: ['sme', 'provider', 'operator'], status: 200, response: 'ReadReceipt',
    summary: 'Mark a notification read',
    description:
      "Any signed-in caller, in their own inbox; another caller's notification answers 404. An item of the operators' shared inbox is marked read for all operators: it says the group has seen it.",
    params: z.strictObject({ notificationId }),
  }),
};
