/**
 * The whole CDK app: the stacks of one stage, wired by typed props, checked
 * by cdk-nag on every synth. `infra/app.ts` runs it for the CLI; the infra
 * tests call it on their own App.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, type InfraConfig } from './config.ts';
import { EDGE_REGION, EdgeStack } from './edge.ts';
import { StatefulStack } from './stateful.ts';
import { StatelessStack } from './stateless.ts';

export interface System {
  readonly config: InfraConfig;
  readonly edge: EdgeStack;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export interface SystemOptions {
  /** The built console the stateless stack deploys (index.html + assets/): web/dist after buildConsole(). */
  readonly consoleDir: string;
}

/**
 * Registers cdk-nag's AwsSolutions pack as a validation plugin: any
 * unacknowledged error-level finding fails the synth (exit 1 from the CLI, an
 * exception in tests). Acknowledgements live next to the resource they excuse.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

export function buildSystem(app: App, options: SystemOptions): System {
  const config = readConfig(app.node);
  // Every stack names its region: the web ACL of a CloudFront distribution can
  // only live in us-east-1, and a reference across regions needs both ends'
  // regions. The account stays a pseudo parameter unless the CLI knows it.
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = config.region ?? process.env.CDK_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass -c region=<name> or set AWS_REGION (the CLI fills CDK_DEFAULT_REGION from it)');
  const envIn = (r: string) => ({ region: r, ...(account ? { account } : {}) });
  const env = envIn(region);
  const prefix = `${config.appName}-${config.stage.name}`;

  const edge = new EdgeStack(app, `${prefix}-Edge`, {
    config,
    env: envIn(EDGE_REGION),
    description: `SME matchmaking ${config.stage.name}: CloudFront web ACL (per-client limits), us-east-1`,
  });
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    config,
    env,
    description: `SME matchmaking ${config.stage.name}: table, user pool, event bus`,
    terminationProtection: config.stage.name === 'prod',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    config,
    env,
    description: `SME matchmaking ${config.stage.name}: functions, API, console hosting, routing, schedules, alarms`,
    table: stateful.table,
    bus: stateful.bus,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    signInDomain: stateful.userPoolDomain,
    consoleDir: options.consoleDir,
    webAclArn: edge.firewall.webAclArn,
  });
  Tags.of(app).add('project', 'sme-matchmaking');
  Tags.of(app).add('stage', config.stage.name);
  addNagChecks(app);
  return { config, edge, stateful, stateless };
}
