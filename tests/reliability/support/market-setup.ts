/**
 * Two markets set up through the HTTP handlers in process (energy-audit and
 * industrial-design), and writes that stop after the authoritative write of
 * a state change, as a crash right after it would: the event is in the
 * item's outbox, the follow-up (release, reopen, cancel) has not run.
 */
import type { Match } from '#domain/model.ts';
import type { AppEvent } from '#events/contracts.ts';
import { matchEvent, needEvent } from '#functions/usecases/lifecycle.ts';
import { actor, type Actor, type CallOptions } from '#tests/support/app.ts';
import { needBody, offeringBody, providerBody, smeBody, type TestApp } from './fuzz.ts';

export const MARKET_A = 'energy-audit';
export const MARKET_B = 'industrial-design';

export async function expectCall(app: TestApp, method: string, path: string, opts: CallOptions, status: number) {
  const res = await app.call(method, path, opts);
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, expected ${status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface TwoMarkets {
  prov: Actor;
  provB: Actor;
  sme: Actor;
  op: Actor;
  smeId: string;
  offeringsA: { id: string; capacityPerMonth: number }[];
  offeringsB: { id: string; capacityPerMonth: number }[];
}

export async function twoMarkets(app: TestApp, capsA: number[], capsB: number[]): Promise<TwoMarkets> {
  const prov = actor('provider');
  const provB = actor('provider');
  const sme = actor('sme');
  const op = actor('operator');
  const pA = await expectCall(app, 'POST', '/v1/providers', { as: prov, body: providerBody() }, 201);
  const pB = await expectCall(app, 'POST', '/v1/providers', { as: provB, body: { ...providerBody(), kind: 'INDUSTRIAL_DESIGN_CENTRE', name: 'Chengdu Design Centre' } }, 201);
  // New providers are PENDING until an operator approves them.
  for (const p of [pA, pB]) await expectCall(app, 'POST', `/v1/providers/${p.id}/approve`, { as: op }, 200);
  const offeringsA = [];
  for (const c of capsA) {
    const o = await expectCall(app, 'POST', `/v1/providers/${pA.id}/offerings`, { as: prov, body: offeringBody({ capacityPerMonth: c }) }, 201);
    offeringsA.push({ id: o.id as string, capacityPerMonth: c });
  }
  const offeringsB = [];
  for (const c of capsB) {
    const o = await expectCall(
      app,
      'POST',
      `/v1/providers/${pB.id}/offerings`,
      { as: provB, body: offeringBody({ serviceType: MARKET_B, title: 'Product design', capacityPerMonth: c }) },
      201,
    );
    offeringsB.push({ id: o.id as string, capacityPerMonth: c });
  }
  const s = await expectCall(app, 'POST', '/v1/smes', { as: sme, body: smeBody() }, 201);
  return { prov, provB, sme, op, smeId: s.id, offeringsA, offeringsB };
}

export async function postNeed(app: TestApp, m: TwoMarkets, market: string): Promise<string> {
  return (await expectCall(app, 'POST', `/v1/smes/${m.smeId}/needs`, { as: m.sme, body: needBody({ serviceType: market }) }, 201)).id;
}

/** The need's withdrawal as written by its authoritative write alone. Returns the event. */
export async function withdrawWithoutFollowUp(app: TestApp, needId: string): Promise<AppEvent> {
  const n = (await app.ports.store.get('need', needId, true))!;
  const written = await app.ports.store.update('need', n, { status: 'WITHDRAWN', recheckAt: undefined }, (next) => [needEvent(next, 'NeedWithdrawn')]);
  // The event this write appended: the last one its outbox holds.
  return written.pendingEvents!.at(-1)!;
}

/** A match ended (REJECTED by the operator or DECLINED by a party) by its authoritative write alone. Returns the event. */
export async function endMatchWithoutFollowUp(app: TestApp, matchId: string, status: 'REJECTED' | 'DECLINED'): Promise<AppEvent> {
  const m = (await app.ports.store.get('match', matchId, true))!;
  const written = await app.ports.store.update(
    'match',
    m,
    (now) => ({
      status,
      expiresAt: undefined,
      history: [...m.history, { status, at: now.toISOString(), by: status === 'REJECTED' ? 'operator' : 'sme', reason: 'not a fit' }],
    }),
    (next) => [matchEvent(next, status === 'REJECTED' ? 'MatchRejected' : 'MatchDeclined', 'not a fit')],
  );
  // The event this write appended: the last one its outbox holds.
  return written.pendingEvents!.at(-1)!;
}

export async function currentMatchOf(app: TestApp, needId: string): Promise<Match | undefined> {
  const n = await app.ports.store.get('need', needId, true);
  return n?.currentMatchId ? await app.ports.store.get('match', n.currentMatchId, true) : undefined;
}
