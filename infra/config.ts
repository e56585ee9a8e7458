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
  /** Address that receives alarm notifications. @default none: alarms only show in CloudWatch */
  readonly alarmEmail?: string;
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
  const apiRateLimit = intContext(node, 'apiRateLimit', 50, 1, 10_000);
  return {
    stage,
    appName: 'SmeMatch',
    // SQS DelaySeconds allows 0..900; the code's ROUND_DELAY_MS accepts the same range.
    roundDelay: Duration.seconds(intContext(node, 'roundDelaySeconds', 1, 0, 900)),
    // Ranges mirror functions/config.ts, so a value the functions would refuse at cold start fails here first.
    matchTtlHours: intContext(node, 'matchTtlHours', 72, 1, 24 * 90),
    rebalanceAfterMinutes: intContext(node, 'rebalanceAfterMinutes', 60, 1, 24 * 60 * 30),
    idempotencyTtlHours: intContext(node, 'idempotencyTtlHours', 24, 1, 24 * 30),
    apiRateLimit,
    apiBurstLimit: intContext(node, 'apiBurstLimit', Math.max(100, apiRateLimit), 1, 5_000),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
  };
}
