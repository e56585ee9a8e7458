/**
 * One Lambda of the platform, built from its manifest entry, and the helpers
 * that wire it to a resource. Each `bind*` helper grants the IAM permission
 * and sets the environment variable that names the resource in one call, so a
 * function can never know a resource's name without the matching permission
 * (or hold a permission it has no name to use with).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName, FunctionSpec } from '#functions/handlers/manifest.ts';
import { INDEX_NAMES } from '#functions/store/table.ts';
import type { StageSettings } from '../config.ts';

/**
 * How every function is bundled. bench/bundles.ts and
 * tests/unit/bundles.test.ts build with these same values (esbuildOptions
 * below), so what they measure and check is what is deployed.
 *
 * The AWS SDK is bundled, not left to the nodejs22.x runtime's copy: loading
 * the clients from node_modules (hundreds of files, resolved and compiled one
 * by one) was most of each function's cold start; bundled, tree-shaken and
 * minified with the rest, the same clients load in a fraction of that.
 */
export const BUNDLING = {
  target: 'node22',
  // Prefer ES module builds so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // No createRequire banner: no bundled module calls require() any more
  // (tests/unit/bundles.test.ts fails if esbuild's require shim comes back).
  /**
   * The map (index.mjs.map beside the bundle) holds the mappings only, not a
   * copy of every source file: stack traces need no more; with the sources
   * in, the map was 3-6 times the bundle. It is read on the first stack a
   * container writes, not at init (FUNCTION_NODE_OPTIONS below).
   */
  sourcesContent: false,
  /**
   * SDK dependencies replaced at bundle time by smaller modules of ours
   * (each file says why): the default credential chain (a Lambda's
   * credentials are in its environment), the event-stream codec (no
   * operation called streams events), and the LRU cache behind DynamoDB's
   * endpoint discovery. Together ~150 KB less of each bundle to parse at
   * every cold start. Paths relative to the project root, esbuild's working
   * directory.
   */
  alias: {
    '@aws-sdk/credential-provider-node': './functions/adapters/lambda-credentials.ts',
    '@smithy/core/event-streams': './functions/adapters/no-event-streams.ts',
    'mnemonist/lru-cache': './functions/adapters/lru-cache.ts',
  },
} as const;

/**
 * The functions' NODE_OPTIONS: none. Not `--enable-source-maps`: with it
 * Node reads and decodes the whole map while loading the bundle, about a
 * fifth of each cold start (bench/bundles.ts shows both). Stack traces still
 * name the TypeScript file and line: functions/adapters/stack-traces.ts maps
 * them through the same map when a stack is first written. bench/bundles.ts
 * imports each bundle with exactly this environment.
 */
export const FUNCTION_NODE_OPTIONS: string = '';

/** BUNDLING as esbuild build options (what NodejsFunction turns the `bundling` block below into). */
export function esbuildOptions(): {
  bundle: true;
  platform: 'node';
  format: 'esm';
  target: string;
  mainFields: string[];
  minify: boolean;
  sourcemap: boolean;
  sourcesContent: boolean;
  charset: 'utf8';
  alias: Record<string, string>;
} {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    mainFields: [...BUNDLING.mainFields],
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    charset: 'utf8',
    alias: { ...BUNDLING.alias },
  };
}

/** Repository root: entry paths in the manifest are relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Powertools reads these; one service name for the whole platform, the function name tells them apart. */
export const POWERTOOLS_SERVICE_NAME = 'sme-matchmaking';

export interface AppFunctionProps {
  readonly name: FunctionName;
  /** The manifest entry: entry file, timeout, memory. */
  readonly spec: FunctionSpec;
  readonly stage: StageSettings;
  /**
   * Where an asynchronous invocation goes once Lambda's own retries are spent
   * (functions invoked by EventBridge rules or Scheduler). Without it a
   * handler that keeps failing would drop the event.
   * @default none: synchronous callers (API Gateway, the SQS poller) see the error themselves
   */
  readonly onFailure?: IQueue;
}

export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly name: FunctionName;
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { spec, stage } = props;
    this.name = props.name;
    this.spec = spec;

    // A log group we own: retention and removal follow the stage, and the
    // role can be scoped to it (instead of the managed basic-execution policy,
    // which allows writing to every log group).
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: stage.logRetention,
      removalPolicy: stage.logRemovalPolicy,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name} function`,
    });
    this.logGroup.grantWrite(role);

    this.fn = new NodejsFunction(this, 'Fn', {
      entry: join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      role,
      logGroup: this.logGroup,
      description: `${props.name} (${spec.trigger})`,
      environment: {
        ...(FUNCTION_NODE_OPTIONS ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS } : {}),
        STAGE: stage.name,
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        mainFields: [...BUNDLING.mainFields],
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourceMap,
        sourcesContent: BUNDLING.sourcesContent,
        // Keep the catalog's Chinese names readable in the bundle instead of \u escapes (also
        // ~2% smaller). aws-cdk-lib 2.276 accepts this prop but never passes it to esbuild:
        // hence `--charset` in esbuildArgs below, which does reach it.
        charset: Charset.UTF8,
        // Nothing external: NodejsFunction's default leaves `@aws-sdk/*` to the runtime (see BUNDLING).
        externalModules: [],
        esbuildArgs: {
          '--charset': 'utf8',
          '--alias': Object.entries(BUNDLING.alias).map(([from, to]) => `${from}=${to}`),
        },
      },
      ...(props.onFailure
        ? { onFailure: new SqsDestination(props.onFailure), retryAttempts: 2, maxEventAge: Duration.hours(6) }
        : {}),
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x chosen deliberately: bundles target node22 and the local runtime and tests run the same major; move to the next LTS runtime together with the esbuild target.',
    });
  }

  /** Sets a plain configuration value (no resource behind it). */
  setting(name: string, value: string): this {
    this.fn.addEnvironment(name, value);
    return this;
  }
}

/**
 * DynamoDB actions the design uses, and nothing else: single-item reads and
 * writes, batches, and Query by key or index. No Scan (every access pattern
 * is served by a key or an index), no transactions and no streams (the design
 * uses neither: dynalite has neither), no table management.
 * tests/infra/iam-actions checks this list against the commands the code
 * sends, so a grant no code uses (or a command without its grant) fails.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

/**
 * TABLE_NAME and the grant that goes with it. 'none': neither (the functions
 * without table access, public and marketTrigger, do not load the shared
 * config that requires TABLE_NAME).
 *
 * The grants name each index of TABLE rather than `index/*` (what
 * `table.grantReadData` would give): as narrow as IAM allows, and no wildcard
 * for cdk-nag to excuse.
 */
export function bindTable(f: AppFunction, table: ITable, access: 'read' | 'readwrite' | 'none'): void {
  if (access === 'none') return;
  f.fn.addEnvironment('TABLE_NAME', table.tableName);
  f.fn.addToRolePolicy(new PolicyStatement({ actions: [...TABLE_READ_ACTIONS], resources: [table.tableArn] }));
  f.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: INDEX_NAMES.map((ix) => `${table.tableArn}/index/${ix}`),
    }),
  );
  if (access === 'readwrite') {
    f.fn.addToRolePolicy(new PolicyStatement({ actions: [...TABLE_WRITE_ACTIONS], resources: [table.tableArn] }));
  }
}

/** EVENT_BUS_NAME and events:PutEvents on that bus only. */
export function bindBus(f: AppFunction, bus: IEventBus): void {
  f.fn.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
  bus.grantPutEventsTo(f.fn);
}

/** A queue URL variable and sqs:SendMessage on that queue only. */
export function bindQueue(f: AppFunction, queue: IQueue, envName: string): void {
  f.fn.addEnvironment(envName, queue.queueUrl);
  queue.grant(f.fn, 'sqs:SendMessage');
}

/**
 * A secret passed as a CloudFormation dynamic reference: CloudFormation
 * resolves it at deploy time, so the function needs no Secrets Manager call
 * (and no permission) at cold start. Rotating the secret takes a redeploy.
 */
export function bindSecret(f: AppFunction, secret: ISecret, envName: string): void {
  f.fn.addEnvironment(envName, secret.secretValue.unsafeUnwrap());
}
