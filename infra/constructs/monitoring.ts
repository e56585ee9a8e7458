/**
 * Dead-letter queues and the alarms that make them visible. A DLQ nobody
 * watches is a place where events are lost quietly, so every DLQ made here
 * gets its "not empty" alarm in the same call.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** @default none: alarms are visible in CloudWatch and on the topic, nobody is e-mailed */
  readonly alarmEmail?: string;
}

export interface DeadLetterQueueOptions {
  /** A FIFO source queue needs a FIFO DLQ. @default false */
  readonly fifo?: boolean;
  /** What lands here, for the alarm description. */
  readonly description: string;
  /**
   * Who sends failures here. 'redrive': an SQS queue's redrive policy, which
   * cdk-nag recognises. 'target': an EventBridge rule target, a Scheduler
   * target or a Lambda on-failure destination, which cdk-nag cannot see.
   */
  readonly usedBy: 'redrive' | 'target';
}

export class Monitoring extends Construct {
  /** Every alarm notifies this topic. */
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'SME matchmaking alarms' });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /**
   * An encrypted, TLS-only queue kept for the longest retention SQS allows
   * (14 days: time to notice the alarm and redrive), with its alarm.
   */
  deadLetterQueue(scope: Construct, id: string, opts: DeadLetterQueueOptions): Queue {
    const queue = new Queue(scope, id, {
      fifo: opts.fifo ?? false,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    if (opts.usedBy === 'target') {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself a dead-letter queue (${opts.description}), referenced from a rule target, schedule target or Lambda destination rather than a redrive policy; a DLQ of a DLQ would only move the problem.`,
      });
    }
    this.alarmOnDepth(queue, `${id}NotEmpty`, opts.description);
    return queue;
  }

  /** Any message in the queue is a failure someone must look at. */
  alarmOnDepth(queue: IQueue, id: string, description: string): Alarm {
    return this.add(id, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), {
      description: `Dead-letter queue not empty: ${description}`,
    });
  }

  /** Any handler error in five minutes. */
  alarmOnErrors(fn: IFunction, id: string, name: string): Alarm {
    return this.add(id, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), {
      description: `Function ${name} reported errors`,
    });
  }

  /** Any metric whose every non-zero value is a problem: > 0 over one period. */
  add(id: string, metric: IMetric, opts: { description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no messages or no invocations: healthy, not unknown.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
