/**
 * The console in AWS: a private bucket read only by its CloudFront
 * distribution (origin access control), HTTPS, security headers, the SPA
 * fallback, the API on the same origin, Cognito hosted sign-in with the
 * authorization code flow for a public client, and the config.json the
 * console reads at run time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { HTTP_ROUTES } from '#functions/http/routes.ts';
import { AUTH_CALLBACK_PATH, SPA_FALLBACK_CODE, apiPathPatterns } from '#infra/constructs/console-hosting.ts';
import { logicalId, resources, synth, TEST_REGION, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod', { authDomainPrefix: 'sme-match-console' });
});

const one = <T>(xs: Record<string, T>): [string, T] => {
  const entries = Object.entries(xs);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};
const distributionOf = (s: Synthesized) => one(resources(s.stateless, 'AWS::CloudFront::Distribution'));
const siteBucketId = (s: Synthesized) => logicalId(s.system.stateless.console.bucket);
type Statement = { Effect: string; Action: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
const policyOf = (s: Synthesized, bucketId: string): Statement[] =>
  Object.values(resources(s.stateless, 'AWS::S3::BucketPolicy')).find((p) => p.Properties!.Bucket.Ref === bucketId)!.Properties!.PolicyDocument
    .Statement;

describe('console bucket', () => {
  it('blocks every kind of public access, has no website endpoint, encrypts, logs its access', () => {
    const b = resources(dev.stateless, 'AWS::S3::Bucket')[siteBucketId(dev)]!.Properties!;
    expect(b.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(b.WebsiteConfiguration).toBeUndefined();
    expect(b.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(b.LoggingConfiguration.DestinationBucketName.Ref).toBe(logicalId(dev.system.stateless.console.logBucket));
    expect(b.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
  });

  it('lets only this distribution read it (OAC, SourceArn), and refuses plain HTTP', () => {
    const [distId] = distributionOf(dev);
    const statements = policyOf(dev, siteBucketId(dev));
    const cloudfront = statements.filter((s) => JSON.stringify(s.Principal).includes('cloudfront.amazonaws.com'));
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]!.Effect).toBe('Allow');
    expect(cloudfront[0]!.Action).toBe('s3:GetObject');
    // The distribution's own ARN, not any distribution of the account.
    const sourceArn = JSON.stringify(cloudfront[0]!.Condition!.StringEquals!['AWS:SourceArn']);
    expect(sourceArn).toContain(`distribution/`);
    expect(sourceArn).toContain(`"Ref":"${distId}"`);
    // Nobody else is allowed to read: every other Allow is CDK's deploy-time auto-delete role.
    for (const s of statements.filter((x) => x.Effect === 'Allow' && x !== cloudfront[0])) {
      expect(JSON.stringify(s.Principal)).toMatch(/AutoDeleteObjects/);
      expect([s.Action].flat()).not.toContain('s3:GetObject');
    }
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('the distribution reaches it through an origin access control that signs every request', () => {
    const [oacId, oac] = one(resources(dev.stateless, 'AWS::CloudFront::OriginAccessControl'));
    expect(oac.Properties!.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [, dist] = distributionOf(dev);
    const s3Origin = dist.Properties!.DistributionConfig.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(s3Origin.DomainName).toEqual({ 'Fn::GetAtt': [siteBucketId(dev), 'RegionalDomainName'] });
  });
});

describe('distribution', () => {
  it('redirects the console to HTTPS and serves the API paths over HTTPS only', () => {
    const [, dist] = distributionOf(dev);
    const cfg = dist.Properties!.DistributionConfig;
    expect(cfg.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(cfg.CacheBehaviors.length).toBeGreaterThan(0);
    for (const b of cfg.CacheBehaviors) expect(b.ViewerProtocolPolicy).toBe('https-only');
    for (const o of cfg.Origins.filter((x: any) => x.CustomOriginConfig)) {
      expect(o.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    }
  });

  it('routes every API path of HTTP_ROUTES to the HTTP API, uncached, with the Authorization header', () => {
    const [, dist] = distributionOf(dev);
    const cfg = dist.Properties!.DistributionConfig;
    const patterns = apiPathPatterns(HTTP_ROUTES.map((r) => r.path));
    expect(patterns).toEqual(expect.arrayContaining(['/v1/*', '/health', '/openapi.json']));
    expect(cfg.CacheBehaviors.map((b: any) => b.PathPattern).sort()).toEqual([...patterns].sort());
    for (const path of HTTP_ROUTES.map((r) => r.path)) {
      expect(patterns.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : p === path)), path).toBe(true);
    }
    const apiOrigin = cfg.Origins.find((o: any) => o.CustomOriginConfig);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(`"Ref":"${logicalId(dev.system.stateless.httpApi.api)}"`);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(`.execute-api.${TEST_REGION}.`);
    for (const b of cfg.CacheBehaviors) {
      expect(b.TargetOriginId).toBe(apiOrigin.Id);
      expect(b.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
      // AllViewer* forwards Authorization; API Gateway needs its own Host, hence "except host".
      expect(b.OriginRequestPolicyId).toBe(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
      expect(b.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'PUT']));
    }
  });

  it('sends a CSP that allows only its own origin and the Cognito sign-in domain, with HSTS and no framing', () => {
    const [, policy] = one(resources(dev.stateless, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const sec = policy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'; script-src 'self'; style-src 'self'");
    expect(csp).toMatch(new RegExp(`connect-src 'self' https://",\\{.*SignInDomain.*\\},"\\.auth\\.${TEST_REGION}\\.amazoncognito\\.com;`));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(sec.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(sec.FrameOptions.FrameOption).toBe('DENY');
    expect(sec.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    const [, dist] = distributionOf(dev);
    const cfg = dist.Properties!.DistributionConfig;
    const policyId = logicalId(dev.system.stateless.console.securityHeaders);
    for (const b of [cfg.DefaultCacheBehavior, ...cfg.CacheBehaviors]) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it("answers the app's routes with index.html through a viewer-request function, not error pages that would hide API 404s", () => {
    const [, dist] = distributionOf(dev);
    const cfg = dist.Properties!.DistributionConfig;
    expect(cfg.CustomErrorResponses).toBeUndefined();
    expect(cfg.DefaultRootObject).toBe('index.html');
    const [fnId, fn] = one(resources(dev.stateless, 'AWS::CloudFront::Function'));
    expect(cfg.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
    expect(fn.Properties!.FunctionCode).toBe(SPA_FALLBACK_CODE);
    const handler = new Function(`${SPA_FALLBACK_CODE}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const uriFor = (uri: string) => handler({ request: { uri } }).uri;
    for (const route of ['/', '/sme/matches', '/operator/review/', AUTH_CALLBACK_PATH, '/provider/offerings']) expect(uriFor(route), route).toBe('/index.html');
    for (const file of ['/index.html', '/config.json', '/assets/main-ABCD1234.js', '/assets/chunk-ABCD1234.js.LEGAL.txt', '/favicon.ico']) {
      expect(uriFor(file), file).toBe(file);
    }
  });

  it('is protected by the edge web ACL', () => {
    const [, dist] = distributionOf(dev);
    const webAcl = JSON.stringify(dist.Properties!.DistributionConfig.WebACLId);
    expect(webAcl).toContain('Fn::GetStackOutput');
    expect(webAcl).toContain(`"StackName":"${dev.system.edge.stackName}"`);
    expect(webAcl).toContain('"Region":"us-east-1"');
  });

  it('logs requests to the access-log bucket, which expires them and keeps them longer in prod', () => {
    const [, dist] = distributionOf(dev);
    expect(dist.Properties!.DistributionConfig.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logicalId(dev.system.stateless.console.logBucket), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    const expiry = (s: Synthesized) =>
      resources(s.stateless, 'AWS::S3::Bucket')[logicalId(s.system.stateless.console.logBucket)]!.Properties!.LifecycleConfiguration.Rules[0]
        .ExpirationInDays as number;
    expect(expiry(prod)).toBeGreaterThan(expiry(dev));
  });
});

describe('deployment of the built console', () => {
  const deployments = (s: Synthesized) => Object.values(resources(s.stateless, 'Custom::CDKBucketDeployment'));

  it('hashed assets are immutable for a year and never pruned; index.html and config.json are revalidated', () => {
    const all = deployments(dev);
    expect(all).toHaveLength(2);
    const assets = all.find((d) => d.Properties!.DestinationBucketKeyPrefix === 'assets/')!;
    const entry = all.find((d) => d.Properties!.DestinationBucketKeyPrefix === undefined)!;
    expect(assets.Properties!.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(entry.Properties!.SystemMetadata['cache-control']).toBe('no-cache');
    for (const d of all) {
      expect(d.Properties!.DestinationBucketName).toEqual({ Ref: siteBucketId(dev) });
      expect(d.Properties!.Prune).toBe(false);
    }
  });

  it('writes config.json with the API base, the sign-in domain, the console client and its URLs', () => {
    const entry = deployments(dev).find((d) => d.Properties!.DestinationBucketKeyPrefix === undefined)!;
    const markers = (entry.Properties!.SourceMarkers as Record<string, unknown>[]).find((m) => Object.keys(m).length > 0)!;
    // The JSON file CDK staged for Source.jsonData, with deploy-time markers in place of the tokens.
    const outdir = dev.app.synth().directory;
    const staged = readdirSync(outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => path.join(outdir, d, 'config.json'))
      .filter((f) => existsSync(f));
    expect(staged).toHaveLength(1);
    const config = JSON.parse(readFileSync(staged[0]!, 'utf8')) as { apiBase: string; cognito: Record<string, string> };
    const filled = (v: string) => JSON.stringify(v.replace(/<<marker:0xbaba:\d+>>/g, (m) => `{${JSON.stringify(markers[m])}}`));
    expect(config.apiBase).toBe('');
    expect(Object.keys(config.cognito).sort()).toEqual(['clientId', 'domain', 'logoutUri', 'redirectUri']);
    expect(filled(config.cognito.clientId!)).toContain(`Ref\\":\\"${logicalId(dev.system.stateless.console.client)}`);
    expect(filled(config.cognito.domain!)).toMatch(/^"https:\/\/\{.*SignInDomain.*\}\.auth\.ap-east-1\.amazoncognito\.com"$/);
    const distId = distributionOf(dev)[0];
    expect(filled(config.cognito.redirectUri!)).toMatch(new RegExp(`^"https://\\{.*${distId}.*DomainName.*\\}/auth/callback"$`));
    expect(filled(config.cognito.logoutUri!)).toMatch(new RegExp(`^"https://\\{.*${distId}.*DomainName.*\\}/"$`));
  });
});

describe('Cognito hosted sign-in', () => {
  it('the user pool has a hosted sign-in domain, prefix from app and stage or from context', () => {
    const [, dom] = one(resources(dev.stateful, 'AWS::Cognito::UserPoolDomain'));
    expect(dom.Properties!.Domain).toBe('smematch-dev');
    expect(one(resources(prod.stateful, 'AWS::Cognito::UserPoolDomain'))[1].Properties!.Domain).toBe('sme-match-console');
  });

  it('the console client is public and uses the authorization code grant only, back to the distribution', () => {
    const [, client] = one(resources(dev.stateless, 'AWS::Cognito::UserPoolClient'));
    const p = client.Properties!;
    expect(p.GenerateSecret).toBe(false);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect(p.AllowedOAuthScopes.sort()).toEqual(['email', 'openid', 'profile']);
    expect(p.SupportedIdentityProviders).toEqual(['COGNITO']);
    // No password flows: the browser only ever signs in through the hosted pages.
    expect(p.ExplicitAuthFlows ?? ['ALLOW_REFRESH_TOKEN_AUTH']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    const distId = distributionOf(dev)[0];
    const url = (suffix: string) => ({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distId, 'DomainName'] }, suffix]] });
    expect(p.CallbackURLs).toEqual([url('/auth/callback')]);
    expect(p.LogoutURLs).toEqual([url('/')]);
  });

  it("the API's JWT authorizer accepts tokens of both the app client and the console client", () => {
    const [, authorizer] = one(resources(dev.stateless, 'AWS::ApiGatewayV2::Authorizer'));
    const audience = authorizer.Properties!.JwtConfiguration.Audience as unknown[];
    expect(audience).toHaveLength(2);
    expect(audience).toContainEqual({ Ref: logicalId(dev.system.stateless.console.client) });
    const appClient = audience.find((a) => JSON.stringify(a).includes('Fn::GetStackOutput'));
    expect(JSON.stringify(appClient)).toContain('AppClient');
    expect(JSON.stringify(appClient)).toContain(`"StackName":"${dev.system.stateful.stackName}"`);
  });
});
