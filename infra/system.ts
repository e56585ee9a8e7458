/**
 * The whole CDK app: both stacks of one stage, wired by typed props, checked
 * by cdk-nag on every synth. `infra/app.ts` runs it for the CLI; the infra
 * tests call it on their own App.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, type InfraConfig } from './config.ts';
import { StatefulStack } from './stateful.ts';
import { StatelessStack } from './stateless.ts';

export interface System {
  readonly config: InfraConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Registers cdk-nag's AwsSolutions pack as a validation plugin: any
 * unacknowledged error-level finding fails the synth (exit 1 from the CLI, an
 * exception in tests). Acknowledgements live next to the resource they excuse.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

export function buildSystem(app: App): System {
  const config = readConfig(app.node);
  // Environment-agnostic unless the CLI knows an account (CDK_DEFAULT_*): the
  // templates use AWS::Region/AccountId pseudo parameters either way.
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const env = account && region ? { account, region } : undefined;
  const prefix = `${config.appName}-${config.stage.name}`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    config,
    ...(env ? { env } : {}),
    description: `SME matchmaking ${config.stage.name}: table, user pool, event bus`,
    terminationProtection: config.stage.name === 'prod',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    config,
    ...(env ? { env } : {}),
    description: `SME matchmaking ${config.stage.name}: functions, API, routing, schedules, alarms`,
    table: stateful.table,
    bus: stateful.bus,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
  });
  Tags.of(app).add('project', 'sme-matchmaking');
  Tags.of(app).add('stage', config.stage.name);
  addNagChecks(app);
  return { config, stateful, stateless };
}
