/**
 * Lambda entry: the notifier, writing inboxes from events (functions/usecases/inbox.ts),
 * and e-mailing them when EMAIL_FROM is set. Publishes no event.
 */
import { notifierHandler } from '#functions/usecases/inbox.ts';
import { awsTablePorts } from '#functions/adapters/aws-table.ts';
import { sesMailer } from '#functions/adapters/ses.ts';

const ports = awsTablePorts();
const from = ports.config.EMAIL_FROM;
export const handler = notifierHandler(ports, from ? sesMailer({ from }) : undefined);
