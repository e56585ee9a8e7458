/**
 * The notifier's e-mail channel is off unless asked for; on, the notifier
 * alone learns the sender and may send as that identity only.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { readConfig } from '#infra/config.ts';
import { logicalId, resources, synth, type Resource } from './synth.ts';

function sesStatements(policies: Record<string, Resource>) {
  return Object.values(policies).flatMap((p) =>
    (p.Properties?.PolicyDocument?.Statement ?? []).filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('ses:')),
  );
}

describe('notification e-mail (SES)', () => {
  it('is off by default: no function has EMAIL_FROM and no role may use SES', () => {
    const { stateless } = synth('dev');
    for (const fn of Object.values(resources(stateless, 'AWS::Lambda::Function'))) {
      expect(fn.Properties?.Environment?.Variables?.EMAIL_FROM).toBeUndefined();
    }
    expect(sesStatements(resources(stateless, 'AWS::IAM::Policy'))).toEqual([]);
  });

  it('on, gives the notifier EMAIL_FROM and ses:SendEmail on that identity (address or its domain) only', () => {
    const { stateless, system } = synth('dev', { emailNotifications: 'true', sesFromAddress: 'noreply@example.cn' });
    const fns = resources(stateless, 'AWS::Lambda::Function');
    const withEmail = Object.entries(fns).filter(([, f]) => f.Properties?.Environment?.Variables?.EMAIL_FROM);
    expect(withEmail.map(([id]) => id)).toEqual([logicalId(system.stateless.functions.notifier.fn)]);
    expect(withEmail[0]![1].Properties!.Environment.Variables.EMAIL_FROM).toBe('noreply@example.cn');

    const statements = sesStatements(resources(stateless, 'AWS::IAM::Policy'));
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('ses:SendEmail');
    const arns = JSON.stringify(statements[0].Resource);
    expect(arns).toContain(':identity/noreply@example.cn');
    expect(arns).toContain(':identity/example.cn');
    expect(arns).not.toContain('*');
  });

  it('refuses to turn on without a valid sender, and a value that is not a boolean', () => {
    const saved = process.env.SES_FROM_ADDRESS;
    delete process.env.SES_FROM_ADDRESS;
    try {
      const cfg = (context: Record<string, unknown>) => readConfig(new App({ context }).node);
      expect(() => cfg({ emailNotifications: true })).toThrow(/sesFromAddress/);
      expect(() => cfg({ emailNotifications: 'true', sesFromAddress: 'not-an-address' })).toThrow(/sesFromAddress/);
      expect(() => cfg({ emailNotifications: 'yes', sesFromAddress: 'a@example.cn' })).toThrow(/true or false/);
      expect(cfg({ emailNotifications: 'false', sesFromAddress: 'a@example.cn' }).emailFrom).toBeUndefined();
      expect(cfg({ emailNotifications: true, sesFromAddress: 'a@example.cn' }).emailFrom).toBe('a@example.cn');
    } finally {
      if (saved !== undefined) process.env.SES_FROM_ADDRESS = saved;
    }
  });
});
