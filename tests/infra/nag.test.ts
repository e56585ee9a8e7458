import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addNagChecks } from '#infra/system.ts';
import { synth } from './synth.ts';

/** Every acknowledgement in the tree: where it sits, which rule, why. */
function acknowledgements(app: App) {
  const out: { path: string; scope: 'app' | 'stack' | 'resource'; id: string; reason: string }[] = [];
  for (const c of app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(m.data as Record<string, string>)) {
        out.push({
          path: c.node.path,
          scope: c === app ? 'app' : Stack.isStack(c) ? 'stack' : 'resource',
          id: key.replace(/^[A-Za-z]+::/, ''),
          reason,
        });
      }
    }
  }
  return out;
}

describe.each(['dev', 'prod'] as const)('cdk-nag AwsSolutions, %s', (stage) => {
  let app: App;
  beforeAll(() => {
    app = synth(stage).app;
  });

  it('reports no unacknowledged finding, error or warning', () => {
    // synth() above already failed on any error-level finding; this also sees warnings.
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only on resources, never on the app or a whole stack, each with a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.scope, `${a.id} at ${a.path}`).toBe('resource');
      expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThan(40);
    }
    const ruleIds = new Set(acks.map((a) => a.id.replace(/\[.*$/, '')));
    expect([...ruleIds].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR4',
        'AwsSolutions-COG2',
        'AwsSolutions-COG8',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
        'AwsSolutions-S1',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    // IAM4/IAM5 are acknowledged finding by finding (the policy or wildcard spelled out), never rule-wide;
    // our own roles only for `<fn>.Arn:*` (a function's versions), the rest only on CDK's BucketDeployment handler.
    const cdkDeployHandler = /\/Custom::CDKBucketDeployment[0-9A-F]+$/;
    for (const a of acks.filter((x) => /^AwsSolutions-IAM[45]/.test(x.id))) {
      expect(a.id, a.path).toMatch(/^AwsSolutions-IAM[45]\[.+\]$/);
      if (!cdkDeployHandler.test(a.path)) expect(a.id, a.path).toMatch(/^AwsSolutions-IAM5\[Resource::<.+\.Arn>:\*\]$/);
    }
  });
});

describe('the cdk-nag check is live', () => {
  it('fails the synth on an unacknowledged finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Queue(stack, 'PlainQueue', { enforceSSL: false });
    addNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
