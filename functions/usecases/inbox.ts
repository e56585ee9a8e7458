/**
 * The inbox: the notifier turns each event of the notification table
 * (events/notifications.ts, the one place that says who hears of what) into
 * one inbox item per recipient, with the notification's type and the params
 * its text needs; the text itself is rendered when the item is read, in the
 * reader's language. A notification's id is derived from the event id and the
 * recipient, so a redelivered event writes nothing new; it also embeds the
 * time, which is the notification's sort key, so marking it read needs no lookup.
 *
 * Operators share one inbox (`group:operator`): a proposal to review or a
 * dispute is the group's work, not one operator's. Its read flag is shared
 * too: one operator marking an item read tells the others it has been seen.
 */
import { createHash } from 'node:crypto';
import { NotFound } from '#domain/errors.ts';
import type { Lang } from '#domain/language.ts';
import type { Match, Notification } from '#domain/model.ts';
import { renderContent } from '#domain/notifications/render.ts';
import type { Rendered } from '#domain/notifications/types.ts';
import type { AppEvent } from '#events/contracts.ts';
import { fromEnvelope } from '#events/envelope.ts';
import { isNotified, notesFor, type Audience, type Names, type Note, type NoteContext } from '#events/notifications.ts';
import type { AppPorts, Caller, Mailer, NotifierHandler, Page, PageRequest } from '#functions/ports.ts';

/** The operators' shared inbox. */
export const OPERATORS_INBOX = 'group:operator';

type NotifierPorts = Pick<AppPorts, 'store' | 'logger' | 'config'>;

export function notificationId(at: string, eventId: string, recipientSub: string): string {
  const ms = Date.parse(at).toString(36).padStart(9, '0');
  const h = createHash('sha256').update(`${eventId}|${recipientSub}`).digest('base64url').slice(0, 16);
  return `nt_${ms}${h}`;
}

/** The time a notification id was made for, or undefined if it is not one of ours. */
export function timeOfNotificationId(id: string): string | undefined {
  const m = /^nt_([0-9a-z]{9})[A-Za-z0-9_-]{16}$/.exec(id);
  if (!m) return undefined;
  const ms = parseInt(m[1]!, 36);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The ids and subs an event detail may carry; which ones depends on its type. */
interface DetailRefs {
  occurredAt: string;
  matchId?: string;
  needId?: string;
  smeId?: string;
  providerId?: string;
  offeringId?: string;
  smeOwnerSub?: string;
  providerOwnerSub?: string;
}


interface Gathered {
  ctx: NoteContext;
  /** Each party's profile contact e-mail, when the e-mail channel asked for them. */
  emails: Partial<Record<Audience, string>>;
}

/**
 * Names and match facts for one event: the match (one read), whose context
 * summaries usually name everyone; the SME, provider and offering records
 * are read (at most three, in parallel) only for what the summaries lack,
 * and for contact e-mails when the e-mail channel is on. Bounded whatever the event.
 */
async function gather(ports: NotifierPorts, d: DetailRefs, wantEmails: boolean): Promise<Gathered> {
  const m: Match | undefined = d.matchId ? await ports.store.get('match', d.matchId, true) : undefined;
  const names: Names = {};
  const emails: Gathered['emails'] = {};
  if (m?.sme?.name) names.smeName = m.sme.name;
  if (m?.provider?.name) names.providerName = m.provider.name;
  if (m?.offering?.title) names.offeringTitle = m.offering.title;
  if (m?.sme?.contact?.email) emails.sme = m.sme.contact.email;
  if (m?.provider?.contact?.email) emails.provider = m.provider.contact.email;
  const smeId = d.smeId ?? m?.smeId;
  const providerId = d.providerId ?? m?.providerId;
  const offeringId = d.offeringId ?? m?.offeringId;
  const [sme, provider, offering] = await Promise.all([
    smeId && (!names.smeName || (wantEmails && !emails.sme)) ? ports.store.get('sme', smeId) : undefined,
    providerId && (!names.providerName || (wantEmails && !emails.provider)) ? ports.store.get('provider', providerId) : undefined,
    offeringId && !names.offeringTitle ? ports.store.get('offering', offeringId) : undefined,
  ]);
  if (!names.smeName && sme?.name) names.smeName = sme.name;
  if (!names.providerName && provider?.name) names.providerName = provider.name;
  if (!names.offeringTitle && offering?.title) names.offeringTitle = offering.title;
  if (!emails.sme && sme?.contact?.email) emails.sme = sme.contact.email;
  if (!emails.provider && provider?.contact?.email) emails.provider = provider.contact.email;
  return {
    ctx: {
      names,
      autoConfirmDays: ports.config.AUTO_CONFIRM_DAYS,
      ...(m
        ? {
            match: {
              expiresAt: m.expiresAt,
              deliverBy: m.deliveryDueAt,
              autoConfirmAt: m.autoConfirmAt,
              ...(m.feedback ? { feedback: { rating: m.feedback.rating, ...(m.feedback.comment ? { comment: m.feedback.comment } : {}) } } : {}),
            },
          }
        : {}),
    },
    emails,
  };
}

function recipientOf(n: Note, d: DetailRefs): string | undefined {
  if (n.to === 'operators') return OPERATORS_INBOX;
  return n.sub ?? (n.to === 'sme' ? d.smeOwnerSub : d.providerOwnerSub);
}

/** Drops absent and blank params, so a stored item holds only what its text uses (the templates word what is missing). */
function compact(n: Note): Note {
  const params = Object.fromEntries(Object.entries(n.content.params).filter(([, v]) => v !== undefined && v !== ''));
  return { ...n, content: { type: n.content.type, params } as Note['content'] };
}

/**
 * Writes the inbox items of one event; answers how many were new. An e-mail
 * (when a mailer is given) goes out only for a newly written item, after it:
 * a failed e-mail is logged and never costs the item, and a redelivered
 * event sends nothing twice.
 */
export async function notify(ports: NotifierPorts, event: AppEvent, mailer?: Mailer): Promise<number> {
  const d = event.detail as DetailRefs;
  if (!isNotified(event.detailType)) return 0;
  const { ctx, emails } = await gather(ports, d, mailer !== undefined);
  const at = new Date(Date.parse(d.occurredAt)).toISOString();
  const seen = new Set<string>();
  let written = 0;
  for (const note of notesFor(event.detailType, event.detail, ctx).map(compact)) {
    const recipientSub = recipientOf(note, d);
    // One item per person: whoever owns both sides of a match reads the first party's wording.
    if (!recipientSub || seen.has(recipientSub)) continue;
    seen.add(recipientSub);
    const n = {
      id: notificationId(at, event.id, recipientSub),
      recipientSub,
      ...note.content,
      ...(d.matchId ? { matchId: d.matchId } : {}),
      ...(d.needId ? { needId: d.needId } : {}),
      at,
      read: false,
    } as Notification;
    if (!(await ports.store.putNotification(n))) continue;
    written++;
    const email = emails[note.to];
    if (mailer && email) await sendQuietly(ports, mailer, email, n);
  }
  return written;
}

/** The e-mail's text: Chinese first, then English, as nothing records which the reader prefers. */
function emailOf(n: Notification): { subject: string; text: string } {
  const zh: Rendered = renderContent(n, 'zh');
  const en: Rendered = renderContent(n, 'en');
  return { subject: `${zh.title} / ${en.title}`, text: `${zh.title}\n\n${zh.body}\n\n----\n\n${en.title}\n\n${en.body}\n` };
}

async function sendQuietly(ports: NotifierPorts, mailer: Mailer, to: string, n: Notification): Promise<void> {
  try {
    await mailer.send({ to, ...emailOf(n) });
  } catch (err) {
    ports.logger.warn('notification e-mail not sent; the inbox item stands', { notificationId: n.id, error: (err as Error).message });
  }
}

/** The notifier: one EventBridge event in, its inbox items out. */
export async function handleNotification(ports: NotifierPorts, envelope: unknown, mailer?: Mailer): Promise<void> {
  await notify(ports, fromEnvelope(envelope), mailer);
}

/** The notifier Lambda's handler: it writes the inboxes (and, when on, e-mails) and publishes nothing. */
export const notifierHandler =
  (ports: NotifierPorts, mailer?: Mailer): NotifierHandler =>
  (event) =>
    handleNotification(ports, event, mailer);

/**
 * The inboxes a caller reads: their own, and an operator also the operators'
 * shared one. A sub spelt like a group (possible only for made-up local
 * subs) has no own inbox, so it can never reach a group's.
 */
function inboxesOf(caller: Caller): string[] {
  const own = caller.sub.startsWith('group:') ? [] : [caller.sub];
  return caller.role === 'operator' ? [...own, OPERATORS_INBOX] : own;
}

export interface RenderedNotification {
  notification: Notification;
  text: Rendered;
}

/** The caller's notifications, newest first, each with its text in `lang`. */
export async function listInbox(
  ports: Pick<AppPorts, 'store'>,
  caller: Caller,
  page: PageRequest,
  lang: Lang,
): Promise<Page<RenderedNotification>> {
  const inboxes = inboxesOf(caller);
  if (inboxes.length === 0) return { items: [], nextCursor: null };
  const p = await ports.store.listInbox(inboxes, page);
  return { nextCursor: p.nextCursor, items: p.items.map((n) => ({ notification: n, text: renderContent(n, lang) })) };
}

/** Marks one of the caller's notifications read: in their own inbox, or (operators) the shared one. */
export async function markRead(ports: Pick<AppPorts, 'store'>, caller: Caller, notificationId: string): Promise<void> {
  const at = timeOfNotificationId(notificationId);
  if (at) {
    // The keys are the caller's inboxes: someone else's notification id simply is not there.
    for (const inbox of inboxesOf(caller)) if (await ports.store.markRead(inbox, at, notificationId)) return;
  }
  throw new NotFound('notification not found');
}
