/**
 * The AWS credentials of a Lambda, in place of the SDK's default provider
 * chain: the bundles alias `@aws-sdk/credential-provider-node` to this module
 * (infra/constructs/app-function.ts, BUNDLING.alias).
 *
 * Why: Lambda puts the execution role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) before init,
 * and the chain's first link reads exactly those. The rest of the chain
 * (shared files, SSO, sign-in, credential process, web identity, container
 * and instance metadata, with the STS, SSO and sign-in clients they use) is
 * about 130 KB of minified code per bundle that a Lambda never runs: a third
 * of the bundle, parsed at every cold start. Same result as the SDK's own
 * `fromEnv` (@aws-sdk/credential-provider-env), without its dependencies.
 *
 * Only the bundles use it: the local runtime and the tests import the SDK
 * from node_modules, with the whole chain.
 */

/** What the SDK's credential providers resolve to (AwsCredentialIdentity, without a dependency on @smithy/types). */
export interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  credentialScope?: string;
  accountId?: string;
}

/**
 * The SDK calls `defaultProvider(clientConfig)` when a client is built
 * without `credentials`, and the provider on the first request (then keeps
 * the result: no expiration, as with `fromEnv`).
 */
export const defaultProvider =
  (_init: unknown = {}, env: Record<string, string | undefined> = process.env) =>
  async (): Promise<EnvCredentials> => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      // Reaching AWS without the role's keys is a deployment fault: say which, rather than the SDK's generic "could not load credentials".
      throw new Error('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (the Lambda runtime sets them from the execution role)');
    }
    const { AWS_SESSION_TOKEN: sessionToken, AWS_CREDENTIAL_EXPIRATION: expiry, AWS_CREDENTIAL_SCOPE: credentialScope, AWS_ACCOUNT_ID: accountId } = env;
    return {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiry ? { expiration: new Date(expiry) } : {}),
      ...(credentialScope ? { credentialScope } : {}),
      ...(accountId ? { accountId } : {}),
    };
  };
