/** Handlers of the `inbox` Lambda: any signed-in caller's notifications. */
import type { HttpHandler, TablePorts } from '#functions/ports.ts';
import { listInbox, markRead } from '#functions/usecases/inbox.ts';
import { httpGroup, pageOf } from '../api.ts';
import { notificationView, pageView } from '../views.ts';

export function inboxHttp(ports: TablePorts): HttpHandler {
  return httpGroup(
    'inbox',
    {
      listInbox: async ({ caller, query }) => pageView(await listInbox(ports, caller, pageOf(query)), notificationView),
      markNotificationRead: async ({ caller, params }) => {
        await markRead(ports, caller, params.notificationId);
        return { id: params.notificationId, read: true };
      },
    },
    ports.logger,
  );
}
