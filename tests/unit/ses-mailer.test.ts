/**
 * The SES e-mail adapter of the notifier: the message it sends, that a
 * refusal reaches the caller (the notifier logs it and keeps the inbox item),
 * and that the notifier's bundle loads the SES client lazily.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#functions/adapters/ses.ts';
import { FUNCTIONS } from '#functions/handlers/manifest.ts';

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

  it('is imported by the notifier only on demand: its bundle loads the SES client by dynamic import, never at init', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const res = await build({
      absWorkingDir: root,
      entryPoints: [path.join(root, FUNCTIONS.notifier.entry)],
      bundle: true,
      write: false,
      outfile: path.join(root, 'out', 'notifier.mjs'),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*'],
      metafile: true,
      logLevel: 'silent',
    });
    const imports = Object.values(res.metafile.outputs)[0]!.imports.filter((i) => i.path === '@aws-sdk/client-sesv2');
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((i) => i.kind === 'dynamic-import')).toBe(true);
  });
});
