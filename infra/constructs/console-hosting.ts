/**
 * The console in AWS: the built files (web/dist) in a private S3 bucket,
 * served by CloudFront through origin access control, with security
 * headers, the SPA fallback, per-client throttling (the WAF web ACL of the
 * edge stack) and, on the same distribution, the HTTP API under /v1/*,
 * /health and /openapi.json, so the console calls its own origin (no CORS).
 * It also owns the console's Cognito app client (hosted sign-in, code + PKCE)
 * and writes the `config.json` the console reads at run time.
 */
import path from 'node:path';
import { Aws, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CfFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, type IUserPool, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { StageSettings } from '../config.ts';

/** Where Cognito sends the browser back with `?code=&state=`; a route of the console (the SPA fallback serves it). */
export const AUTH_CALLBACK_PATH = '/auth/callback';
/** Where Cognito's /logout sends the browser afterwards. */
export const SIGNED_OUT_PATH = '/';
/** The file next to index.html the console reads at start (web/src/auth/config.ts). */
export const CONSOLE_CONFIG_FILE = 'config.json';
const ASSETS_DIR = 'assets';

/** The shape of config.json; web/src/auth/config.ts reads the same. */
export interface ConsoleConfig {
  /** '' = the console's own origin: the distribution routes the API paths. */
  apiBase: string;
  cognito: { domain: string; clientId: string; redirectUri: string; logoutUri: string };
}

/**
 * Viewer-request function of the default (S3) behaviour: a path whose last
 * segment has no file extension is a route of the app and gets index.html;
 * files (hashed assets, config.json) pass through. It replaces CloudFront
 * error pages (403/404 -> index.html), which would also rewrite the API's
 * own 404s on the same distribution. Plain ES5: the cloudfront-js runtime.
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf('/${ASSETS_DIR}/') === 0) return request;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export interface ConsoleHostingProps {
  readonly stage: StageSettings;
  /** The built console (index.html + assets/), e.g. web/dist from buildConsole(). */
  readonly consoleDir: string;
  readonly userPool: IUserPool;
  /** The hosted sign-in domain (stateful stack). */
  readonly signInDomain: UserPoolDomain;
  /** ARN of the CLOUDFRONT-scoped WAF web ACL (edge stack, us-east-1). */
  readonly webAclArn: string;
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly client: UserPoolClient;
  readonly securityHeaders: ResponseHeadersPolicy;
  /** `https://<distribution>/`: the console, and the API under /v1/ on the same origin. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const { stage } = props;
    const devOnly = stage.logRemovalPolicy === RemovalPolicy.DESTROY;

    // Access logs of the bucket and of the distribution. CloudFront's standard
    // logs are written with an ACL, hence object-writer ownership on this bucket only.
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(stage.name === 'prod' ? 180 : 7) }],
      removalPolicy: stage.logRemovalPolicy,
      autoDeleteObjects: devOnly,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the access logs of the console bucket and distribution; logging its own access would log the logs.',
    });

    // Private: only CloudFront (origin access control) reads it. Not versioned:
    // everything in it is rebuilt from git by a deploy, and old hashed assets stay
    // (prune: false below), so there is nothing a previous version would restore.
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // A build artefact: nothing to keep when the stage goes away.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    // Cognito's domain is the only other origin the page talks to (the token exchange).
    const signIn = props.signInDomain.baseUrl();
    this.securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Console: strict CSP (own origin + Cognito sign-in), HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            `connect-src 'self' ${signIn}`,
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The callback URL carries the authorization code: never let it leak in a Referer.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      },
    });

    // The origin's Cache-Control decides: hashed assets a year, index.html and
    // config.json revalidated every time (min TTL 0 lets `no-cache` mean it).
    const staticCache = new CachePolicy(this, 'StaticCache', {
      comment: 'Console files: TTL from the object Cache-Control',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const spaFallback = new CfFunction(this, 'SpaFallback', {
      comment: 'App routes get index.html; files pass through',
      code: FunctionCode.fromInline(SPA_FALLBACK_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `SME matchmaking console and API (${stage.name})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: staticCache,
        responseHeadersPolicy: this.securityHeaders,
        compress: true,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Adds the Asia-Pacific edges (Hong Kong, Japan, Singapore, Taiwan, Korea) the users are
      // closest to; only South America and Oceania are left out, at lower prices.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: SMEs and providers sign in from every province and, for the cross-border services, from abroad; per-client limits come from the WAF web ACL instead.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot enforce TLS 1.2 (CloudFront fixes its policy at TLSv1); TLS_V1_2_2021 is set and applies once a custom domain with an ACM certificate is added (docs/deploy.md).',
      },
    );

    const base = `https://${this.distribution.distributionDomainName}`;
    // A public client (code in a browser cannot keep a secret): authorization code
    // only, which Cognito binds to the PKCE challenge the console sends.
    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.userPool,
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${base}${AUTH_CALLBACK_PATH}`],
        logoutUrls: [`${base}${SIGNED_OUT_PATH}`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      enableTokenRevocation: true,
    });

    const config: ConsoleConfig = {
      apiBase: '',
      cognito: {
        domain: signIn,
        clientId: this.client.userPoolClientId,
        redirectUri: `${base}${AUTH_CALLBACK_PATH}`,
        logoutUri: `${base}${SIGNED_OUT_PATH}`,
      },
    };
    // Hashed assets first and never pruned: a tab still running the previous
    // index.html fetches its lazily loaded chunk (Chartist) after the deploy.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(path.join(props.consoleDir, ASSETS_DIR))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${ASSETS_DIR}/`,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
      prune: false,
    });
    // Then the entry points, which name those assets; revalidated on every load.
    const entry = new BucketDeployment(this, 'DeployEntry', {
      sources: [Source.asset(props.consoleDir, { exclude: [ASSETS_DIR, `${ASSETS_DIR}/**`] }), Source.jsonData(CONSOLE_CONFIG_FILE, config)],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.noCache()],
      prune: false,
    });
    entry.node.addDependency(assets);
    this.acknowledgeDeploymentHandler(assets);
    this.url = `${base}/`;
  }

  /**
   * BucketDeployment's handler is one Lambda per stack that CDK provides (a
   * Python runtime with the AWS CLI layer); its role is CDK's too. Each
   * finding is acknowledged by name, the wildcards spelled out.
   */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment): void {
    const handler = deployment.handlerRole.node.scope;
    if (!handler) throw new Error('BucketDeployment handler role without a function');
    const stack = Stack.of(this);
    const shown = (v: string, pseudo: string) => (Token.isUnresolved(v) ? `<AWS::${pseudo}>` : v);
    const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const assetBucket = `cdk-${qualifier}-assets-${shown(stack.account, 'AccountId')}-${shown(stack.region, 'Region')}`;
    const siteBucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const why = 'CDK BucketDeployment handler: copies the console build from the CDK asset bucket into the console bucket';
    Validations.of(handler).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${why}; its role comes with the basic execution policy (its own logs only).` },
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((a) => ({
        id: `AwsSolutions-IAM5[Action::${a}]`,
        reason: `${why}; ${a} is the grant CDK makes on exactly the two buckets it copies between.`,
      })),
      { id: `AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'Partition')}:s3:::${assetBucket}/*]`, reason: `${why}; it reads the zipped build from the bootstrap asset bucket, whose object keys are content hashes.` },
      { id: `AwsSolutions-IAM5[Resource::<${siteBucketId}.Arn>/*]`, reason: `${why}; it writes every file of the build into the console bucket.` },
      { id: 'AwsSolutions-L1', reason: `${why}; the runtime is CDK's choice, tied to the AWS CLI layer it ships with, and the function runs only during deploys.` },
    );
  }

  /**
   * Routes API paths through the same distribution to the HTTP API: never
   * cached, every viewer header but Host forwarded (Authorization included;
   * API Gateway needs its own Host), HTTPS only, TLS 1.2 to the origin.
   * @param pathPatterns CloudFront path patterns, e.g. `/v1/*`, `/health`.
   */
  routeApi(api: IHttpApi, pathPatterns: readonly string[]): void {
    const origin = new HttpOrigin(`${api.apiId}.execute-api.${Stack.of(this).region}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    for (const pattern of pathPatterns) {
      this.distribution.addBehavior(pattern, origin, {
        // An API client is told to use HTTPS, not redirected: a redirected POST loses its body.
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: this.securityHeaders,
        compress: true,
      });
    }
  }
}

/**
 * CloudFront path patterns for the API's route paths: everything under /v1/
 * as one pattern, any other path as itself (a `{param}` segment as `*`).
 */
export function apiPathPatterns(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) out.add(p.startsWith('/v1/') ? '/v1/*' : p.replace(/\{[^}]+\}/g, '*'));
  return [...out].sort();
}
