/**
 * The USCC lookup: one item per 统一社会信用代码 naming the one record (an SME
 * or a provider) that holds it. Written with `attribute_not_exists` before the
 * holder's own item, so two concurrent registrations of one code cannot both
 * win (DynamoDB serialises conditional writes on one key; no transaction needed).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf, type StoreContext } from './core.ts';
import { usccKey } from './keys.ts';

export type UsccHolderKind = 'sme' | 'provider';

export interface UsccClaim {
  uscc: string;
  holderKind: UsccHolderKind;
  holderId: string;
  /** ISO time of the claim: a claim whose holder never appeared may be taken over after a grace period. */
  claimedAt: string;
}

export async function getUsccClaim(ctx: StoreContext, uscc: string): Promise<UsccClaim | undefined> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: usccKey(uscc), ConsistentRead: true }));
  const i = res.Item;
  if (!i) return undefined;
  return { uscc, holderKind: i.holderKind as UsccHolderKind, holderId: i.holderId as string, claimedAt: i.claimedAt as string };
}

/**
 * Writes the claim if the code is unclaimed (false otherwise: read who holds
 * it); `replacing` names a holder whose claim to take over, for repairs only.
 */
export async function putUsccClaim(ctx: StoreContext, claim: UsccClaim, replacing?: { holderId: string }): Promise<boolean> {
  const cond = replacing
    ? { ConditionExpression: 'holderId = :old', ExpressionAttributeValues: { ':old': replacing.holderId } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  return writeIf(
    ctx,
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...usccKey(claim.uscc), type: 'usccClaim', ...claim },
      ...cond,
    }),
  );
}
