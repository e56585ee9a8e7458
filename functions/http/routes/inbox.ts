/** The routes of the `inbox` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import { notificationId } from '../schemas.ts';
import { Paging, route } from '../route-decl.ts';

export const inboxRoutes = {
  listInbox: route({
    method: 'GET', path: '/v1/inbox', group: 'inbox', roles: ['sme', 'provider', 'operator'], status: 200, response: { pageOf: 'Notification' },
    summary: "The caller's notifications, newest first",
    description: 'Any signed-in caller, for their own inbox.',
    query: Paging,
  }),
  markNotificationRead: route({
    method: 'POST', path: '/v1/inbox/{notificationId}/read', group: 'inbox', roles: ['sme', 'provider', 'operator'], status: 200, response: 'ReadReceipt',
    summary: 'Mark a notification read',
    description: "Any signed-in caller, in their own inbox; another caller's notification answers 404.",
    params: z.strictObject({ notificationId }),
  }),
};
