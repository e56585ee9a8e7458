/**
 * Deployment settings, read once from CDK context (`-c key=value` or the
 * `context` block of cdk.json) and validated before any construct is built:
 * a typo in a value fails the synth, not the deploy.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** Settings that differ by stage; everything a construct needs to decide "how durable". */
export interface StageSettings {
  readonly name: StageName;
  /** Table and user pool: prod keeps them when the stack goes away; dev cleans up. */
  readonly statefulRemovalPolicy: RemovalPolicy;
  /** Log groups follow the same rule as the data they describe. */
  readonly logRemovalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
  readonly deletionProtection: boolean;
  /** POWERTOOLS_LOG_LEVEL. */
  readonly logLevel: 'DEBUG' | 'INFO';
}

export interface InfraConfig {
  readonly stage: StageSettings;
  /** Prefix of the stack names, so two stages can live in one account. */
  readonly appName: string;
  /**
   * A market round waits this long before the matcher runs (the FIFO queue's
   * delivery delay, and ROUND_DELAY_MS for the code). SQS counts it in whole seconds.
   * @default 1
   */
  readonly roundDelay: Duration;
  /** @default 72 */
  readonly matchTtlHours: number;
  /** @default 60 */
  readonly rebalanceAfterMinutes: number;
  /** @default 24 */
  readonly idempotencyTtlHours: number;
  /** Default-stage throttling of the HTTP API (requests per second, steady and burst). @default 50 / 100 */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /**
   * Per-route throttling of the write routes (every route but GET), requests
   * per second, on top of the stage-wide limit: one busy write route cannot
   * use up the whole stage's budget. @default 10 / 20
   */
  readonly writeRouteRateLimit: number;
  readonly writeRouteBurstLimit: number;
  /**
   * Per-client limits of the CloudFront web ACL (WAF rate-based rules, per
   * client IP address, per 5 minutes): all requests under /v1/, and the
   * writes among them. @default 300 / 100
   */
  readonly edgeRequestsPer5Min: number;
  readonly edgeWritesPer5Min: number;
  /**
   * Prefix of the Cognito hosted sign-in domain
   * (`<prefix>.auth.<region>.amazoncognito.com`); unique per region across
   * all AWS accounts, hence a setting. @default `<appName>-<stage>` in lower case
   */
  readonly authDomainPrefix: string;
  /** Address that receives alarm notifications. @default none: alarms only show in CloudWatch */
  readonly alarmEmail?: string;
  /**
   * The notifier's e-mail channel (context `emailNotifications=true` with
   * `sesFromAddress`, or the SES_FROM_ADDRESS environment variable): new
   * inbox items are also e-mailed through SES from this verified identity.
   * @default undefined: off, inbox only
   */
  readonly emailFrom?: string;
  /**
   * Region of the application's stacks. The CloudFront web ACL lives in a
   * stack of its own in us-east-1 whatever this is (docs/deploy.md).
   * @default the CLI's region (CDK_DEFAULT_REGION: the AWS profile or AWS_REGION)
   */
  readonly region?: string;
}

const STAGE_SETTINGS: Record<StageName, StageSettings> = {
  dev: {
    name: 'dev',
    statefulRemovalPolicy: RemovalPolicy.DESTROY,
    logRemovalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.ONE_WEEK,
    deletionProtection: false,
    logLevel: 'DEBUG',
  },
  prod: {
    name: 'prod',
    statefulRemovalPolicy: RemovalPolicy.RETAIN,
    logRemovalPolicy: RemovalPolicy.RETAIN,
    logRetention: RetentionDays.SIX_MONTHS,
    deletionProtection: true,
    logLevel: 'INFO',
  },
};

/** Context values arrive as strings from `-c` and as numbers from cdk.json: accept both, integers only. */
function intContext(node: Node, key: string, def: number, min: number, max: number): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return def;
  const n = typeof raw === 'number' ? raw : Number(String(raw));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`context "${key}" must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Cognito's rules for a domain prefix: lower-case letters, digits and inner
 * hyphens, at most 63 characters, and none of the reserved words.
 */
function authDomainPrefix(node: Node, def: string): string {
  const raw: unknown = node.tryGetContext('authDomainPrefix') ?? def;
  if (typeof raw !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(raw) || /aws|amazon|cognito/.test(raw)) {
    throw new Error(
      `context "authDomainPrefix" must be lower-case letters, digits and inner hyphens (at most 63), without aws/amazon/cognito, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/**
 * The sender of notification e-mails, or undefined when the channel is off
 * (the default). On without a sender is refused: it would deploy a channel
 * that can only fail.
 */
function emailSetting(node: Node): string | undefined {
  const on: unknown = node.tryGetContext('emailNotifications');
  if (on === undefined || on === false || on === 'false') return undefined;
  if (on !== true && on !== 'true') throw new Error(`context "emailNotifications" must be true or false, got ${JSON.stringify(on)}`);
  const from: unknown = node.tryGetContext('sesFromAddress') ?? process.env.SES_FROM_ADDRESS;
  if (typeof from !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(from)) {
    throw new Error(
      `emailNotifications needs the SES sender: context "sesFromAddress" or SES_FROM_ADDRESS, a verified SES identity's address, got ${JSON.stringify(from)}`,
    );
  }
  return from;
}

export function readConfig(node: Node): InfraConfig {
  const stageRaw: unknown = node.tryGetContext('stage') ?? 'dev';
  if (!STAGES.includes(stageRaw as StageName)) {
    throw new Error(`context "stage" must be one of ${STAGES.join('|')}, got ${JSON.stringify(stageRaw)}`);
  }
  const stage = STAGE_SETTINGS[stageRaw as StageName];
  const alarmEmail: unknown = node.tryGetContext('alarmEmail');
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(alarmEmail))) {
    throw new Error(`context "alarmEmail" must be an e-mail address, got ${JSON.stringify(alarmEmail)}`);
  }
  const region: unknown = node.tryGetContext('region');
  if (region !== undefined && (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))) {
    throw new Error(`context "region" must be an AWS region name such as ap-east-1, got ${JSON.stringify(region)}`);
  }
  const emailFrom = emailSetting(node);
  const apiRateLimit = intContext(node, 'apiRateLimit', 50, 1, 10_000);
  // A route limit above the stage's would never apply: refuse it rather than pretend.
  const writeRouteRateLimit = intContext(node, 'writeRouteRateLimit', Math.min(10, apiRateLimit), 1, apiRateLimit);
  // WAF rate-based rules accept 10 .. 2,000,000,000 per evaluation window.
  const edgeRequestsPer5Min = intContext(node, 'edgeRequestsPer5Min', 300, 10, 2_000_000_000);
  const appName = 'SmeMatch';
  return {
    stage,
    appName,
    // SQS DelaySeconds allows 0..900; the code's ROUND_DELAY_MS accepts the same range.
    roundDelay: Duration.seconds(intContext(node, 'roundDelaySeconds', 1, 0, 900)),
    // Ranges mirror functions/config.ts, so a value the functions would refuse at cold start fails here first.
    matchTtlHours: intContext(node, 'matchTtlHours', 72, 1, 24 * 90),
    rebalanceAfterMinutes: intContext(node, 'rebalanceAfterMinutes', 60, 1, 24 * 60 * 30),
    idempotencyTtlHours: intContext(node, 'idempotencyTtlHours', 24, 1, 24 * 30),
    apiRateLimit,
    apiBurstLimit: intContext(node, 'apiBurstLimit', Math.max(100, apiRateLimit), 1, 5_000),
    writeRouteRateLimit,
    writeRouteBurstLimit: intContext(node, 'writeRouteBurstLimit', 2 * writeRouteRateLimit, 1, 5_000),
    edgeRequestsPer5Min,
    // Writes are a subset of all requests: a write limit above the overall one would never bite.
    edgeWritesPer5Min: intContext(node, 'edgeWritesPer5Min', Math.min(100, edgeRequestsPer5Min), 10, edgeRequestsPer5Min),
    authDomainPrefix: authDomainPrefix(node, `${appName}-${stage.name}`.toLowerCase()),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(emailFrom === undefined ? {} : { emailFrom }),
    ...(region === undefined ? {} : { region }),
  };
}
