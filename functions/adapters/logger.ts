/**
 * The Powertools logger of a Lambda, in a module of its own so that a
 * function that needs nothing else (public) does not load the AWS SDK.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export function awsLogger(): Logger {
  // POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL come from the stack, per stage.
  return new Logger();
}
