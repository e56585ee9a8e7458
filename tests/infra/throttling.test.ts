/**
 * Per-client throttling in AWS: the WAF web ACL in us-east-1 with rate-based
 * rules per client IP, attached to the console distribution (which also
 * carries the API), and per-route throttles on the HTTP API stage's write
 * routes as the second layer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import { readConfig } from '#infra/config.ts';
import { EDGE_WINDOW_SECONDS } from '#infra/constructs/edge-firewall.ts';
import { resources, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
let tuned: Synthesized;
beforeAll(() => {
  dev = synth('dev');
  tuned = synth('dev', { edgeRequestsPer5Min: '600', edgeWritesPer5Min: '50', writeRouteRateLimit: '5', writeRouteBurstLimit: '7' });
});

type Rule = { Name: string; Priority: number; Action: any; Statement: { RateBasedStatement: any }; VisibilityConfig: any };
const aclOf = (s: Synthesized) => {
  const acls = Object.entries(resources(s.edge, 'AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]!;
};
const ruleOf = (s: Synthesized, name: string) => (aclOf(s)[1].Properties!.Rules as Rule[]).find((r) => r.Name === name)!;
const startsWithV1 = {
  ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/v1/', TextTransformations: [{ Priority: 0, Type: 'NONE' }] },
};

describe('edge web ACL (first layer: per client)', () => {
  it('lives in its own stack in us-east-1, scoped to CloudFront, allowing by default', () => {
    expect(dev.system.edge.region).toBe('us-east-1');
    expect(dev.system.stateless.region).not.toBe('us-east-1');
    const [, acl] = aclOf(dev);
    expect(acl.Properties!.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties!.DefaultAction).toEqual({ Allow: {} });
  });

  it('limits each client IP to 300 API requests per 5 minutes', () => {
    const rule = ruleOf(dev, 'RequestsPerClient');
    expect(rule.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'IP',
      Limit: 300,
      EvaluationWindowSec: 300,
      ScopeDownStatement: startsWithV1,
    });
  });

  it('limits each client IP to 100 writes (POST, PUT, PATCH, DELETE) under /v1/ per 5 minutes, evaluated first', () => {
    const rule = ruleOf(dev, 'WritesPerClient');
    const rate = rule.Statement.RateBasedStatement;
    expect(rate).toMatchObject({ AggregateKeyType: 'IP', Limit: 100, EvaluationWindowSec: EDGE_WINDOW_SECONDS });
    const [path, methods] = rate.ScopeDownStatement.AndStatement.Statements;
    expect(path).toEqual(startsWithV1);
    const names = methods.OrStatement.Statements.map((s: any) => {
      expect(s.ByteMatchStatement.FieldToMatch).toEqual({ Method: {} });
      expect(s.ByteMatchStatement.PositionalConstraint).toBe('EXACTLY');
      return s.ByteMatchStatement.SearchString;
    });
    expect(names.sort()).toEqual(['DELETE', 'PATCH', 'POST', 'PUT']);
    expect(rule.Priority).toBeLessThan(ruleOf(dev, 'RequestsPerClient').Priority);
  });

  it("blocks with 429, Retry-After and the contract's JSON error body", () => {
    const [, acl] = aclOf(dev);
    for (const name of ['WritesPerClient', 'RequestsPerClient']) {
      const custom = ruleOf(dev, name).Action.Block.CustomResponse;
      expect(custom.ResponseCode).toBe(429);
      expect(custom.ResponseHeaders).toEqual([{ Name: 'retry-after', Value: '300' }]);
      const body = acl.Properties!.CustomResponseBodies[custom.CustomResponseBodyKey];
      expect(body.ContentType).toBe('APPLICATION_JSON');
      const json = JSON.parse(body.Content) as { error: { code: string; message: string; details: { path: string; message: string }[] } };
      expect(json.error.code).toBe('QUOTA_EXCEEDED');
      expect(json.error.details[0]!.message).toContain('300 API requests, 100 of them writes, per 5 minutes');
    }
  });

  it('each rule reports metrics and sampled requests under a stage-specific name', () => {
    for (const name of ['WritesPerClient', 'RequestsPerClient']) {
      expect(ruleOf(dev, name).VisibilityConfig).toEqual({
        CloudWatchMetricsEnabled: true,
        MetricName: `SmeMatch-dev-${name}`,
        SampledRequestsEnabled: true,
      });
    }
  });

  it('is associated with the distribution through a cross-region stack output of its ARN', () => {
    const [aclId] = aclOf(dev);
    const outputs = dev.edge.toJSON().Outputs as Record<string, { Value: unknown }>;
    const published = Object.entries(outputs).filter(([, o]) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [aclId, 'Arn'] }));
    expect(published.length).toBeGreaterThan(0);
    const dist = Object.values(resources(dev.stateless, 'AWS::CloudFront::Distribution'))[0]!;
    const ref = dist.Properties!.DistributionConfig.WebACLId['Fn::GetStackOutput'];
    expect(ref).toEqual({ StackName: dev.system.edge.stackName, Region: 'us-east-1', OutputName: expect.any(String) });
    expect(published.map(([k]) => k)).toContain(ref.OutputName);
  });

  it('takes its limits from context', () => {
    expect(ruleOf(tuned, 'RequestsPerClient').Statement.RateBasedStatement.Limit).toBe(600);
    expect(ruleOf(tuned, 'WritesPerClient').Statement.RateBasedStatement.Limit).toBe(50);
  });
});

describe('HTTP API stage (second layer: per route)', () => {
  const stageOf = (s: Synthesized) => Object.values(resources(s.stateless, 'AWS::ApiGatewayV2::Stage'))[0]!;
  const writes = HTTP_ROUTES.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

  it('throttles every write route on its own, below the stage-wide limit, and no read route', () => {
    const p = stageOf(dev).Properties!;
    expect(p.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(writes.length).toBeGreaterThan(5);
    expect(Object.keys(p.RouteSettings).sort()).toEqual([...writes].sort());
    for (const key of writes) expect(p.RouteSettings[key]).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
  });

  it('is created after the routes it names (API Gateway refuses settings for a route it does not know)', () => {
    const stage = stageOf(dev);
    const depends = (stage as { DependsOn?: string[] }).DependsOn ?? [];
    const routeIds = Object.entries(resources(dev.stateless, 'AWS::ApiGatewayV2::Route'))
      .filter(([, r]) => writes.includes(r.Properties!.RouteKey))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(writes.length);
    for (const id of routeIds) expect(depends).toContain(id);
  });

  it('takes its limits from context', () => {
    for (const key of writes) expect(stageOf(tuned).Properties!.RouteSettings[key]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 });
  });
});

describe('throttling settings', () => {
  const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

  it.each([
    [{ writeRouteRateLimit: '60' }, /writeRouteRateLimit/], // above the stage's 50 rps: would never apply
    [{ edgeRequestsPer5Min: '5' }, /edgeRequestsPer5Min/], // WAF's minimum is 10
    [{ edgeWritesPer5Min: '400' }, /edgeWritesPer5Min/], // above the overall per-client limit
    [{ authDomainPrefix: 'My_Domain' }, /authDomainPrefix/],
    [{ authDomainPrefix: 'cognito-sme' }, /authDomainPrefix/],
    [{ region: 'mars' }, /region/],
  ])('refuses %j', (context, message) => {
    expect(() => configOf(context)).toThrow(message);
  });
});
