/**
 * Synthesizes the real app (infra/system.ts, cdk-nag included) for one stage,
 * with the feature flags of cdk.json so the templates under test are the ones
 * `cdk synth` produces, minus the Lambda bundling (skipped to keep tests fast)
 * and with a two-file console (fixtures/console) instead of a console build.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildSystem, type System } from '#infra/system.ts';

const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** The application's region in tests: not us-east-1, so the edge stack's reference really crosses regions. */
export const TEST_REGION = 'ap-east-1';
export const CONSOLE_FIXTURE_DIR = fileURLToPath(new URL('./fixtures/console', import.meta.url));

export interface Synthesized {
  app: App;
  system: System;
  edge: Template;
  stateful: Template;
  stateless: Template;
}

export function synth(stage: 'dev' | 'prod', context: Record<string, unknown> = {}): Synthesized {
  // CDK's built-in CloudFormation schema validation costs ~15 s on the first
  // synth of a process; `npm run synth` still runs it. cdk-nag is a separate
  // plugin and still runs here.
  process.env.CDK_VALIDATION = 'false';
  const app = new App({
    context: { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [], stage, region: TEST_REGION, ...context },
  });
  const system = buildSystem(app, { consoleDir: CONSOLE_FIXTURE_DIR });
  // Template.fromStack synthesizes the whole app, cdk-nag validation included:
  // an unacknowledged finding throws here.
  return {
    app,
    system,
    edge: Template.fromStack(system.edge),
    stateful: Template.fromStack(system.stateful),
    stateless: Template.fromStack(system.stateless),
  };
}

/** The logical id of a construct's CloudFormation resource, as it appears in the template. */
export function logicalId(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(cfn).resolve(cfn.logicalId) as string;
}

export type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** Resources of one type, by logical id. */
export function resources(t: Template, type: string): Record<string, Resource> {
  return t.findResources(type) as Record<string, Resource>;
}
