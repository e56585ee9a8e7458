/**
 * Per-client throttling at the edge: a WAF web ACL for the CloudFront
 * distribution with rate-based rules keyed on the client's IP address. It is
 * the first of two layers (the HTTP API stage's per-route throttles are the
 * second; per-user quotas live in the application). A web ACL for CloudFront
 * can only be created in us-east-1, so this construct goes in the edge stack.
 */
import { Stack } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface EdgeFirewallProps {
  /** Metric names carry it, so two stages in one account stay apart in CloudWatch. */
  readonly metricPrefix: string;
  /** Requests under /v1/ per client IP per 5 minutes. */
  readonly requestsPer5Min: number;
  /** Writes (POST, PUT, PATCH, DELETE) under /v1/ per client IP per 5 minutes. */
  readonly writesPer5Min: number;
}

/** WAF evaluates rate-based rules over a sliding window of this many seconds. */
export const EDGE_WINDOW_SECONDS = 300;
/** The methods that change something; everything else under /v1/ is a read. */
export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const API_PATH_PREFIX = '/v1/';
/** Name of the custom response body WAF sends with its 429. */
const THROTTLED_BODY = 'Throttled';

const exactMethod = (method: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    searchString: method,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

const underApi: CfnWebACL.StatementProperty = {
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: API_PATH_PREFIX,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};

export class EdgeFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    if (Stack.of(this).region !== 'us-east-1') {
      // CloudFormation would only fail at deploy time, after the other stacks moved.
      throw new Error(`a web ACL for CloudFront must be created in us-east-1, not ${Stack.of(this).region}`);
    }
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
      // Sampled requests show who was blocked, at no cost (full logging is priced per GB).
      sampledRequestsEnabled: true,
    });
    const throttled = (limit: number, scopeDown: CfnWebACL.StatementProperty, name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit,
          evaluationWindowSec: EDGE_WINDOW_SECONDS,
          scopeDownStatement: scopeDown,
        },
      },
      // The contract's error body, so the console shows the refusal like any other 429.
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: THROTTLED_BODY, responseHeaders: [{ name: 'retry-after', value: String(EDGE_WINDOW_SECONDS) }] } } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      // WAF descriptions allow letters, digits, spaces and a few marks only (no parentheses).
      description: 'Per-client IP request limits in front of the SME matchmaking API',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [THROTTLED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: {
              code: 'QUOTA_EXCEEDED',
              message: 'Too many requests from this address; try again in a few minutes.',
              details: [
                { path: 'client', message: `at most ${props.requestsPer5Min} API requests, ${props.writesPer5Min} of them writes, per ${EDGE_WINDOW_SECONDS / 60} minutes from one address` },
              ],
            },
          }),
        },
      },
      rules: [
        // Writes first: the stricter rule names itself in the metrics when both would match.
        throttled(
          props.writesPer5Min,
          { andStatement: { statements: [underApi, { orStatement: { statements: WRITE_METHODS.map(exactMethod) } }] } },
          'WritesPerClient',
          0,
        ),
        throttled(props.requestsPer5Min, underApi, 'RequestsPerClient', 1),
      ],
      visibilityConfig: visibility('WebAcl'),
    });
  }

  /** What CloudFront's `webAclId` takes for a WAFv2 web ACL. */
  get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}
