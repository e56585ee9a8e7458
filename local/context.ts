/**
 * A Lambda-like invocation context for handlers run by the local runtime, so
 * code that reads `awsRequestId` (logging, correlation) or
 * `getRemainingTimeInMillis()` (the matcher's time budget) behaves as in AWS.
 * The timeout and memory come from the function manifest the CDK app uses.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '#functions/handlers/manifest.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';
export const LOCAL_STAGE = 'local';

export function functionNameOf(fn: FunctionName): string {
  return `sme-matchmaking-${LOCAL_STAGE}-${fn}`;
}

export function lambdaContext(fn: FunctionName, awsRequestId: string = randomUUID()): Context {
  const spec = FUNCTIONS[fn];
  const name = functionNameOf(fn);
  // Not enforced (a local handler is never killed), but reported the way Lambda does.
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
