/**
 * Verified facts of SMEs through the API (the real handlers, route selection
 * and v2 events of the gateway, on dynalite): the USCC and its one profile
 * per code, declared against verified tiers in the matcher, an operator's
 * verification and its lapse, register entries, suspension and reinstatement.
 */
import { describe, expect, it } from 'vitest';
import type { Provider } from '#domain/model.ts';
import { makeUscc } from '#domain/uscc.ts';
import { claimUscc } from '#functions/usecases/uscc.ts';
import { applyTierFromRegister } from '#functions/usecases/verification.ts';
import { derivedId } from '#functions/usecases/support.ts';
import { actor, testApp, type Actor } from '#tests/support/app.ts';
import { makeProvider, offeringOf, testUscc } from '#tests/support/factories.ts';
import { apiId } from '#tests/support/market.ts';

const NOW = '2026-12-01T08:00:00.000Z';
type App = Awaited<ReturnType<typeof testApp>>;

const smeBody = (over: Record<string, unknown> = {}) => ({
  name: '成都示例科技 Chengdu Example Tech',
  uscc: testUscc('CN-SC'),
  sizeClass: 'MICRO',
  tier: 'NONE',
  industry: 'electronics',
  region: { province: 'CN-SC', city: '成都' },
  ...over,
});
const needBody = (description: string) => ({ serviceType: 'energy-audit', description, remoteOk: false, deadline: '2027-03-31' });

async function registerSme(app: App, as: Actor, over: Record<string, unknown> = {}) {
  const res = await app.call('POST', '/v1/smes', { as, body: smeBody(over) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; uscc: string };
}
async function postNeed(app: App, as: Actor, smeId: string, description: string): Promise<string> {
  const res = await app.call('POST', `/v1/smes/${smeId}/needs`, { as, body: needBody(description) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
/** A provider with a priced offering in Sichuan with `units` this month (priced: the tier multiplies priority there). */
async function scarceOffering(app: App, units: number) {
  const { version: _pv, updatedAt: _pu, ...provider } = makeProvider({ id: apiId('pr') });
  await app.ports.store.insert('provider', provider);
  const { version: _ov, updatedAt: _ou, ...offering } = offeringOf(provider as Provider, {
    id: apiId('of'),
    serviceType: 'energy-audit',
    regions: ['CN-SC'],
    capacityPerMonth: units,
    priceMin: 5_000,
    priceMax: 9_000,
    publicWelfare: false,
    leadTimeDays: 3,
    eligibility: {},
  });
  return app.ports.store.insert('offering', offering);
}
const needStatus = async (app: App, as: Actor, id: string) => (await app.call('GET', `/v1/needs/${id}`, { as })).body;
const allSmes = async (app: App, op: Actor) => (await app.call('GET', '/v1/smes?limit=100', { as: op })).body.items as { uscc: string }[];

describe('POST /v1/smes: the USCC', () => {
  it('refuses a wrong check character with 400 on body.uscc and writes nothing', async () => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    const good = makeUscc('CN-SC', 4242);
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await app.call('POST', '/v1/smes', { as: actor('sme'), body: smeBody({ uscc: wrong }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'body.uscc', message: expect.stringContaining('check character (position 18)') }]);
    expect(await allSmes(app, op)).toEqual([]);
  });

  it('refuses a province that disagrees with the division code, naming both', async () => {
    const app = await testApp({ NOW });
    const res = await app.call('POST', '/v1/smes', { as: actor('sme'), body: smeBody({ uscc: makeUscc('CN-GD', 77), region: { province: 'CN-SC' } }) });
    expect(res.status).toBe(400);
    const [detail] = res.body.error.details;
    expect(detail.path).toBe('body.uscc');
    expect(detail.message).toContain('CN-GD');
    expect(detail.message).toContain('CN-SC');
    expect(await allSmes(app, actor('operator'))).toEqual([]);
  });

  it('accepts a national-level registration (division 100000) in any province', async () => {
    const app = await testApp({ NOW });
    // 91 + 100000 + an organisation code with its check, + the USCC check: built like makeUscc, at national level.
    const { organisationCheckCharacter, usccCheckCharacter } = await import('#domain/uscc.ts');
    const first17 = `91100000${'12345678'}${organisationCheckCharacter('12345678')}`;
    const national = first17 + usccCheckCharacter(first17);
    const s = await registerSme(app, actor('sme'), { uscc: national, region: { province: 'CN-XJ' } });
    expect(s.uscc).toBe(national);
  });

  it('answers 409 DUPLICATE to a second profile of the same USCC, by another owner or the same one', async () => {
    const app = await testApp({ NOW });
    const owner = actor('sme');
    const uscc = testUscc('CN-SC');
    await registerSme(app, owner, { uscc });
    for (const as of [actor('sme'), owner]) {
      const res = await app.call('POST', '/v1/smes', { as, body: smeBody({ uscc, name: 'Another name' }) });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'DUPLICATE', details: [{ path: 'body.uscc' }] });
    }
    expect((await allSmes(app, actor('operator'))).filter((s) => s.uscc === uscc)).toHaveLength(1);
  });

  it('50 concurrent registrations of one USCC: exactly one wins, 49 get 409 DUPLICATE', async () => {
    const app = await testApp({ NOW });
    const uscc = testUscc('CN-SC');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => app.call('POST', '/v1/smes', { as: actor('sme', `racer-${i}`), body: smeBody({ uscc, name: `Racer ${i}` }) })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'DUPLICATE')).toHaveLength(49);
    const stored = (await allSmes(app, actor('operator'))).filter((s) => s.uscc === uscc);
    expect(stored).toHaveLength(1);
    const winner = results.find((r) => r.status === 201)!.body;
    expect((await app.ports.store.getUsccClaim(uscc))?.holderId).toBe(winner.id);
  });

  it('a retry after a crash between the claim and the SME finds its own claim and writes the SME', async () => {
    const app = await testApp({ NOW });
    const owner = actor('sme');
    const uscc = testUscc('CN-SC');
    const id = derivedId('sm', owner.sub, uscc);
    await claimUscc(app.ports, uscc, { kind: 'sme', id }); // the crash: claimed, never written
    const s = await registerSme(app, owner, { uscc });
    expect(s.id).toBe(id);
  });

  it('a claim whose SME never appeared blocks others during the grace period, then is taken over', async () => {
    const app = await testApp({ NOW });
    const uscc = testUscc('CN-SC');
    await claimUscc(app.ports, uscc, { kind: 'sme', id: 'sm_neverWritten0000000000' });
    const early = await app.call('POST', '/v1/smes', { as: actor('sme'), body: smeBody({ uscc }) });
    expect(early.status).toBe(409);
    app.advance(6 * 60_000);
    const late = await registerSme(app, actor('sme'), { uscc });
    expect((await app.ports.store.getUsccClaim(uscc))?.holderId).toBe(late.id);
  });
});

describe('declared and verified tiers in the matcher', () => {
  it("a micro firm declaring LITTLE_GIANT no longer takes both units of a scarce offering over an honest firm that posted first", async () => {
    const app = await testApp({ NOW });
    const offering = await scarceOffering(app, 2);
    const honest = actor('sme');
    const claimant = actor('sme');
    const h = await registerSme(app, honest, { tier: 'NONE' });
    const c = await registerSme(app, claimant, { tier: 'LITTLE_GIANT' });
    const honestNeeds = [await postNeed(app, honest, h.id, 'audit line 1'), await postNeed(app, honest, h.id, 'audit line 2')];
    app.advance(60_000);
    const claimantNeeds = [await postNeed(app, claimant, c.id, 'audit 1'), await postNeed(app, claimant, c.id, 'audit 2')];
    await app.drain();

    const view = (await app.call('GET', `/v1/smes/${c.id}`, { as: claimant })).body;
    expect(view).toMatchObject({ declaredTier: 'LITTLE_GIANT', tier: 'NONE', tierVerification: { source: null }, verified: { sizeClass: false, weakFoundation: false } });
    for (const id of honestNeeds) {
      const n = await needStatus(app, honest, id);
      expect(n.status).toBe('PROPOSED');
      expect(n.currentMatch.offeringId).toBe(offering.id);
      expect(n.currentMatch.breakdown.priorityReasons).not.toContain('tier:LITTLE_GIANT');
    }
    for (const id of claimantNeeds) expect((await needStatus(app, claimant, id)).status).toBe('WAITING');
  });

  it("an operator's verification raises the tier, refreshes the waiting needs and wins the next round", async () => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    await scarceOffering(app, 1);
    const early = actor('sme');
    const giant = actor('sme');
    const e = await registerSme(app, early);
    const g = await registerSme(app, giant, { tier: 'LITTLE_GIANT' });
    // Both wait in a market without capacity yet: the verification must reach the needs already posted.
    const earlyNeed = await postNeed(app, early, e.id, 'first in line');
    app.advance(60_000);
    const giantNeed = await postNeed(app, giant, g.id, 'verified later');
    const v = await app.call('PATCH', `/v1/smes/${g.id}/verification`, { as: op, body: { tier: 'LITTLE_GIANT', tierValidUntil: '2027-12-31', note: '工信部小巨人名单核实' } });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ tier: 'LITTLE_GIANT', tierVerification: { source: 'OPERATOR', validUntil: '2027-12-31' } });
    expect(v.body.verificationHistory).toEqual([
      { at: expect.any(String), by: op.sub, note: '工信部小巨人名单核实', changes: { tierVerification: { from: null, to: expect.objectContaining({ tier: 'LITTLE_GIANT' }) } } },
    ]);
    // The owner sees the verification, not who made it.
    expect((await app.call('GET', `/v1/smes/${g.id}`, { as: giant })).body).not.toHaveProperty('verificationHistory');
    await app.drain();

    const won = await needStatus(app, giant, giantNeed);
    expect(won.sme).toMatchObject({ tier: 'LITTLE_GIANT', tierValidUntil: '2027-12-31' });
    expect(won.status).toBe('PROPOSED');
    expect(won.currentMatch.breakdown.priorityReasons).toContain('tier:LITTLE_GIANT');
    expect((await needStatus(app, early, earlyNeed)).status).toBe('WAITING');
  });

  it('a lapsed verification stops counting at the next round without anyone touching the SME', async () => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    await scarceOffering(app, 1);
    const early = actor('sme');
    const giant = actor('sme');
    const e = await registerSme(app, early);
    const g = await registerSme(app, giant, { tier: 'LITTLE_GIANT' });
    await app.call('PATCH', `/v1/smes/${g.id}/verification`, { as: op, body: { tier: 'LITTLE_GIANT', tierValidUntil: '2026-12-01', note: 'valid through today' } });
    const earlyNeed = await postNeed(app, early, e.id, 'first in line');
    app.advance(60_000);
    const giantNeed = await postNeed(app, giant, g.id, 'posted while verified');
    expect((await needStatus(app, giant, giantNeed)).sme.tier).toBe('LITTLE_GIANT');
    app.setNow('2026-12-02T00:30:00.000Z');
    await app.drain();

    expect((await needStatus(app, early, earlyNeed)).status).toBe('PROPOSED');
    expect((await needStatus(app, giant, giantNeed)).status).toBe('WAITING');
    expect((await app.call('GET', `/v1/smes/${g.id}`, { as: giant })).body).toMatchObject({
      declaredTier: 'LITTLE_GIANT',
      tier: 'NONE',
      tierVerification: { source: 'OPERATOR', validUntil: '2026-12-01' },
    });
  });

  it("an operator's correction of the size class replaces the declared one and is shown verified", async () => {
    const app = await testApp({ NOW });
    const owner = actor('sme');
    const s = await registerSme(app, owner, { sizeClass: 'MICRO' });
    const res = await app.call('PATCH', `/v1/smes/${s.id}/verification`, { as: actor('operator'), body: { sizeClass: 'MEDIUM', weakFoundation: false, note: '2025 annual report: 410 staff' } });
    expect(res.body).toMatchObject({ sizeClass: 'MEDIUM', weakFoundation: false, verified: { sizeClass: true, weakFoundation: true }, tier: 'NONE' });
    const bad = await app.call('PATCH', `/v1/smes/${s.id}/verification`, { as: actor('operator'), body: { sizeClass: 'SMALL' } });
    expect(bad.status).toBe(400);
    expect((await app.call('GET', `/v1/smes/${s.id}`, { as: owner })).body.sizeClass).toBe('MEDIUM');
  });
});

describe('register entries (applyTierFromRegister, as the register import calls it)', () => {
  const entryOf = (uscc: string) => ({ uscc, tier: 'SPECIALIZED' as const, batch: '2026 第一批', validUntil: '2029-12-31' });

  it('verifies the SME of the USCC once, and the same entry again changes nothing', async () => {
    const app = await testApp({ NOW });
    const owner = actor('sme');
    const s = await registerSme(app, owner, { tier: 'SPECIALIZED' });
    expect(await applyTierFromRegister(app.ports, entryOf(s.uscc))).toBe('updated');
    const version = (await app.ports.store.get('sme', s.id, true))!.version;
    expect(await applyTierFromRegister(app.ports, entryOf(s.uscc))).toBe('unchanged');
    expect((await app.ports.store.get('sme', s.id, true))!.version).toBe(version);
    expect((await app.call('GET', `/v1/smes/${s.id}`, { as: owner })).body).toMatchObject({
      tier: 'SPECIALIZED',
      tierVerification: { source: 'REGISTER', validUntil: '2029-12-31', batch: '2026 第一批' },
    });
  });

  it('answers no-sme for a USCC no SME holds', async () => {
    const app = await testApp({ NOW });
    expect(await applyTierFromRegister(app.ports, entryOf(testUscc('CN-SC')))).toBe('no-sme');
  });

  it('leaves an operator verification that still holds alone', async () => {
    const app = await testApp({ NOW });
    const s = await registerSme(app, actor('sme'));
    await app.call('PATCH', `/v1/smes/${s.id}/verification`, { as: actor('operator'), body: { tier: 'NONE', note: 'struck off the list in the 2026 review' } });
    expect(await applyTierFromRegister(app.ports, entryOf(s.uscc))).toBe('unchanged');
    expect((await app.ports.store.get('sme', s.id, true))!.tierVerification).toMatchObject({ source: 'OPERATOR', tier: 'NONE' });
  });

  it('verifies an SME at registration when its USCC is already on the register', async () => {
    const app = await testApp({ NOW });
    const uscc = testUscc('CN-SC');
    await app.ports.store.putRegisterEntries([{ ...entryOf(uscc), name: '成都示例科技', importId: 'im_test' }]);
    const res = await app.call('POST', '/v1/smes', { as: actor('sme'), body: smeBody({ uscc, tier: 'NONE' }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ declaredTier: 'NONE', tier: 'SPECIALIZED', tierVerification: { source: 'REGISTER' } });
  });
});

describe('suspension', () => {
  it('cancels an open match, frees its capacity, keeps the SME out of matching until reinstated', async () => {
    const app = await testApp({ NOW });
    const op = actor('operator');
    const offering = await scarceOffering(app, 1);
    const owner = actor('sme');
    const s = await registerSme(app, owner);
    const needId = await postNeed(app, owner, s.id, 'audit before suspension');
    await app.drain();
    const proposed = await needStatus(app, owner, needId);
    expect(proposed.status).toBe('PROPOSED');
    const capacity = () => app.call('GET', `/v1/offerings/${offering.id}/capacity?period=2026-12`, { as: op });
    expect((await capacity()).body.used).toBe(1);

    const sus = await app.call('POST', `/v1/smes/${s.id}/suspend`, { as: op, body: { reason: '营业执照吊销 licence revoked' } });
    expect(sus.status).toBe(200);
    expect(sus.body).toMatchObject({ suspended: true, suspension: { reason: '营业执照吊销 licence revoked', by: op.sub } });
    await app.drain();

    const match = await app.call('GET', `/v1/matches/${proposed.currentMatchId}`, { as: op });
    expect(match.body.status).toBe('CANCELLED');
    expect(match.body.history.at(-1)).toMatchObject({ status: 'CANCELLED', by: 'system', reason: 'SME suspended by an operator' });
    expect((await capacity()).body.used).toBe(0);
    const waiting = await needStatus(app, owner, needId);
    expect(waiting).toMatchObject({ status: 'WAITING', sme: { suspended: true }, waiting: { reasons: [{ code: 'SUSPENDED', detail: 'sme' }] } });

    const refused = await app.call('POST', `/v1/smes/${s.id}/needs`, { as: owner, body: needBody('while suspended') });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('suspended');
    expect((await app.call('POST', `/v1/smes/${s.id}/suspend`, { as: op, body: { reason: 'again' } })).status).toBe(409);
    expect((await app.call('GET', `/v1/smes/${s.id}`, { as: owner })).body.suspension).toEqual({ reason: '营业执照吊销 licence revoked', at: expect.any(String) });

    const back = await app.call('POST', `/v1/smes/${s.id}/reinstate`, { as: op });
    expect(back.body).toMatchObject({ suspended: false, suspension: null });
    await app.drain();
    const again = await needStatus(app, owner, needId);
    expect(again.status).toBe('PROPOSED');
    expect(again.sme).not.toHaveProperty('suspended');
    expect((await capacity()).body.used).toBe(1);
    expect((await app.call('POST', `/v1/smes/${s.id}/reinstate`, { as: op })).status).toBe(409);
  });
});
