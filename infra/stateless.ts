/**
 * Everything that can be redeployed or rebuilt without losing data: the
 * functions, the HTTP API, the rules, queues, schedules and alarms. Takes the
 * stateful resources as typed props.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { IUserPoolClient, UserPool, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';
import { HTTP_GROUPS, HTTP_ROUTES, type HttpGroup } from '#functions/http/routes.ts';
import type { Route } from '#events/routing.ts';
import type { InfraConfig } from './config.ts';
import { AppFunction, bindBus, bindSecret, bindTable } from './constructs/app-function.ts';
import { ConsoleHosting, apiPathPatterns } from './constructs/console-hosting.ts';
import { EventRouting } from './constructs/event-routing.ts';
import { AppHttpApi } from './constructs/http-api.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Schedules } from './constructs/schedules.ts';

/**
 * The notifier's optional e-mail channel: its sender, and leave to send as
 * that identity only (the address, or its domain when the domain is the
 * verified identity), nothing else in SES.
 */
function enableEmail(notifier: AppFunction, from: string): void {
  const stack = Stack.of(notifier);
  const domain = from.slice(from.lastIndexOf('@') + 1);
  notifier.setting('EMAIL_FROM', from);
  notifier.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [from, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
    }),
  );
}

export interface StatelessStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly userPool: UserPool;
  readonly userPoolClient: IUserPoolClient;
  /** Hosted sign-in domain of the console. */
  readonly signInDomain: UserPoolDomain;
  /** The built console to deploy (index.html + assets/). */
  readonly consoleDir: string;
  /** ARN of the CloudFront web ACL (edge stack, us-east-1). */
  readonly webAclArn: string;
}

export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, AppFunction>;
  readonly httpApi: AppHttpApi;
  readonly routing: EventRouting;
  readonly schedules: Schedules;
  readonly monitoring: Monitoring;
  readonly console: ConsoleHosting;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.monitoring = new Monitoring(this, 'Monitoring', config.alarmEmail ? { alarmEmail: config.alarmEmail } : {});

    // HMAC key for pagination cursors. It lives here, not in the stateful
    // stack: losing it only invalidates page cursors in flight.
    const cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Signs pagination cursors (CURSOR_SECRET)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key for short-lived pagination cursors, injected at deploy time; rotating it means redeploying and only invalidates cursors in flight, so automatic rotation (and its rotation Lambda) buys nothing.',
    });

    const functions = {} as Record<FunctionName, AppFunction>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      // Functions invoked asynchronously (rules, Scheduler) keep failed events
      // in a DLQ of their own once Lambda's retries are spent.
      const invokedAsync = spec.trigger === 'eventbridge' || spec.trigger === 'schedule';
      const onFailure = invokedAsync
        ? this.monitoring.deadLetterQueue(this, `${name}AsyncDlq`, {
            usedBy: 'target',
            description: `${name} invocations that failed every retry`,
          })
        : undefined;
      const f = new AppFunction(this, `${name}Function`, {
        name,
        spec,
        stage: config.stage,
        ...(onFailure ? { onFailure } : {}),
      });
      bindTable(f, props.table, spec.needs.table);
      if (spec.needs.publish) bindBus(f, props.bus);
      // The functions that load the shared config (all with table access) need the
      // cursor secret; the others never see it.
      if (spec.needs.table !== 'none') bindSecret(f, cursorSecret, 'CURSOR_SECRET');
      f.setting('ROUND_DELAY_MS', String(config.roundDelay.toSeconds() * 1000))
        .setting('MATCH_TTL_HOURS', String(config.matchTtlHours))
        .setting('REBALANCE_AFTER_MINUTES', String(config.rebalanceAfterMinutes))
        .setting('IDEMPOTENCY_TTL_HOURS', String(config.idempotencyTtlHours));
      this.monitoring.alarmOnErrors(f.fn, `${name}Errors`, name);
      functions[name] = f;
    }
    this.functions = functions;
    if (config.emailFrom) enableEmail(functions.notifier, config.emailFrom);

    // The manifest's `needs.matcherQueue` is the only way to reach the queue:
    // check it names exactly the function the routing gives the queue to.
    const senders = Object.values(functions).filter((f) => f.spec.needs.matcherQueue);
    if (senders.length !== 1 || senders[0] !== functions.marketTrigger) {
      throw new Error('exactly one function, marketTrigger, must have needs.matcherQueue');
    }
    this.routing = new EventRouting(this, 'Routing', {
      bus: props.bus,
      consumers: { matcher: functions.matcher, notifier: functions.notifier, importer: functions.importer, voucherLedger: functions.voucherLedger, kpi: functions.kpi } satisfies Record<Route['consumer'], AppFunction>,
      marketTrigger: functions.marketTrigger,
      roundDelay: config.roundDelay,
      monitoring: this.monitoring,
    });

    this.schedules = new Schedules(this, 'Schedules', {
      functions: Object.values(functions).filter((f) => f.spec.trigger === 'schedule'),
      monitoring: this.monitoring,
    });

    // The console comes first: its app client (whose callback URL is the
    // distribution's) must exist before the JWT authorizer names it as an
    // audience; the API paths join the distribution once the API exists.
    this.console = new ConsoleHosting(this, 'Console', {
      stage: config.stage,
      consoleDir: props.consoleDir,
      userPool: props.userPool,
      signInDomain: props.signInDomain,
      webAclArn: props.webAclArn,
    });
    const handlers = Object.fromEntries(HTTP_GROUPS.map((g) => [g, functions[g].fn])) as Record<HttpGroup, AppFunction['fn']>;
    this.httpApi = new AppHttpApi(this, 'Http', {
      stage: config.stage,
      handlers,
      userPool: props.userPool,
      userPoolClients: [props.userPoolClient, this.console.client],
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      writeRouteRateLimit: config.writeRouteRateLimit,
      writeRouteBurstLimit: config.writeRouteBurstLimit,
    });
    this.console.routeApi(this.httpApi.api, apiPathPatterns(HTTP_ROUTES.map((r) => r.path)));
    this.monitoring.add('Api5xx', this.httpApi.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), {
      description: 'HTTP API answered 5xx',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The console; the API is on the same origin under /v1/' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
  }
}
