/**
 * Consumed-capacity metering as an AWS SDK middleware, for benchmarks and
 * tests only: the application never installs it, so in production no call
 * asks for ReturnConsumedCapacity and the store knows nothing of metering.
 *
 * Installed on a document client's middleware stack (shared with the
 * DynamoDBClient it wraps, so every client over that one is metered), it asks every data-plane call for TOTAL
 * consumed capacity at the initialize step and adds the units the response
 * reports to the meter. Refused conditional writes report none (DynamoDB
 * still charges them): they throw before a response exists.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where consumed capacity goes. */
export interface CapacityMeter {
  add(kind: 'read' | 'write', units: number): void;
}

/** The operations that accept ReturnConsumedCapacity, by what they consume. */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

const MIDDLEWARE_NAME = 'consumedCapacityMeter';

interface Consumed {
  CapacityUnits?: number;
}

/** The units of a response: one ConsumedCapacity, or one per table for batch and transaction calls. */
function unitsOf(output: unknown): number {
  const consumed = (output as { ConsumedCapacity?: Consumed | Consumed[] } | undefined)?.ConsumedCapacity;
  const all = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return all.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/**
 * Meters every call of `client` into `meter` until the returned function is
 * called. One meter per client: installing again replaces the previous one.
 */
export function installCapacityMeter(client: DynamoDBDocumentClient, meter: CapacityMeter): () => void {
  const stack = client.middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      // commandName is the low-level command's ("GetItemCommand"), the document client's commands included.
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const kind = READS.has(operation) ? 'read' : WRITES.has(operation) ? 'write' : undefined;
      if (!kind) return next(args);
      const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
      const units = unitsOf(result.output);
      if (units > 0) meter.add(kind, units);
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME, override: true },
  );
  return () => {
    stack.remove(MIDDLEWARE_NAME);
  };
}
