/**
 * The notifier against dynalite: for each event of the notification table,
 * who gets an inbox item and what it says; redelivery writes nothing new;
 * the inbox renders the text in the reader's language; operators share an
 * inbox; the e-mail channel never costs an inbox item.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Match, Notification, Offering, Provider, Sme } from '#domain/model.ts';
import { makeEvent, type DetailType } from '#events/contracts.ts';
import { NOTIFIED_EVENTS } from '#events/routing.ts';
import { sesMailer } from '#functions/adapters/ses.ts';
import { matchEvent } from '#functions/usecases/lifecycle.ts';
import { notify, OPERATORS_INBOX } from '#functions/usecases/inbox.ts';
import type { Mailer } from '#functions/ports.ts';
import { actor, testApp } from '#tests/support/app.ts';
import { makeMatch, makeOffering, makeProvider, makeSme } from '#tests/support/factories.ts';

type App = Awaited<ReturnType<typeof testApp>>;
let app: App;

beforeAll(async () => {
  app = await testApp();
});

interface Parties {
  sme: Sme;
  provider: Provider;
  offering: Offering;
  match: Match;
}

/** An SME, a provider with an offering, and a match between them, stored. */
async function parties(over: Partial<Match> = {}, contacts = false): Promise<Parties> {
  const store = app.ports.store;
  const sme = makeSme({ name: '成都精密机械有限公司', ...(contacts ? { contact: { name: '王伟', email: 'sme@example.cn' } } : {}) });
  const provider = makeProvider({ name: '四川绿色审计中心', ...(contacts ? { contact: { name: '李娜', email: 'provider@example.cn' } } : {}) });
  const offering = makeOffering({ providerId: provider.id, ownerSub: provider.ownerSub, title: '工业能源审计' });
  const match = makeMatch({
    smeId: sme.id,
    smeOwnerSub: sme.ownerSub,
    providerId: provider.id,
    providerOwnerSub: provider.ownerSub,
    offeringId: offering.id,
    ...over,
  });
  await store.insert('sme', sme);
  await store.insert('provider', provider);
  await store.insert('offering', offering);
  const stored = await store.insert('match', match);
  return { sme, provider, offering, match: stored };
}

/** The event a match at this step announces, by whom (its newest history entry). */
function eventOf(m: Match, type: DetailType, by: Match['history'][number]['by'] = 'system', reason?: string) {
  const at = new Date(Date.parse(m.updatedAt) + 1000).toISOString();
  const next: Match = { ...m, version: m.version + 1, updatedAt: at, history: [...m.history, { status: m.status, at, by }] };
  return matchEvent(next, type, reason);
}

const inboxOf = async (recipient: string) => (await app.ports.store.listInbox(recipient, { limit: 100 })).items;

describe('the notifier writes one item per recipient the table names', () => {
  it('a proposal goes to the operators\' shared inbox only, with the service type and the names', async () => {
    const p = await parties();
    expect(await notify(app.ports, eventOf(p.match, 'MatchProposed'))).toBe(1);
    const [item, ...rest] = await inboxOf(OPERATORS_INBOX).then((xs) => xs.filter((n) => n.matchId === p.match.id));
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      type: 'MATCH_PROPOSED',
      params: { serviceType: 'energy-audit', smeName: p.sme.name, providerName: p.provider.name, offeringTitle: p.offering.title },
    });
    expect(await inboxOf(p.sme.ownerSub)).toEqual([]);
    expect(await inboxOf(p.provider.ownerSub)).toEqual([]);
  });

  it('an approval goes to both parties, each addressed as its side', async () => {
    const p = await parties({ status: 'APPROVED' });
    expect(await notify(app.ports, eventOf(p.match, 'MatchApproved', 'operator'))).toBe(2);
    expect(await inboxOf(p.sme.ownerSub)).toMatchObject([{ type: 'MATCH_APPROVED', params: { to: 'sme' }, matchId: p.match.id }]);
    expect(await inboxOf(p.provider.ownerSub)).toMatchObject([{ type: 'MATCH_APPROVED', params: { to: 'provider' } }]);
  });

  it('an acceptance goes to the other party only: the SME accepting tells the provider, and the other way round', async () => {
    const a = await parties({ status: 'APPROVED' });
    expect(await notify(app.ports, eventOf(a.match, 'MatchAccepted', 'sme'))).toBe(1);
    expect(await inboxOf(a.sme.ownerSub)).toEqual([]);
    expect(await inboxOf(a.provider.ownerSub)).toMatchObject([{ type: 'MATCH_ACCEPTED', params: { to: 'provider' } }]);

    const b = await parties({ status: 'APPROVED' });
    await notify(app.ports, eventOf(b.match, 'MatchAccepted', 'provider'));
    expect(await inboxOf(b.provider.ownerSub)).toEqual([]);
    expect(await inboxOf(b.sme.ownerSub)).toMatchObject([{ type: 'MATCH_ACCEPTED', params: { to: 'sme' } }]);
  });

  it('a rejection and a decline carry the reason to both parties; a decline says who declined', async () => {
    const r = await parties({ status: 'REJECTED' });
    await notify(app.ports, eventOf(r.match, 'MatchRejected', 'operator', '资质不符 not qualified'));
    for (const sub of [r.sme.ownerSub, r.provider.ownerSub]) {
      expect(await inboxOf(sub)).toMatchObject([{ type: 'MATCH_REJECTED', params: { reason: '资质不符 not qualified' } }]);
    }
    const d = await parties({ status: 'DECLINED' });
    await notify(app.ports, eventOf(d.match, 'MatchDeclined', 'provider', 'fully booked'));
    expect(await inboxOf(d.sme.ownerSub)).toMatchObject([{ type: 'MATCH_DECLINED', params: { to: 'sme', by: 'provider', reason: 'fully booked' } }]);
    expect(await inboxOf(d.provider.ownerSub)).toMatchObject([{ type: 'MATCH_DECLINED', params: { to: 'provider', by: 'provider' } }]);
  });

  it('feedback goes to the provider only, with the rating and the comment', async () => {
    const p = await parties({ status: 'COMPLETED', feedback: { rating: 5, comment: '很专业', at: '2026-03-03T00:00:00.000Z' } });
    expect(await notify(app.ports, eventOf(p.match, 'FeedbackGiven', 'sme'))).toBe(1);
    expect(await inboxOf(p.sme.ownerSub)).toEqual([]);
    expect(await inboxOf(p.provider.ownerSub)).toMatchObject([{ type: 'FEEDBACK_RECEIVED', params: { rating: 5, comment: '很专业' } }]);
  });

  it('a delivery tells the SME when it completes by itself; a dispute and an overdue delivery go to the operators; the reminder to the provider', async () => {
    const p = await parties({ status: 'DELIVERED', autoConfirmAt: '2026-03-20T00:00:00.000Z', deliveryDueAt: '2026-03-10T00:00:00.000Z' } as Partial<Match>);
    expect(await notify(app.ports, eventOf(p.match, 'MatchDelivered', 'provider'))).toBe(1);
    expect(await inboxOf(p.sme.ownerSub)).toMatchObject([{ type: 'MATCH_DELIVERED', params: { autoConfirmAt: '2026-03-20T00:00:00.000Z' } }]);
    expect(await inboxOf(p.provider.ownerSub)).toEqual([]);

    await notify(app.ports, eventOf(p.match, 'MatchDisputed', 'sme', '报告不完整'));
    await notify(app.ports, eventOf(p.match, 'DeliveryOverdue', 'system'));
    const ops = (await inboxOf(OPERATORS_INBOX)).filter((n) => n.matchId === p.match.id);
    expect(ops.map((n) => [n.type, n.params]).sort()).toEqual([
      ['DELIVERY_OVERDUE', expect.objectContaining({ deliverBy: '2026-03-10T00:00:00.000Z' })],
      ['MATCH_DISPUTED', expect.objectContaining({ reason: '报告不完整' })],
    ]);

    await notify(app.ports, eventOf(p.match, 'DeliveryDueSoon', 'system'));
    expect(await inboxOf(p.provider.ownerSub)).toMatchObject([{ type: 'DELIVERY_DUE_SOON', params: { deliverBy: '2026-03-10T00:00:00.000Z' } }]);
  });

  it('a completion by the system is told as the automatic confirmation it is; by the SME, as a completion', async () => {
    const auto = await parties({ status: 'COMPLETED' });
    await notify(app.ports, eventOf(auto.match, 'MatchCompleted', 'system'));
    expect(await inboxOf(auto.sme.ownerSub)).toMatchObject([{ type: 'MATCH_AUTO_CONFIRMED', params: { to: 'sme', days: app.ports.config.AUTO_CONFIRM_DAYS } }]);
    const confirmed = await parties({ status: 'COMPLETED' });
    await notify(app.ports, eventOf(confirmed.match, 'MatchCompleted', 'sme'));
    expect(await inboxOf(confirmed.provider.ownerSub)).toMatchObject([{ type: 'MATCH_COMPLETED', params: { to: 'provider' } }]);
  });

  it('an operator\'s decision on a provider goes to its owner, with its name and the reason', async () => {
    const p = await parties();
    const decided = (type: 'ProviderApproved' | 'ProviderRejected', version: number, reason?: string) =>
      makeEvent(type, p.provider.id, version, {
        providerId: p.provider.id,
        ownerSub: p.provider.ownerSub,
        status: type === 'ProviderApproved' ? 'APPROVED' : 'REJECTED',
        occurredAt: `2026-03-0${version}T00:00:00.000Z`,
        ...(reason ? { reason } : {}),
      });
    expect(await notify(app.ports, decided('ProviderRejected', 2, '资质证书已过期'))).toBe(1);
    expect(await notify(app.ports, decided('ProviderApproved', 3))).toBe(1);
    expect(await inboxOf(p.provider.ownerSub)).toMatchObject([
      { type: 'PROVIDER_APPROVED', params: { providerName: p.provider.name } },
      { type: 'PROVIDER_REJECTED', params: { providerName: p.provider.name, reason: '资质证书已过期' } },
    ]);
  });

  it('names come from the match\'s own summaries when it carries them, before the records', async () => {
    const p = await parties({ sme: { name: '摘要里的企业' }, provider: { name: 'Summary Provider' } } as Partial<Match>);
    await notify(app.ports, eventOf(p.match, 'MatchExpired'));
    const [item] = await inboxOf(p.sme.ownerSub);
    expect(item!.params).toMatchObject({ smeName: '摘要里的企业', providerName: 'Summary Provider', offeringTitle: p.offering.title });
  });

  it('a redelivered event writes nothing new and leaves a read item read', async () => {
    const p = await parties({ status: 'CONFIRMED' });
    const event = eventOf(p.match, 'MatchConfirmed', 'provider');
    expect(await notify(app.ports, event)).toBe(2);
    const [item] = await inboxOf(p.sme.ownerSub);
    expect(await app.ports.store.markRead(p.sme.ownerSub, item!.at, item!.id)).toBe(true);
    expect(await notify(app.ports, event)).toBe(0);
    expect(await inboxOf(p.sme.ownerSub)).toMatchObject([{ id: item!.id, read: true }]);
    expect(await inboxOf(p.provider.ownerSub)).toHaveLength(1);
  });

  it('every routed event of the table is one the notifier writes for, through the handler and the routing', async () => {
    expect(NOTIFIED_EVENTS).toEqual(expect.arrayContaining(['MatchProposed', 'MatchAccepted', 'MatchCancelled', 'FeedbackGiven']));
    const p = await parties({ status: 'CANCELLED' });
    app.publisher.queue.push(eventOf(p.match, 'MatchCancelled', 'system', 'need withdrawn'));
    await app.drain();
    expect(await inboxOf(p.sme.ownerSub)).toMatchObject([{ type: 'MATCH_CANCELLED', params: { reason: 'need withdrawn' } }]);
  });
});

describe('GET /v1/inbox renders title and body in the reader\'s language', () => {
  let p: Parties;
  beforeAll(async () => {
    p = await parties({ status: 'REJECTED' });
    await notify(app.ports, eventOf(p.match, 'MatchRejected', 'operator', '资质不符'));
  });
  const read = (headers: Record<string, string> = {}, query = '') =>
    app.call('GET', `/v1/inbox${query}`, { as: { role: 'sme', sub: p.sme.ownerSub }, headers });

  it('Chinese by default, with the service type\'s Chinese name and the reason', async () => {
    const res = await read();
    expect(res.status).toBe(200);
    const [n] = res.body.items;
    expect(n).toMatchObject({ type: 'MATCH_REJECTED', matchId: p.match.id, read: false });
    expect(n.title).toContain('能源审计');
    expect(n.body).toContain('资质不符');
    expect(n).not.toHaveProperty('params');
    expect(n).not.toHaveProperty('recipientSub');
  });

  it('English by Accept-Language; ?lang wins over the header', async () => {
    const en = (await read({ 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' })).body.items[0];
    expect(en.title).toContain('Energy audit');
    const zh = (await read({ 'accept-language': 'en-GB' }, '?lang=zh')).body.items[0];
    expect(zh.title).toContain('能源审计');
    const en2 = (await read({}, '?lang=en')).body.items[0];
    expect(en2.title).toBe(en.title);
  });

  it('an unsupported ?lang is a 400 naming the field', async () => {
    const res = await read({}, '?lang=fr');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'query.lang', message: 'must be one of: "zh", "en"' }]);
  });
});

describe('the operators\' shared inbox', () => {
  it('every operator reads it (with their own), newest first, paged without loss; one marking an item read marks it for all', async () => {
    const opA = actor('operator');
    const opB = actor('operator');
    const before = (await app.ports.store.listInbox(OPERATORS_INBOX, { limit: 100 })).items.length;
    for (let i = 0; i < 5; i++) {
      const p = await parties();
      await notify(app.ports, eventOf(p.match, 'MatchProposed'));
    }
    // Something in opA's own inbox, to merge with the shared one.
    const own: Notification = {
      id: 'nt_000000000OWNOWNOWNOWNOWN0', recipientSub: opA.sub, type: 'PROVIDER_APPROVED', params: {}, at: '2026-03-01T00:00:00.000Z', read: false,
    };
    await app.ports.store.putNotification(own);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await app.call('GET', `/v1/inbox?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: opA });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((n: { id: string }) => n.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(before + 5 + 1);
    expect(seen.at(-1)).toBe(own.id); // the oldest

    const b = await app.call('GET', '/v1/inbox?limit=100', { as: opB });
    expect(b.body.items.map((n: { id: string }) => n.id)).not.toContain(own.id);
    const shared = b.body.items[0].id as string;
    expect((await app.call('POST', `/v1/inbox/${shared}/read`, { as: opA })).status).toBe(200);
    const after = await app.call('GET', '/v1/inbox?limit=100', { as: opB });
    expect(after.body.items.find((n: { id: string }) => n.id === shared).read).toBe(true);
  });

  it('is not reachable by an SME or a provider, and a user whose sub looks like a group has no inbox of its own', async () => {
    const p = await parties();
    await notify(app.ports, eventOf(p.match, 'MatchProposed'));
    const [item] = await inboxOf(OPERATORS_INBOX);
    for (const who of [actor('sme'), actor('provider'), { role: 'sme' as const, sub: OPERATORS_INBOX }]) {
      const list = await app.call('GET', '/v1/inbox?limit=100', { as: who });
      expect(list.body.items.map((n: { id: string }) => n.id)).not.toContain(item!.id);
      expect((await app.call('POST', `/v1/inbox/${item!.id}/read`, { as: who })).status).toBe(404);
    }
  });
});

describe('the e-mail channel', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());

  it('e-mails each newly written item to the party\'s contact address, Chinese then English, once', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const mailer = sesMailer({ from: 'noreply@example.cn', client: new SESv2Client({ region: 'ap-east-1' }) });
    const p = await parties({ status: 'APPROVED' }, true);
    const event = eventOf(p.match, 'MatchApproved', 'operator');
    expect(await notify(app.ports, event, mailer)).toBe(2);
    const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sent.map((s) => s.Destination?.ToAddresses).sort()).toEqual([['provider@example.cn'], ['sme@example.cn']]);
    for (const s of sent) {
      expect(s.FromEmailAddress).toBe('noreply@example.cn');
      const text = s.Content!.Simple!.Body!.Text!.Data!;
      expect(text).toContain('能源审计');
      expect(text.indexOf('能源审计')).toBeLessThan(text.indexOf('Energy audit'));
    }
    await notify(app.ports, event, mailer);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });

  it('a failed e-mail is logged and never loses the inbox item', async () => {
    ses.on(SendEmailCommand).rejects(new Error('MessageRejected: Email address is not verified'));
    const mailer = sesMailer({ from: 'noreply@example.cn', client: new SESv2Client({ region: 'ap-east-1' }) });
    const p = await parties({ status: 'COMPLETED' }, true);
    expect(await notify(app.ports, eventOf(p.match, 'MatchCompleted', 'sme'), mailer)).toBe(2);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(await inboxOf(p.sme.ownerSub)).toMatchObject([{ type: 'MATCH_COMPLETED' }]);
    expect(await inboxOf(p.provider.ownerSub)).toMatchObject([{ type: 'MATCH_COMPLETED' }]);
  });

  it('sends nothing to a party without a contact address, nor for the operators\' inbox', async () => {
    const sent: string[] = [];
    const mailer: Mailer = { send: async (m) => void sent.push(m.to) };
    const p = await parties();
    await notify(app.ports, eventOf(p.match, 'MatchProposed'), mailer);
    await notify(app.ports, eventOf({ ...p.match, status: 'APPROVED' }, 'MatchApproved', 'operator'), mailer);
    expect(sent).toEqual([]);
    expect(await inboxOf(p.sme.ownerSub)).toHaveLength(1);
  });
});
