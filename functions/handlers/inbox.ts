/** Lambda entry: the `inbox` HTTP routes (functions/http/routes.ts, group 'inbox'). Publishes no event. */
import { inboxHttp } from '#functions/http/groups/inbox.ts';
import { awsTablePorts } from '#functions/adapters/aws-table.ts';

export const handler = inboxHttp(awsTablePorts());
