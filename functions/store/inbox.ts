/**
 * Each user's inbox of notifications, newest first. Notification ids embed
 * their time, so a notification's key is known without a lookup.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Notification } from '#domain/model.ts';
import { queryPage, writeIf, type Page, type PageRequest, type StoreContext } from './core.ts';
import { inboxPk, notificationKey, notificationKeys } from './keys.ts';

/** Idempotent by notification id: a redelivered event writes nothing new. */
export function putNotification(ctx: StoreContext, n: Notification): Promise<boolean> {
  return writeIf(
    ctx,
    new PutCommand({
      TableName: ctx.tableName,
      // `type` is the table's entity-kind attribute, so the notification's own type is stored beside it.
      Item: { ...n, ...notificationKeys(n), type: 'notification', notificationType: n.type },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function listInbox(ctx: StoreContext, sub: string, p: PageRequest): Promise<Page<Notification>> {
  const page = await queryPage<Notification & { notificationType: Notification['type'] }>(ctx, null, inboxPk(sub), {
    ...p,
    skPrefix: 'NOTE#',
    newestFirst: true,
  });
  return {
    nextCursor: page.nextCursor,
    items: page.items.map(({ notificationType, ...n }) => ({ ...n, type: notificationType })),
  };
}

/** False when there is no such notification. */
export function markRead(ctx: StoreContext, sub: string, at: string, id: string): Promise<boolean> {
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: notificationKey(sub, at, id),
      UpdateExpression: 'SET #read = :t',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#read': 'read' },
      ExpressionAttributeValues: { ':t': true },
    }),
  );
}
