/**
 * EventBridge rules built from ROUTES (the table the local bus delivers by),
 * and the matcher's FIFO queue.
 *
 * 'direct' routes: rule -> consumer Lambda.
 * 'fifo' routes: rule -> the market-trigger Lambda -> SQS FIFO -> consumer.
 * The hop exists because an EventBridge SQS target can only set a static
 * MessageGroupId; the market trigger sets it from the event
 * (detail.serviceType, one matcher run at a time per market) together with
 * MessageDeduplicationId = event id.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROUTES, eventPattern, type Route } from '#events/routing.ts';
import { bindQueue, type AppFunction } from './app-function.ts';
import type { Monitoring } from './monitoring.ts';

/** How often SQS hands a failing message back before it goes to the DLQ (the design allows at most 5). */
export const MATCHER_MAX_RECEIVE_COUNT = 5;
/** AWS's advice for an SQS event source: visibility at least 6x the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/**
 * Rule-target retry policy. A new custom bus otherwise gives up early; an
 * event that cannot be delivered for a day goes to the target's DLQ.
 */
export const RULE_TARGET_RETRY = { maxEventAge: Duration.hours(24), retryAttempts: 185 } as const;

export interface EventRoutingProps {
  readonly bus: IEventBus;
  /** The consumer of each route, by ROUTES' consumer name. */
  readonly consumers: Record<Route['consumer'], AppFunction>;
  /** Sends fifo-route events into the FIFO queue with the right group id. */
  readonly marketTrigger: AppFunction;
  /** The FIFO queue's delivery delay: the market round delay. */
  readonly roundDelay: Duration;
  readonly monitoring: Monitoring;
}

export class EventRouting extends Construct {
  readonly rules: Rule[] = [];
  /** The matcher's queue (the queue of the one fifo route). */
  readonly matcherQueue: Queue;
  readonly matcherDlq: Queue;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    const fifoRoutes = ROUTES.filter((r) => r.delivery === 'fifo');
    // The market trigger knows one queue (MATCHER_QUEUE_URL): a second fifo
    // route would need a second trigger, so refuse it here rather than misroute.
    if (fifoRoutes.length !== 1) {
      throw new Error(`infra supports exactly one fifo route (the matcher); ROUTES has ${fifoRoutes.length}`);
    }
    const fifoRoute = fifoRoutes[0]!;
    const consumer = props.consumers[fifoRoute.consumer];

    this.matcherDlq = props.monitoring.deadLetterQueue(this, 'MatcherDlq', {
      fifo: true,
      usedBy: 'redrive',
      description: `${fifoRoute.consumer} messages that failed ${MATCHER_MAX_RECEIVE_COUNT} receives`,
    });
    this.matcherQueue = new Queue(this, 'MatcherQueue', {
      fifo: true,
      // The producer sets MessageDeduplicationId = event id; content-based
      // dedup would treat two events with equal bodies as one.
      contentBasedDeduplication: false,
      deliveryDelay: props.roundDelay,
      visibilityTimeout: Duration.seconds(consumer.spec.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.matcherDlq, maxReceiveCount: MATCHER_MAX_RECEIVE_COUNT },
    });
    consumer.fn.addEventSource(
      new SqsEventSource(this.matcherQueue, {
        // FIFO allows at most 10; a batch holds one market's triggers in order.
        batchSize: 10,
        // Failed records are retried alone; the rest of the batch is deleted.
        reportBatchItemFailures: true,
      }),
    );
    bindQueue(props.marketTrigger, this.matcherQueue, 'MATCHER_QUEUE_URL');

    for (const route of ROUTES) {
      const target = route.delivery === 'fifo' ? props.marketTrigger : props.consumers[route.consumer];
      const dlq = props.monitoring.deadLetterQueue(this, `${route.consumer}RuleDlq`, {
        usedBy: 'target',
        description: `events the ${route.consumer} rule could not deliver to ${target.name}`,
      });
      const rule = new Rule(this, `${route.consumer}Rule`, {
        eventBus: props.bus,
        // Passed through unchanged (CDK copies unknown keys such as 'detail-type'
        // verbatim), so the rule matches exactly what the local bus matches.
        eventPattern: eventPattern(route),
        description: `${route.detailTypes.length} detail types -> ${route.consumer} (${route.delivery})`,
      });
      rule.addTarget(new LambdaFunction(target.fn, { deadLetterQueue: dlq, ...RULE_TARGET_RETRY }));
      this.rules.push(rule);
    }
  }
}
