/**
 * The HTTP API: one route per entry of HTTP_ROUTES (the table the local
 * gateway serves too), each integrated with the Lambda of its group, with
 * the Cognito JWT authorizer on every `auth: 'jwt'` route.
 */
import { Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  type CfnStage,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPoolClient, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_ROUTES, type HttpGroup } from '#functions/http/routes.ts';
import type { StageSettings } from '../config.ts';

export interface HttpApiConstructProps {
  readonly stage: StageSettings;
  /** The Lambda that serves each route group. */
  readonly handlers: Record<HttpGroup, IFunction>;
  /** The concrete pool: the JWT issuer is its provider URL. */
  readonly userPool: UserPool;
  /** Every app client whose tokens the API accepts (the JWT audience): the app client and the console's. */
  readonly userPoolClients: readonly IUserPoolClient[];
  /** Default-stage throttling, requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** Throttling of each write route (every method but GET), requests per second; at most the stage's. */
  readonly writeRouteRateLimit: number;
  readonly writeRouteBurstLimit: number;
}

/** The HTTP methods that only read; every other route is a write and gets a throttle of its own. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One JSON line per request: enough to trace a 5xx to its Lambda request id. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationRequestId: '$context.integration.requestId',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
});

export class AppHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: HttpApiConstructProps) {
    super(scope, id);
    // No default stage: the stage is made below, with access logs and throttling,
    // which the default stage of HttpApi cannot be given.
    this.api = new HttpApi(this, 'Api', { createDefaultStage: false, description: `SME matchmaking API (${props.stage.name})` });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.logRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    // issuer = the user pool, audience = its app clients: the same checks the
    // local runtime makes on its own tokens.
    if (props.userPoolClients.length === 0) throw new Error('the JWT authorizer needs at least one app client as audience');
    const jwt = new HttpJwtAuthorizer('Cognito', props.userPool.userPoolProviderUrl, {
      jwtAudience: props.userPoolClients.map((c) => c.userPoolClientId),
      identitySource: ['$request.header.Authorization'],
    });
    const none = new HttpNoneAuthorizer();

    const integrations = new Map<HttpGroup, HttpLambdaIntegration>();
    const integrationOf = (group: HttpGroup) => {
      let integration = integrations.get(group);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${group}Integration`, props.handlers[group]);
        integrations.set(group, integration);
      }
      return integration;
    };

    for (const r of HTTP_ROUTES) {
      const authorizer: IHttpRouteAuthorizer = r.auth === 'jwt' ? jwt : none;
      const route = new HttpRoute(this, routeId(r.method, r.path), {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(r.path, HttpMethod[r.method]),
        integration: integrationOf(r.group),
        authorizer,
      });
      if (r.auth === 'none') {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${r.method} ${r.path} is public by design (HTTP_ROUTES auth 'none'): health, catalog or API description, read-only and without personal data.`,
        });
      }
      this.routes.push(route);
    }

    // Per-route throttles on the write routes: the stage-wide limit is shared by
    // every caller and route, so one route flooded with writes (needs, offerings)
    // would otherwise use up the reads' budget too. The stage may only name routes
    // that exist, so it waits for them.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    HTTP_ROUTES.forEach((r, i) => {
      if (READ_METHODS.has(r.method)) return;
      routeSettings[`${r.method} ${r.path}`] = {
        ThrottlingRateLimit: props.writeRouteRateLimit,
        ThrottlingBurstLimit: props.writeRouteBurstLimit,
      };
      this.stage.node.addDependency(this.routes[i]!);
    });
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }

  /** The invoke URL of the default stage. */
  get url(): string {
    return this.stage.url;
  }
}

/** A stable construct id per route, readable in the template: GET /v1/smes/{smeId} -> GET-v1-smes-smeId. */
function routeId(method: string, path: string): string {
  const p = path.replace(/[{}]/g, '').split('/').filter(Boolean).join('-');
  return `${method}-${p || 'root'}`;
}
