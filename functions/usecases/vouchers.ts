/**
 * Service vouchers: programmes (operators), issuing vouchers to eligible
 * SMEs, an SME's vouchers, the money moves driven by match events, expiry,
 * and providers' settlements. The money rules and the invariant:
 * domain/vouchers.ts; the single-item moves: store/vouchers.ts.
 */
import { Conflict, NotFound } from '#domain/errors.ts';
import type { Need, Sme } from '#domain/model.ts';
import { dayOf, effectiveTier, verifiedFactsOf } from '#domain/verification.ts';
import {
  holdAmount,
  ineligibility,
  isExpiredAt,
  ledgerOf,
  voucherUnfitFor,
  type CreateProgrammeBody,
  type LedgerTotals,
  type Programme,
  type Voucher,
} from '#domain/vouchers.ts';
import { makeEvent, type AppEvent, type MatchDetail } from '#events/contracts.ts';
import { VOUCHER_EVENTS } from '#events/routing.ts';
import { fromEnvelope } from '#events/envelope.ts';
import type { AppPorts, Caller, NotifierHandler, Page, PageRequest } from '#functions/ports.ts';
import type { SettlementLine } from '../store/vouchers.ts';
import { countRedeemed } from './kpis.ts';
import { getProvider } from './providers.ts';
import { getSme } from './smes.ts';
import { iso, newId, publishStored } from './support.ts';

type Ports = Pick<AppPorts, 'store' | 'clock'>;
/** Moves that announce something (an issue, a redemption) publish their events right after writing them. */
type PublishingPorts = Pick<AppPorts, 'store' | 'clock' | 'publisher' | 'logger'>;
type ConsumerPorts = PublishingPorts;

/**
 * Publishes what the voucher's outbox holds and clears it; a failure leaves
 * the events to the relay (publishStored). Read back rather than remembered,
 * so a repeated event also sends what a crash before publishing left behind.
 */
async function publishVoucherEvents(ports: PublishingPorts, smeId: string, voucherId: string, known?: readonly AppEvent[]): Promise<void> {
  const events = known ?? (await ports.store.vouchers.pendingOfVoucher(smeId, voucherId));
  await publishStored(ports, { kind: 'voucher', smeId, id: voucherId }, events);
}

/** The voucher's issue, for the SME owner's inbox: one per voucher (its id fixes the event id). */
export function voucherIssuedEvent(v: Voucher): AppEvent<'VoucherIssued'> {
  return makeEvent('VoucherIssued', `voucher:${v.id}`, 1, {
    occurredAt: v.issuedAt,
    voucherId: v.id,
    programmeId: v.programmeId,
    programmeName: v.programmeName,
    smeId: v.smeId,
    smeOwnerSub: v.smeOwnerSub,
    amount: v.faceValue,
    serviceTypes: v.serviceTypes,
    validUntil: v.validUntil,
  });
}

export type ProgrammeWithLedger = Programme & LedgerTotals;

export async function createProgramme(ports: Ports, body: CreateProgrammeBody): Promise<ProgrammeWithLedger> {
  const p: Programme = {
    id: newId('vp'),
    name: body.name,
    serviceTypes: body.serviceTypes,
    provinces: body.provinces ?? [],
    budget: body.budget,
    faceValue: body.faceValue,
    eligibility: body.eligibility ?? {},
    validUntil: body.validUntil,
    available: body.budget,
    pending: {},
    returns: [],
    createdAt: iso(ports.clock.now()),
  };
  await ports.store.vouchers.putProgramme(p);
  return { ...p, ...ledgerOf(p, []) };
}

async function programmeOr404(ports: Ports, id: string): Promise<Programme> {
  const p = await ports.store.vouchers.getProgramme(id);
  if (!p) throw new NotFound('programme not found');
  return p;
}

/** A programme with its ledger (held and redeemed are summed from its vouchers: see domain/vouchers.ts). */
export async function getProgramme(ports: Ports, id: string): Promise<ProgrammeWithLedger> {
  const p = await programmeOr404(ports, id);
  return { ...p, ...ledgerOf(p, await ports.store.vouchers.vouchersOfProgramme(id)) };
}

/** The list shows the stored counters; a programme's page (`getProgramme`) adds held and redeemed. */
export async function listProgrammes(ports: Ports, page: PageRequest): Promise<Page<ProgrammeWithLedger>> {
  const res = await ports.store.vouchers.listProgrammes(page);
  const items = await Promise.all(res.items.map((p) => getProgramme(ports, p.id)));
  return { items, nextCursor: res.nextCursor };
}

/**
 * Issues a voucher of the programme to an SME: the SME's slot in the
 * programme first (one unexpired voucher each, even under concurrent
 * requests), then the allocation (one conditional update of the programme),
 * then the voucher, then the allocation is settled. A retry after a crash
 * finds the slot and finishes the same voucher; a refused allocation frees
 * the slot.
 */
export async function issueVoucher(ports: PublishingPorts, programmeId: string, smeId: string): Promise<Voucher> {
  const { vouchers } = ports.store;
  const p = await programmeOr404(ports, programmeId);
  const sme = await ports.store.get('sme', smeId, true);
  if (!sme) throw new NotFound('SME not found');
  const now = ports.clock.now();
  if (isExpiredAt({ validUntil: p.validUntil, status: 'ISSUED' }, iso(now))) throw new Conflict('the programme has ended');
  const why = ineligibility(p, verifiedFacts(sme, dayOf(now)));
  if (why) throw new Conflict(`the SME is not eligible: ${why}`);

  // A budget already spent is refused before anything is written (the allocation below still decides races).
  if (p.available < p.faceValue && Object.keys(p.pending).length === 0) {
    const mine = (await vouchers.vouchersOfSme(smeId)).some((v) => v.programmeId === programmeId && v.status === 'ISSUED');
    if (!mine) throw new Conflict('the programme budget is exhausted');
  }
  const slot = await vouchers.takeSlot(smeId, programmeId, newId('vc'), now.getTime());
  if (slot.state === 'ISSUED') throw new Conflict('the SME already holds an unexpired voucher of this programme');
  const existing = await vouchers.getVoucher(smeId, slot.voucherId);
  if (!existing) {
    // Only the slot's owner takes money; another request finishes an allocation already made, or waits.
    const inFlight = (await programmeOr404(ports, programmeId)).pending[slot.voucherId] !== undefined;
    if (!inFlight && !slot.owned) throw new Conflict('a voucher of this programme is being issued to the SME; retry shortly');
    if (!inFlight && (await vouchers.allocate(programmeId, slot.voucherId, smeId, p.faceValue)) === 'exhausted') {
      await vouchers.dropSlot(smeId, programmeId, slot.voucherId);
      throw new Conflict('the programme budget is exhausted');
    }
  }
  const v: Voucher = existing ?? newVoucher(p, sme, slot.voucherId, iso(now));
  if (!existing) await vouchers.putVoucher(v, [voucherIssuedEvent(v)]);
  await vouchers.settleAllocation(programmeId, smeId, v.id);
  // A retry that found the voucher already written sends whatever its outbox still holds.
  await publishVoucherEvents(ports, smeId, v.id, existing ? undefined : [voucherIssuedEvent(v)]);
  return (await vouchers.getVoucher(smeId, v.id)) ?? v;
}

function newVoucher(p: Programme, sme: Sme, id: string, at: string): Voucher {
  return {
    id,
    programmeId: p.id,
    programmeName: p.name,
    smeId: sme.id,
    smeOwnerSub: sme.ownerSub,
    faceValue: p.faceValue,
    balance: p.faceValue,
    holds: {},
    redeemed: {},
    ended: {},
    status: 'ISSUED',
    returned: 0,
    serviceTypes: p.serviceTypes,
    provinces: p.provinces,
    validUntil: p.validUntil,
    issuedAt: at,
  };
}

/** Only verified facts make an SME eligible: the tier a register or operator vouches for today, a size class an operator verified. */
function verifiedFacts(sme: Sme, today: string) {
  return {
    tier: effectiveTier(sme.tierVerification, today),
    sizeClass: verifiedFactsOf(sme).sizeClass ? sme.sizeClass : undefined,
    province: sme.region.province,
  };
}

/**
 * Finishes what a crash left in flight on a programme: allocations whose
 * voucher was not written are completed (the operator asked for them; the
 * slot names the SME), returns whose voucher still says `returnPending` are
 * applied. Safe to run at any time and any number of times.
 */
export async function repairProgramme(ports: Ports, programmeId: string): Promise<{ allocations: number; returns: number }> {
  const { vouchers } = ports.store;
  const p = await programmeOr404(ports, programmeId);
  let allocations = 0;
  for (const [vid, smeId] of Object.entries(p.pending)) {
    if (!(await vouchers.getVoucher(smeId, vid))) {
      const sme = await ports.store.get('sme', smeId, true);
      if (!sme) continue;
      // Its VoucherIssued goes with it; the relay publishes it.
      const v = newVoucher(p, sme, vid, iso(ports.clock.now()));
      await vouchers.putVoucher(v, [voucherIssuedEvent(v)]);
    }
    await vouchers.settleAllocation(programmeId, smeId, vid);
    allocations++;
  }
  let returns = 0;
  for (const v of await vouchers.vouchersOfProgramme(programmeId)) {
    if (!v.returnPending) continue;
    await vouchers.finishReturn(v);
    returns++;
  }
  return { allocations, returns };
}

export async function listVouchersOfSme(ports: Ports, caller: Caller, smeId: string, page: PageRequest): Promise<Page<Voucher>> {
  await getSme(ports, caller, smeId);
  return ports.store.vouchers.pageVouchersOfSme(smeId, page);
}

// ------------------------------------------------------------------ needs with vouchers

const CLOSED_NEED = new Set<Need['status']>(['FULFILLED', 'WITHDRAWN', 'EXPIRED']);

/**
 * Whether the SME's voucher may pay for a need about to be created
 * (`needId`), reading only: the voucher must be the SME's, unexpired, cover
 * the service type and province, and not pay for another open need (409
 * otherwise). Returns the voucher and whether the need it is tied to, if
 * any, is closed (a need never written, after a crash, counts as closed).
 */
export async function checkVoucherFor(
  ports: Ports,
  sme: Sme,
  voucherId: string,
  need: Pick<Need, 'id' | 'serviceType'>,
): Promise<{ voucher: Voucher; previousIsClosed: boolean }> {
  const v = await ports.store.vouchers.getVoucher(sme.id, voucherId);
  if (!v) throw new NotFound('voucher not found');
  const why = voucherUnfitFor(v, { smeId: sme.id, serviceType: need.serviceType, province: sme.region.province }, iso(ports.clock.now()));
  if (why) throw new Conflict(why);
  let previousIsClosed = true;
  if (v.attachedNeedId !== undefined && v.attachedNeedId !== need.id) {
    const prev = await ports.store.get('need', v.attachedNeedId, true);
    previousIsClosed = !prev || CLOSED_NEED.has(prev.status);
    if (!previousIsClosed) throw new Conflict('the voucher is attached to another open need');
  }
  return { voucher: v, previousIsClosed };
}

/** Ties the voucher to the need (checked again, then one conditional update); 409 when another open need took it first. */
export async function attachVoucher(ports: Ports, sme: Sme, voucherId: string, need: Pick<Need, 'id' | 'serviceType'>): Promise<void> {
  const { voucher, previousIsClosed } = await checkVoucherFor(ports, sme, voucherId, need);
  if (voucher.attachedNeedId === need.id) return;
  if (!(await ports.store.vouchers.attachToNeed(voucher, need.id, previousIsClosed))) {
    throw new Conflict('the voucher is attached to another open need');
  }
}

/** The balances of the vouchers some needs carry, in one batch of reads (the matcher's `facts.voucherBalance`). */
export async function voucherBalances(ports: Pick<AppPorts, 'store'>, needs: readonly Need[]): Promise<Map<string, number>> {
  const withVoucher = needs.filter((n): n is Need & { voucherId: string } => n.voucherId !== undefined);
  const out = new Map<string, number>();
  await Promise.all(
    withVoucher.map(async (n) => {
      const v = await ports.store.vouchers.getVoucher(n.smeId, n.voucherId);
      out.set(n.id, v && v.status === 'ISSUED' ? v.balance : 0);
    }),
  );
  return out;
}

// ------------------------------------------------------------------ money moves driven by match events

export type VoucherEvent = (typeof VOUCHER_EVENTS)[number];

export type VoucherMove = 'hold' | 'redeem' | 'release';
export const moveOf = (t: VoucherEvent): VoucherMove => (t === 'MatchApproved' ? 'hold' : t === 'MatchCompleted' ? 'redeem' : 'release');

/**
 * Applies one match event to the voucher of the match's need, if it has one.
 * Idempotent per (voucher, match) and safe in any order: each move is
 * guarded on the voucher itself (see store/vouchers.ts). Returns what it did.
 */
export async function applyMatchEvent(
  ports: ConsumerPorts,
  detailType: VoucherEvent,
  d: Pick<MatchDetail, 'matchId' | 'needId' | 'smeId' | 'offeringId' | 'providerId' | 'occurredAt' | 'serviceType' | 'smeOwnerSub' | 'providerOwnerSub'>,
): Promise<'none' | 'done' | 'repeat' | 'refused'> {
  const need = await ports.store.get('need', d.needId, true);
  const voucherId = need?.voucherId;
  if (!need || !voucherId) return 'none';
  const ref = { smeId: d.smeId, id: voucherId };
  const move = moveOf(detailType);
  if (move === 'release') return ports.store.vouchers.release(ref, d.matchId);
  const offering = await ports.store.get('offering', d.offeringId, true);
  const price = { priceMin: offering?.priceMin, priceMax: offering?.priceMax };
  if (move === 'hold') {
    // The amount depends on the balance: a concurrent hold of another match changes it, so read again and retry.
    for (let attempt = 0; attempt < 5; attempt++) {
      const v = await ports.store.vouchers.getVoucher(d.smeId, voucherId);
      if (!v || v.status !== 'ISSUED') return 'refused';
      if (d.matchId in v.holds || d.matchId in v.redeemed || d.matchId in v.ended) return 'repeat';
      if ((await ports.store.vouchers.hold(ref, d.matchId, holdAmount(price, v.balance))) === 'done') return 'done';
    }
    throw new Conflict('the voucher kept changing; the event will be retried');
  }
  const redeemed = (r: { voucher: Voucher; amount: number; balance: number }) => [
    // One per (voucher, match): the redemption happens once, and a redelivery rebuilds the same id.
    makeEvent('VoucherRedeemed', `voucher:${voucherId}:${d.matchId}`, 1, {
      occurredAt: d.occurredAt,
      serviceType: d.serviceType,
      voucherId,
      programmeId: r.voucher.programmeId,
      programmeName: r.voucher.programmeName,
      matchId: d.matchId,
      needId: d.needId,
      smeId: d.smeId,
      smeOwnerSub: d.smeOwnerSub,
      providerId: d.providerId,
      providerOwnerSub: d.providerOwnerSub,
      amount: r.amount,
      balance: r.balance,
    }),
  ];
  const res = await ports.store.vouchers.redeem(ref, d.matchId, { providerId: d.providerId, at: d.occurredAt }, (balance) => holdAmount(price, balance), redeemed);
  if (res === 'done' || res === 'repeat') {
    await publishVoucherEvents(ports, d.smeId, voucherId);
    // The settlement line is keyed by the redemption, so writing it again after a crash changes nothing.
    const v = await ports.store.vouchers.getVoucher(d.smeId, voucherId);
    const r = v?.redeemed[d.matchId];
    if (r) {
      await ports.store.vouchers.putSettlementLine(r.providerId, { voucherId, matchId: d.matchId, amount: r.amount, redeemedAt: r.at });
      await countRedeemed(ports, voucherId, d.matchId, r.amount, r.at, need.sme.region.province);
    }
  }
  return res;
}

// ------------------------------------------------------------------ expiry job

/**
 * The scheduled upkeep of the voucher ledger (run with the expiry job):
 * finishes what a crash left in flight on any programme, and expires the
 * vouchers of ended programmes that hold nothing, giving their balance back.
 */
export async function voucherUpkeep(ports: Ports): Promise<{ vouchersExpired: number; voucherMovesRepaired: number }> {
  const today = dayOf(ports.clock.now());
  let vouchersExpired = 0;
  let voucherMovesRepaired = 0;
  let cursor: string | undefined;
  do {
    const page = await ports.store.vouchers.listProgrammes({ limit: 100, cursor });
    for (const p of page.items) {
      if (Object.keys(p.pending).length > 0) voucherMovesRepaired += (await repairProgramme(ports, p.id)).allocations;
      if (p.validUntil >= today) continue;
      for (const v of await ports.store.vouchers.vouchersOfProgramme(p.id)) {
        if ((v.status === 'ISSUED' || v.returnPending) && (await ports.store.vouchers.expireVoucher(v, today))) vouchersExpired++;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { vouchersExpired, voucherMovesRepaired };
}

// ------------------------------------------------------------------ settlements

export async function settlements(ports: Ports, caller: Caller, providerId: string, period: string): Promise<{ items: SettlementLine[]; total: number }> {
  await getProvider(ports, caller, providerId);
  const items = await ports.store.vouchers.settlementLines(providerId, period);
  return { items, total: items.reduce((a, l) => a + l.amount, 0) };
}

/**
 * The `voucherLedger` consumer: one EventBridge match event in, its voucher
 * move out; a redemption also counts in the KPIs (once per voucher and match).
 */
export const voucherLedgerHandler =
  (ports: ConsumerPorts): NotifierHandler =>
  async (event) => {
    const e = fromEnvelope(event);
    if (!(VOUCHER_EVENTS as readonly string[]).includes(e.detailType)) return;
    await applyMatchEvent(ports, e.detailType as VoucherEvent, e.detail as MatchDetail);
  };
