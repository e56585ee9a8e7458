/** Lambda entry: the notifier, writing inboxes from match events (functions/usecases/inbox.ts). Publishes no event. */
import { notifierHandler } from '#functions/usecases/inbox.ts';
import { awsTablePorts } from '#functions/adapters/aws-table.ts';

export const handler = notifierHandler(awsTablePorts());
