import { describe, expect, it } from 'vitest';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { readConfig } from '#infra/config.ts';

const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('deployment settings from context', () => {
  it('defaults to dev: destroyable, short log retention, 1 s round delay', () => {
    const c = configOf({});
    expect(c.stage.name).toBe('dev');
    expect(c.stage.statefulRemovalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(c.stage.deletionProtection).toBe(false);
    expect(c.roundDelay.toSeconds()).toBe(1);
    expect(c.alarmEmail).toBeUndefined();
  });

  it('prod retains data, protects it from deletion and keeps logs longer', () => {
    const dev = configOf({ stage: 'dev' });
    const prod = configOf({ stage: 'prod' });
    expect(prod.stage.statefulRemovalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(prod.stage.deletionProtection).toBe(true);
    expect(prod.stage.logRetention).toBeGreaterThan(dev.stage.logRetention);
    expect(prod.stage.logLevel).toBe('INFO');
  });

  it('accepts numbers given as strings by `-c key=value`', () => {
    const c = configOf({ roundDelaySeconds: '5', matchTtlHours: '48', apiRateLimit: 20 });
    expect(c.roundDelay.toSeconds()).toBe(5);
    expect(c.matchTtlHours).toBe(48);
    expect(c.apiRateLimit).toBe(20);
  });

  it.each([
    [{ stage: 'staging' }, /stage/],
    [{ roundDelaySeconds: '901' }, /roundDelaySeconds/],
    [{ roundDelaySeconds: '1.5' }, /roundDelaySeconds/],
    [{ matchTtlHours: 'soon' }, /matchTtlHours/],
    [{ alarmEmail: 'nobody' }, /alarmEmail/],
  ])('refuses %j', (context, message) => {
    expect(() => configOf(context)).toThrow(message);
  });
});
