/**
 * Inboxes of notifications, newest first: each user's, and each group's
 * shared one (the operators'). Notification ids embed their time, so a
 * notification's key is known without a lookup.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Notification } from '#domain/model.ts';
import { fromItem, queryInput, queryPage, queryRaw, writeIf, type Item, type Page, type PageRequest, type StoreContext } from './core.ts';
import { inboxPk, notificationKey, notificationKeys } from './keys.ts';

type StoredNotification = Omit<Notification, 'type' | 'params'> & { notificationType: Notification['type']; params?: unknown };

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

function toNotification({ notificationType, params, ...n }: StoredNotification): Notification {
  // Items written before params existed render from what their template can do without them.
  return { ...n, type: notificationType, params: (params ?? {}) as never } as Notification;
}

const SK_PREFIX = 'NOTE#';

/**
 * One page of several inboxes merged, newest first (an operator reads the
 * operators' shared inbox and their own). One inbox is an ordinary signed
 * cursor over its partition. For several, the cursor holds, per inbox, the
 * key of the last item already shown (or null once it is exhausted): each
 * page reads up to `limit` from every inbox still open, keeps the newest
 * `limit` of them, and moves each inbox's position past what it showed only.
 */
export async function listInbox(ctx: StoreContext, recipients: readonly string[], p: PageRequest): Promise<Page<Notification>> {
  const pks = [...new Set(recipients.map(inboxPk))];
  if (pks.length === 1) {
    const page = await queryPage<StoredNotification>(ctx, null, pks[0]!, { ...p, skPrefix: SK_PREFIX, newestFirst: true });
    return { nextCursor: page.nextCursor, items: page.items.map(toNotification) };
  }
  const scope = `INBOXES|${pks.join('|')}`;
  const positions = (ctx.cursors.decode(scope, p.cursor) ?? {}) as Record<string, Item | null | undefined>;
  const fetched = await Promise.all(
    pks.map(async (pk) => {
      const from = positions[pk];
      if (from === null) return { pk, entries: [] as Item[], lastKey: undefined };
      const input = queryInput(ctx, null, pk, SK_PREFIX);
      input.Limit = p.limit;
      input.ScanIndexForward = false;
      input.ExclusiveStartKey = from;
      return { pk, ...(await queryRaw(ctx, input)) };
    }),
  );
  const all = fetched.flatMap((f) => f.entries);
  // Sort keys are NOTE#<ISO time>#<id>: string order is time order, and the id breaks ties.
  all.sort((a, b) => (String(a.sk) < String(b.sk) ? 1 : String(a.sk) > String(b.sk) ? -1 : 0));
  const shown = all.slice(0, p.limit);
  const next: Record<string, Item | null> = {};
  for (const f of fetched) {
    const mine = shown.filter((i) => i.pk === f.pk);
    const last = mine.at(-1);
    if (positions[f.pk] === null || (mine.length === f.entries.length && !f.lastKey)) next[f.pk] = null;
    else if (last) next[f.pk] = { pk: last.pk, sk: last.sk };
    else if (positions[f.pk]) next[f.pk] = positions[f.pk]!;
    // Neither shown nor started: absent, it starts from its newest next time.
  }
  const done = pks.every((pk) => next[pk] === null);
  return {
    items: shown.map((i) => toNotification(fromItem<StoredNotification>(i))),
    nextCursor: done ? null : ctx.cursors.encode(scope, next),
  };
}

/** False when there is no such notification in that inbox. */
export function markRead(ctx: StoreContext, recipient: string, at: string, id: string): Promise<boolean> {
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: notificationKey(recipient, at, id),
      UpdateExpression: 'SET #read = :t',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#read': 'read' },
      ExpressionAttributeValues: { ':t': true },
    }),
  );
}
