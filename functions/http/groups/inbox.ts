/** Handlers of the `inbox` Lambda: any signed-in caller's notifications. */
import { pickLanguage } from '#domain/language.ts';
import type { HttpHandler, TablePorts } from '#functions/ports.ts';
import { listInbox, markRead } from '#functions/usecases/inbox.ts';
import { httpGroup, pageOf } from '../api.ts';
import { inboxRoutes } from '../routes/inbox.ts';
import { notificationView, pageView } from '../views.ts';

export function inboxHttp(ports: TablePorts): HttpHandler {
  return httpGroup(
    inboxRoutes,
    {
      listInbox: async ({ caller, query, headers }) =>
        pageView(
          await listInbox(ports, caller, pageOf(query), pickLanguage({ query: query.lang, acceptLanguage: headers.acceptLanguage })),
          notificationView,
        ),
      markNotificationRead: async ({ caller, params }) => {
        await markRead(ports, caller, params.notificationId);
        return { id: params.notificationId, read: true };
      },
    },
    ports.logger,
  );
}
