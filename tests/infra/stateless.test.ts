import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ROUTES, eventPattern } from '#events/routing.ts';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '#infra/constructs/app-function.ts';
import { MATCHER_MAX_RECEIVE_COUNT, RULE_TARGET_RETRY, VISIBILITY_TIMEOUT_FACTOR } from '#infra/constructs/event-routing.ts';
import { logicalId, resources, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
/** dev with every optional setting changed from its default. */
let tuned: Synthesized;
beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
  tuned = synth('dev', { roundDelaySeconds: '3', alarmEmail: 'ops@example.org' });
});

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];
const fnId = (s: Synthesized, name: FunctionName) => logicalId(s.system.stateless.functions[name].fn);
const fnProps = (s: Synthesized, name: FunctionName) =>
  resources(s.stateless, 'AWS::Lambda::Function')[fnId(s, name)]!.Properties!;
const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** Every IAM action a role may perform, from the policies attached to it. */
function actionsOfRole(t: Template, roleId: string): string[] {
  const actions: string[] = [];
  for (const p of Object.values(resources(t, 'AWS::IAM::Policy'))) {
    const roles = (p.Properties!.Roles as Array<{ Ref: string }>).map((r) => r.Ref);
    if (!roles.includes(roleId)) continue;
    for (const st of p.Properties!.PolicyDocument.Statement as Array<{ Action: string | string[]; Effect: string }>) {
      if (st.Effect === 'Allow') actions.push(...[st.Action].flat());
    }
  }
  return actions;
}
const actionsOf = (s: Synthesized, name: FunctionName) =>
  actionsOfRole(s.stateless, (fnProps(s, name).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);

describe('functions', () => {
  it('one function per manifest entry, besides the deploy-time helpers of CDK the console needs', () => {
    const all = Object.keys(resources(dev.stateless, 'AWS::Lambda::Function'));
    const ours = NAMES.map((n) => fnId(dev, n));
    expect(all.filter((id) => ours.includes(id)).sort()).toEqual([...ours].sort());
    // BucketDeployment's copier and the console bucket's auto-delete run only during deploys.
    expect(all.filter((id) => !ours.includes(id)).map((id) => id.replace(/[0-9A-F]{8,}$/, '')).sort()).toEqual(
      ['CustomCDKBucketDeployment', 'CustomS3AutoDeleteObjectsCustomResourceProviderHandler'].sort(),
    );
  });

  it.each(NAMES)('%s: nodejs22.x on arm64 with the manifest timeout and memory, ESM handler', (name) => {
    const p = fnProps(dev, name);
    expect(p.Runtime).toBe('nodejs22.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Timeout).toBe(FUNCTIONS[name].timeoutSeconds);
    expect(p.MemorySize).toBe(FUNCTIONS[name].memoryMb);
    expect(p.Handler).toBe('index.handler');
  });

  it.each(NAMES)('%s: environment bound to its resources (stage, Powertools, table, secret, settings)', (name) => {
    const env = fnProps(dev, name).Environment.Variables as Record<string, unknown>;
    // No --enable-source-maps: it decodes the map at every cold start; stacks are mapped on the first error instead (functions/adapters/stack-traces.ts).
    expect('NODE_OPTIONS' in env).toBe(false);
    expect(env).toMatchObject({
      STAGE: 'dev',
      POWERTOOLS_SERVICE_NAME: 'sme-matchmaking',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      ROUND_DELAY_MS: '1000',
      MATCH_TTL_HOURS: '72',
      REBALANCE_AFTER_MINUTES: '60',
      IDEMPOTENCY_TTL_HOURS: '24',
    });
    if (FUNCTIONS[name].needs.table === 'none') {
      // Least knowledge: no table name, no signing secret where nothing uses them.
      expect('TABLE_NAME' in env || 'CURSOR_SECRET' in env).toBe(false);
    } else {
      expect(env.TABLE_NAME).toBeDefined();
      // A CloudFormation dynamic reference to the generated secret, never a literal.
      expect(JSON.stringify(env.CURSOR_SECRET)).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:::\}\}/);
    }
    expect('EVENT_BUS_NAME' in env).toBe(FUNCTIONS[name].needs.publish);
    expect('MATCHER_QUEUE_URL' in env).toBe(FUNCTIONS[name].needs.matcherQueue === true);
  });

  it('logs to a log group of its own with stage retention: 7 days in dev, longer in prod', () => {
    for (const name of NAMES) {
      const lg = fnProps(dev, name).LoggingConfig.LogGroup.Ref as string;
      expect(resources(dev.stateless, 'AWS::Logs::LogGroup')[lg]!.Properties!.RetentionInDays).toBe(7);
      const lgProd = fnProps(prod, name).LoggingConfig.LogGroup.Ref as string;
      const prodLogs = resources(prod.stateless, 'AWS::Logs::LogGroup')[lgProd]!;
      expect(prodLogs.Properties!.RetentionInDays).toBeGreaterThan(7);
      expect(prodLogs.DeletionPolicy).toBe('Retain');
    }
    prod.stateless.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STAGE: 'prod', POWERTOOLS_LOG_LEVEL: 'INFO' }) },
    });
  });

  it('asynchronously invoked functions keep failed events in a DLQ after Lambda retries', () => {
    const configs = Object.values(resources(dev.stateless, 'AWS::Lambda::EventInvokeConfig'));
    const async = NAMES.filter((n) => ['eventbridge', 'schedule'].includes(FUNCTIONS[n].trigger));
    expect(configs.map((c) => c.Properties!.FunctionName.Ref).sort()).toEqual(async.map((n) => fnId(dev, n)).sort());
    for (const c of configs) {
      expect(c.Properties!.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][1]).toBe('Arn');
      expect(c.Properties!.MaximumRetryAttempts).toBe(2);
    }
  });
});

describe('IAM: each function gets what its manifest entry needs', () => {
  const WRITES = new Set<string>(TABLE_WRITE_ACTIONS);

  it.each(NAMES)('%s', (name) => {
    const needs = FUNCTIONS[name].needs;
    const actions = actionsOf(dev, name);
    const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
    if (needs.table === 'none') expect(dynamo).toEqual([]);
    if (needs.table === 'read') {
      expect(dynamo.length).toBeGreaterThan(0);
      for (const a of dynamo) expect(TABLE_READ_ACTIONS as readonly string[]).toContain(a);
    }
    if (needs.table === 'readwrite') for (const a of TABLE_WRITE_ACTIONS) expect(dynamo).toContain(a);
    expect(dynamo.some((a) => a.includes('*') || a === 'dynamodb:Scan')).toBe(false);
    expect(dynamo.some((a) => WRITES.has(a))).toBe(needs.table === 'readwrite');

    expect(actions.includes('events:PutEvents')).toBe(needs.publish);
    expect(actions.some((a) => a.startsWith('events:') && a !== 'events:PutEvents')).toBe(false);
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });

  it('no function role carries a managed policy', () => {
    for (const name of NAMES) {
      const roleId = (fnProps(dev, name).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources(dev.stateless, 'AWS::IAM::Role')[roleId]!.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('only the market trigger may send to the matcher queue', () => {
    const queueArn = getAtt(logicalId(dev.system.stateless.routing.matcherQueue));
    for (const p of Object.values(resources(dev.stateless, 'AWS::IAM::Policy'))) {
      for (const st of p.Properties!.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
        if (![st.Action].flat().includes('sqs:SendMessage')) continue;
        if (JSON.stringify(st.Resource) !== JSON.stringify(queueArn)) continue;
        expect(p.Properties!.Roles).toEqual([{ Ref: (fnProps(dev, 'marketTrigger').Role as any)['Fn::GetAtt'][0] }]);
      }
    }
    expect(actionsOf(dev, 'marketTrigger')).toContain('sqs:SendMessage');
  });
});

describe('HTTP API', () => {
  const routes = () => Object.values(resources(dev.stateless, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties!);

  it('has one route per HTTP_ROUTES entry', () => {
    dev.stateless.resourceCountIs('AWS::ApiGatewayV2::Route', HTTP_ROUTES.length);
    expect(routes().map((r) => r.RouteKey).sort()).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('puts the Cognito JWT authorizer on every jwt route and none on public ones', () => {
    const [authorizerId] = Object.keys(resources(dev.stateless, 'AWS::ApiGatewayV2::Authorizer'));
    const byKey = new Map(routes().map((r) => [r.RouteKey as string, r]));
    for (const r of HTTP_ROUTES) {
      const route = byKey.get(`${r.method} ${r.path}`)!;
      if (r.auth === 'jwt') {
        expect(route.AuthorizationType).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('the authorizer checks issuer = the user pool and audience = the app client', () => {
    dev.stateless.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const [auth] = Object.values(resources(dev.stateless, 'AWS::ApiGatewayV2::Authorizer'));
    expect(auth!.Properties!.AuthorizerType).toBe('JWT');
    const jwt = JSON.stringify(auth!.Properties!.JwtConfiguration);
    const stateful = dev.system.stateful;
    expect(JSON.stringify(auth!.Properties!.JwtConfiguration.Issuer)).toContain(stateful.stackName);
    expect(jwt).toMatch(/UserPool[A-Za-z0-9]*ProviderURL/);
    expect(jwt).toMatch(/UserPoolAppClient/);
  });

  it('integrates each route with the Lambda of its group', () => {
    const integrations = resources(dev.stateless, 'AWS::ApiGatewayV2::Integration');
    const byKey = new Map(routes().map((r) => [r.RouteKey as string, r]));
    for (const r of HTTP_ROUTES) {
      const target = byKey.get(`${r.method} ${r.path}`)!.Target['Fn::Join'][1][1].Ref as string;
      expect(integrations[target]!.Properties!.IntegrationUri).toEqual(getAtt(fnId(dev, r.group)));
    }
  });

  it('has a default stage with access logs to a log group and throttling', () => {
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(Object.keys(dev.stateless.findOutputs('ApiUrl'))).toEqual(['ApiUrl']);
  });
});

describe('event routing', () => {
  const rules = () => Object.values(resources(dev.stateless, 'AWS::Events::Rule')).map((r) => r.Properties!);

  it('builds one rule per route with exactly its EventBridge pattern', () => {
    dev.stateless.resourceCountIs('AWS::Events::Rule', ROUTES.length);
    const patterns = rules().map((r) => r.EventPattern);
    for (const route of ROUTES) expect(patterns).toContainEqual(eventPattern(route));
  });

  it('targets the consumer for direct routes and the market trigger for the fifo route', () => {
    for (const route of ROUTES) {
      const rule = rules().find((r) => JSON.stringify(r.EventPattern) === JSON.stringify(eventPattern(route)))!;
      const expected = route.delivery === 'fifo' ? 'marketTrigger' : route.consumer;
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0].Arn).toEqual(getAtt(fnId(dev, expected)));
    }
  });

  it('gives every rule target its own encrypted, TLS-only DLQ and an explicit retry policy', () => {
    const queues = resources(dev.stateless, 'AWS::SQS::Queue');
    const policies = Object.values(resources(dev.stateless, 'AWS::SQS::QueuePolicy'));
    const dlqs = new Set<string>();
    for (const rule of rules()) {
      for (const target of rule.Targets) {
        expect(target.RetryPolicy).toEqual({
          MaximumEventAgeInSeconds: RULE_TARGET_RETRY.maxEventAge.toSeconds(),
          MaximumRetryAttempts: RULE_TARGET_RETRY.retryAttempts,
        });
        const dlq = target.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;
        dlqs.add(dlq);
        expect(queues[dlq]!.Properties!.SqsManagedSseEnabled).toBe(true);
        const policy = policies.find((p) => JSON.stringify(p.Properties!.Queues).includes(dlq))!;
        expect(JSON.stringify(policy.Properties!.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
      }
    }
    expect(dlqs.size).toBe(ROUTES.length);
  });

  it('matcher FIFO queue: round delay, DLQ after <= 5 receives, visibility >= 6x the matcher timeout', () => {
    const q = resources(dev.stateless, 'AWS::SQS::Queue')[logicalId(dev.system.stateless.routing.matcherQueue)]!.Properties!;
    expect(q.FifoQueue).toBe(true);
    expect(q.ContentBasedDeduplication).toBe(false);
    expect(q.DelaySeconds).toBe(1);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * FUNCTIONS.matcher.timeoutSeconds);
    expect(VISIBILITY_TIMEOUT_FACTOR).toBeGreaterThanOrEqual(6);
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.RedrivePolicy.maxReceiveCount).toBeLessThanOrEqual(5);
    expect(q.RedrivePolicy.maxReceiveCount).toBe(MATCHER_MAX_RECEIVE_COUNT);
    const dlq = resources(dev.stateless, 'AWS::SQS::Queue')[q.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]]!;
    expect(dlq.Properties!.FifoQueue).toBe(true);
  });

  it('the matcher reads the FIFO queue with partial batch responses', () => {
    dev.stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    dev.stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(logicalId(dev.system.stateless.routing.matcherQueue)),
      FunctionName: { Ref: fnId(dev, 'matcher') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('the market trigger gets the queue URL from the queue itself', () => {
    const env = fnProps(dev, 'marketTrigger').Environment.Variables;
    expect(env.MATCHER_QUEUE_URL).toEqual({ Ref: logicalId(dev.system.stateless.routing.matcherQueue) });
  });

  it('one context setting drives both the queue delay and ROUND_DELAY_MS', () => {
    const s = tuned;
    const q = resources(s.stateless, 'AWS::SQS::Queue')[logicalId(s.system.stateless.routing.matcherQueue)]!;
    expect(q.Properties!.DelaySeconds).toBe(3);
    for (const name of NAMES) expect(fnProps(s, name).Environment.Variables.ROUND_DELAY_MS).toBe('3000');
  });
});

describe('schedules', () => {
  const expected: Partial<Record<FunctionName, string>> = {
    relay: 'rate(1 minute)',
    rebalance: 'rate(5 minutes)',
    expiry: 'rate(5 minutes)',
    lapse: 'rate(1 day)',
  };

  it('invoke relay every minute, rebalance and expiry every 5 minutes, lapse daily, each with a DLQ and a retry policy', () => {
    const schedules = Object.values(resources(dev.stateless, 'AWS::Scheduler::Schedule')).map((s) => s.Properties!);
    expect(schedules).toHaveLength(Object.keys(expected).length);
    for (const [name, rate] of Object.entries(expected) as [FunctionName, string][]) {
      const s = schedules.find((x) => JSON.stringify(x.Target.Arn) === JSON.stringify(getAtt(fnId(dev, name))))!;
      expect(s.ScheduleExpression).toBe(rate);
      expect(s.State).toBe('ENABLED');
      expect(s.Target.DeadLetterConfig.Arn['Fn::GetAtt'][1]).toBe('Arn');
      expect(s.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: expect.any(Number), MaximumRetryAttempts: expect.any(Number) });
    }
    // Every function the manifest marks as scheduled has a schedule.
    expect(NAMES.filter((n) => FUNCTIONS[n].trigger === 'schedule').sort()).toEqual(Object.keys(expected).sort());
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(resources(dev.stateless, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
  const firesOnAnything = (a: Record<string, any>) =>
    a.Threshold === 0 && a.ComparisonOperator === 'GreaterThanThreshold' && a.AlarmActions?.length === 1;

  it('alarm on the depth of every dead-letter queue', () => {
    const t = JSON.stringify(dev.stateless.toJSON().Resources);
    // Every queue that anything names as a DLQ: rule targets, schedules, Lambda destinations, redrive.
    const dlqIds = new Set<string>();
    for (const m of t.matchAll(/"(?:DeadLetterConfig|Destination|deadLetterTargetArn)":\{"(?:Arn":\{")?Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g)) {
      dlqIds.add(m[1]!);
    }
    // One per rule target, one per schedule, one per asynchronously invoked function (its failure destination), and the matcher queue's redrive.
    const scheduled = NAMES.filter((n) => FUNCTIONS[n].trigger === 'schedule').length;
    const invokedAsync = NAMES.filter((n) => FUNCTIONS[n].trigger === 'schedule' || FUNCTIONS[n].trigger === 'eventbridge').length;
    expect(dlqIds.size).toBe(ROUTES.length + scheduled + invokedAsync + 1);
    for (const id of dlqIds) {
      const alarm = alarms().find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
      );
      expect(alarm, `alarm for DLQ ${id}`).toBeDefined();
      expect(firesOnAnything(alarm!)).toBe(true);
    }
  });

  it.each(NAMES)('alarm on %s errors', (name) => {
    const alarm = alarms().find(
      (a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId(dev, name) } }]),
    );
    expect(alarm).toBeDefined();
    expect(firesOnAnything(alarm!)).toBe(true);
  });

  it('alarm on API 5xx', () => {
    const alarm = alarms().find((a) => a.MetricName === '5xx' && a.Namespace === 'AWS/ApiGateway');
    expect(alarm).toBeDefined();
    expect(firesOnAnything(alarm!)).toBe(true);
  });

  it('e-mails the alarm topic only when alarmEmail is set', () => {
    dev.stateless.resourceCountIs('AWS::SNS::Subscription', 0);
    tuned.stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });
});
