/**
 * The DynamoDB document client, built once per container and injected.
 * Locally it points at dynalite with throwaway credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoOptions {
  /** dynalite's URL in the local runtime and tests; absent in AWS. */
  endpoint?: string | undefined;
  region?: string;
}

export function makeDocumentClient(opts: DynamoOptions = {}): DynamoDBDocumentClient {
  const local = opts.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...(local
      ? {
          endpoint: opts.endpoint,
          region: opts.region ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          // dynalite answers at once; a lost local request is a bug worth seeing quickly.
          maxAttempts: 3,
        }
      : { region: opts.region ?? process.env.AWS_REGION }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
