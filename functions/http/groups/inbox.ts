/** Routes of the `inbox` Lambda: any signed-in caller's notifications. */
import * as z from 'zod/mini';
import { NotFound } from '#domain/errors.ts';
import type { AppPorts } from '../../app.ts';
import { timeOfNotificationId } from '../../usecases/inbox.ts';
import { PageQuery, pageOf, route, type RouteDef } from '../api.ts';

export function inboxRoutes(ports: AppPorts): RouteDef[] {
  const { store } = ports;
  return [
    route({
      routeKey: 'GET /v1/inbox',
      roles: ['sme', 'provider', 'operator'],
      query: z.strictObject(PageQuery),
      handle: async ({ caller, query }) => {
        const page = await store.listInbox(caller.sub, pageOf(query));
        return {
          items: page.items.map(({ recipientSub: _r, ...n }) => n),
          nextCursor: page.nextCursor,
        };
      },
    }),
    route({
      routeKey: 'POST /v1/inbox/{notificationId}/read',
      roles: ['sme', 'provider', 'operator'],
      params: z.strictObject({ notificationId: z.string().check(z.regex(/^nt_[A-Za-z0-9_-]{25}$/, 'must be a nt_ id')) }),
      handle: async ({ caller, params }) => {
        const at = timeOfNotificationId(params.notificationId);
        // The key is the caller's own inbox: someone else's notification id simply is not there.
        if (!at || !(await store.markRead(caller.sub, at, params.notificationId))) throw new NotFound('notification not found');
        return { id: params.notificationId, read: true };
      },
    }),
  ];
}
