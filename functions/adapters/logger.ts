/**
 * The Powertools logger of a Lambda, in a module of its own so that a
 * function that needs nothing else (public) does not load the AWS SDK.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { sourceMappedStacks } from './stack-traces.ts';

export function awsLogger(): Logger {
  // The stacks it logs name the TypeScript source, the map read on the first one (stack-traces.ts).
  sourceMappedStacks();
  // POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL come from the stack, per stage.
  return new Logger();
}
