/**
 * The notifier's optional e-mail channel through Amazon SES (API v2). Off
 * unless EMAIL_FROM is set (CDK context `emailNotifications`, see
 * docs/deploy.md). The client is built on the first e-mail, not at init:
 * a notifier with the channel off never builds it, and one with it on
 * builds it once per container. The SDK module is imported statically: in
 * a bundle (one file, no code splitting) a dynamic `import()` defers its
 * module code (~1 ms) but esbuild then keeps every export of the SDK
 * package (~31 KB more to parse at every cold start).
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../ports.ts';

export interface SesMailerOptions {
  /** The verified SES identity (address or an address of a verified domain) e-mails are sent from. */
  from: string;
  /** A client to use instead of the one built on first send (tests). */
  client?: SESv2Client;
}

export function sesMailer({ from, client }: SesMailerOptions): Mailer {
  let ses = client;
  return {
    async send({ to, subject, text }) {
      ses ??= new SESv2Client({});
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
