/**
 * The SES e-mail adapter of the notifier: the message it sends, that a
 * refusal reaches the caller (the notifier logs it and keeps the inbox item),
 * and that the mailer builds its SES client on the first e-mail, once.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#functions/adapters/ses.ts';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const client = () => new SESv2Client({ region: 'ap-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

describe('sesMailer', () => {
  it('sends one plain-text UTF-8 message from the configured identity to the one recipient', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await sesMailer({ from: 'noreply@example.cn', client: client() }).send({ to: 'a@example.cn', subject: '新的匹配 / New match', text: '正文\nbody' });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      FromEmailAddress: 'noreply@example.cn',
      Destination: { ToAddresses: ['a@example.cn'] },
      Content: {
        Simple: {
          Subject: { Data: '新的匹配 / New match', Charset: 'UTF-8' },
          Body: { Text: { Data: '正文\nbody', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('rejects when SES refuses the message, so the caller can log it', async () => {
    ses.on(SendEmailCommand).rejects(new Error('MessageRejected: Email address is not verified.'));
    await expect(sesMailer({ from: 'noreply@example.cn', client: client() }).send({ to: 'a@example.cn', subject: 's', text: 't' })).rejects.toThrow(
      /not verified/,
    );
  });

  it('builds its own client on the first e-mail when none is injected (none at init: a notifier with e-mail off never builds one)', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const before = process.env.AWS_REGION;
    process.env.AWS_REGION = 'ap-east-1';
    try {
      const mailer = sesMailer({ from: 'noreply@example.cn' });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
      await mailer.send({ to: 'a@example.cn', subject: 's', text: 't' });
      await mailer.send({ to: 'b@example.cn', subject: 's', text: 't' });
    } finally {
      if (before === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = before;
    }
    const clients = new Set(ses.commandCalls(SendEmailCommand).map((c) => c.thisValue));
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    // One client, built once and kept.
    expect(clients.size).toBe(1);
  });
});
