/**
 * EventBridge Scheduler schedules for the functions whose manifest trigger is
 * 'schedule'. Scheduler (rather than a scheduled EventBridge rule) gives each
 * schedule its own retry policy and DLQ, like the rule targets.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { FunctionName } from '#functions/handlers/manifest.ts';
import type { AppFunction } from './app-function.ts';
import type { Monitoring } from './monitoring.ts';

/** How often each scheduled function runs and why. */
export const SCHEDULE_RATES: Partial<Record<FunctionName, { rate: Duration; why: string }>> = {
  relay: { rate: Duration.minutes(1), why: 'publishes outbox events a handler could not publish itself' },
  rebalance: { rate: Duration.minutes(5), why: 'requests a round for markets whose needs wait too long' },
  expiry: { rate: Duration.minutes(5), why: 'expires needs past their deadline and stale matches' },
  lapse: { rate: Duration.days(1), why: 'records provider designations that lapsed' },
};

export interface SchedulesProps {
  readonly functions: readonly AppFunction[];
  readonly monitoring: Monitoring;
}

export class Schedules extends Construct {
  readonly schedules: Schedule[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const f of props.functions) {
      const entry = SCHEDULE_RATES[f.name];
      if (!entry) throw new Error(`function ${f.name} has trigger 'schedule' but no rate in SCHEDULE_RATES`);
      const dlq = props.monitoring.deadLetterQueue(this, `${f.name}ScheduleDlq`, {
        usedBy: 'target',
        description: `${f.name} schedule invocations Scheduler could not deliver`,
      });
      const role = this.schedulerRole(f);
      const schedule = new Schedule(this, `${f.name}Schedule`, {
        schedule: ScheduleExpression.rate(entry.rate),
        description: `${f.name}: ${entry.why}`,
        target: new LambdaInvoke(f.fn, {
          role,
          deadLetterQueue: dlq,
          // A run that is a whole period late is superseded by the next one.
          maxEventAge: entry.rate,
          retryAttempts: 3,
          input: ScheduleTargetInput.fromObject({ source: 'schedule', schedule: f.name }),
        }),
      });
      this.schedules.push(schedule);
    }
  }

  /**
   * One role per schedule (instead of the stack-wide role the target would
   * create), so the acknowledgement below covers exactly one function.
   * Conditions as AWS recommends against the confused deputy: only Scheduler
   * of this account's default schedule group may assume it.
   */
  private schedulerRole(f: AppFunction): Role {
    const stack = Stack.of(this);
    const role = new Role(this, `${f.name}SchedulerRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      description: `EventBridge Scheduler invokes ${f.name}`,
    });
    // LambdaInvoke grants lambda:InvokeFunction on the function and on
    // `<function arn>:*` (its versions and aliases): still this one function.
    const fnLogicalId = stack.resolve((f.fn.node.defaultChild as CfnFunction).logicalId) as string;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
      reason: `The wildcard is the version/alias qualifier of the ${f.name} function only; Scheduler may invoke nothing else.`,
    });
    return role;
  }
}
