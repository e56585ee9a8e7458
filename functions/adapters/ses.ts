/**
 * The notifier's optional e-mail channel through Amazon SES (API v2). Off
 * unless EMAIL_FROM is set (CDK context `emailNotifications`, see
 * docs/deploy.md). The SES client module is imported on the first e-mail,
 * not at init: a notifier with the channel off never loads it, and one with
 * it on pays for it once per container. The client is then built once.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../ports.ts';

export interface SesMailerOptions {
  /** The verified SES identity (address or an address of a verified domain) e-mails are sent from. */
  from: string;
  /** A client to use instead of the one built on first send (tests). */
  client?: SESv2Client;
}

export function sesMailer({ from, client }: SesMailerOptions): Mailer {
  let sdk: Promise<{ client: SESv2Client; SendEmailCommand: typeof import('@aws-sdk/client-sesv2').SendEmailCommand }> | undefined;
  const load = () =>
    (sdk ??= import('@aws-sdk/client-sesv2').then((m) => ({ client: client ?? new m.SESv2Client({}), SendEmailCommand: m.SendEmailCommand })));
  return {
    async send({ to, subject, text }) {
      const { client: ses, SendEmailCommand } = await load();
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: subject, Charset: 'UTF-8' },
              Body: { Text: { Data: text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    },
  };
}
