/**
 * Service vouchers (服务券): programmes, vouchers, and the rules of their
 * money. Pure: the store moves the money (functions/store/vouchers.ts), one
 * conditional update of one item per movement; this module says what is
 * allowed and checks the invariant the store keeps.
 *
 * The invariant (what `checkProgrammeLedger` verifies, at every moment):
 *
 * - per voucher: `faceValue = balance + Σ holds + Σ redeemed + returned`,
 *   every term >= 0, a match at most once in holds ∪ redeemed, never both;
 * - per programme: `budget − available = allocated` and
 *   `allocated = Σ (faceValue − returned of returns the programme applied)
 *                + Σ faceValue of allocations in flight (no voucher yet)`.
 *
 * The programme stores only `available` (the one counter a conditional
 * update can guard: `available >= faceValue`); `held` and `redeemed` are
 * derived from its vouchers, so a hold, redeem or release touches one item
 * (the voucher) and can never leave two items disagreeing. Only allocation
 * and expiry move money between the programme and a voucher; each leaves a
 * marker (`pending` on the programme, `returnPending` on the voucher) that
 * the checker counts as money in flight and that a retry or repair finishes.
 */
import * as z from 'zod/mini';
import { SERVICE_TYPE_IDS, type ServiceTypeId } from './catalog.ts';
import { Eligibility, isoDate, money, province, serviceType, type SizeClass, type Tier } from './model.ts';
import { PROVINCE_CODES, type ProvinceCode } from './regions.ts';

const NO_CONTROL = /^[^\u0000-\u001F\u007F]*$/;
const uniq = <T>(xs: T[]) => new Set(xs).size === xs.length;

export const CreateProgrammeBody = z
  .strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.regex(NO_CONTROL, 'must not contain control characters')),
    serviceTypes: z.array(serviceType).check(z.minLength(1), z.maxLength(SERVICE_TYPE_IDS.length), z.refine(uniq, 'must not repeat an entry')),
    provinces: z.optional(z.array(province).check(z.minLength(1), z.maxLength(PROVINCE_CODES.length), z.refine(uniq, 'must not repeat an entry'))),
    budget: money.check(z.minimum(1)),
    faceValue: money.check(z.minimum(1)),
    eligibility: z.optional(Eligibility),
    validUntil: isoDate,
  })
  .check(z.refine((b) => b.faceValue <= b.budget, { message: 'faceValue must not exceed budget', path: ['faceValue'] }));
export type CreateProgrammeBody = z.infer<typeof CreateProgrammeBody>;

export const VOUCHER_STATUSES = ['ISSUED', 'HELD', 'REDEEMED', 'EXPIRED'] as const;
export type VoucherStatus = (typeof VOUCHER_STATUSES)[number];

export interface Programme {
  id: string;
  name: string;
  serviceTypes: ServiceTypeId[];
  /** Empty: every province. */
  provinces: ProvinceCode[];
  budget: number;
  faceValue: number;
  eligibility: Eligibility;
  /** YYYY-MM-DD: vouchers are valid to the end of that day (UTC). */
  validUntil: string;
  /** budget − allocated: the one stored counter, guarded by every allocation. */
  available: number;
  /** Allocations in flight: voucher id -> SME id (taken from `available`, voucher not yet confirmed written). */
  pending: Record<string, string>;
  /** Expiry returns applied to `available` whose voucher still carries `returnPending`. */
  returns: string[];
  createdAt: string;
}

export interface RedeemRecord {
  amount: number;
  providerId: string;
  at: string;
}

export interface Voucher {
  id: string;
  programmeId: string;
  programmeName: string;
  smeId: string;
  smeOwnerSub: string;
  faceValue: number;
  balance: number;
  /** matchId -> amount held for it. */
  holds: Record<string, number>;
  /** matchId -> what was redeemed for it (once). */
  redeemed: Record<string, RedeemRecord>;
  /** Matches that ended (released or released before their hold arrived): a late hold for them does nothing. */
  ended: Record<string, true>;
  /** ISSUED for its life until it expires; HELD/REDEEMED are views (see voucherStatus). */
  status: 'ISSUED' | 'EXPIRED';
  /** What expiry gave back to the programme. */
  returned: number;
  /** Expired, but the return not yet confirmed applied to the programme. */
  returnPending?: true;
  serviceTypes: ServiceTypeId[];
  provinces: ProvinceCode[];
  validUntil: string;
  /** The need the voucher pays for; another need may take it once this one is closed. */
  attachedNeedId?: string;
  issuedAt: string;
}

/** The end of a `validUntil` day, as an ISO instant (UTC). */
export const validEnd = (validUntil: string) => `${validUntil}T23:59:59.999Z`;
export const isExpiredAt = (v: Pick<Voucher, 'validUntil' | 'status'>, nowIso: string) => v.status === 'EXPIRED' || validEnd(v.validUntil) < nowIso;

/** What callers see: HELD while anything is held, REDEEMED once spent to nothing, EXPIRED once expired. */
export function voucherStatus(v: Voucher, nowIso: string): VoucherStatus {
  if (v.status === 'EXPIRED') return 'EXPIRED';
  if (Object.keys(v.holds).length > 0) return 'HELD';
  if (v.balance === 0 && Object.keys(v.redeemed).length > 0) return 'REDEEMED';
  return validEnd(v.validUntil) < nowIso ? 'EXPIRED' : 'ISSUED';
}

/** api.md: a match holds `min(priceMax ?? priceMin ?? 0, balance)`. */
export const holdAmount = (price: { priceMin?: number | undefined; priceMax?: number | undefined }, balance: number) =>
  Math.max(0, Math.min(price.priceMax ?? price.priceMin ?? 0, balance));

/** The facts an operator or a register verified; declared facts never make an SME eligible. */
export interface VerifiedFacts {
  tier?: Tier | undefined;
  sizeClass?: SizeClass | undefined;
  province: ProvinceCode;
}

/** Why an SME may not receive a programme's voucher, or undefined when it may. */
export function ineligibility(p: Pick<Programme, 'eligibility' | 'provinces'>, facts: VerifiedFacts): string | undefined {
  if (p.provinces.length > 0 && !p.provinces.includes(facts.province)) return `the programme does not cover ${facts.province}`;
  const { tiers, sizeClasses } = p.eligibility;
  if (tiers && !(facts.tier && tiers.includes(facts.tier))) return `the programme is for verified tiers ${tiers.join(', ')}`;
  if (sizeClasses && !(facts.sizeClass && sizeClasses.includes(facts.sizeClass))) {
    return `the programme is for verified size classes ${sizeClasses.join(', ')}`;
  }
  return undefined;
}

/** Why a voucher may not pay for a need, or undefined when it may (api.md "Needs with vouchers"). */
export function voucherUnfitFor(v: Voucher, need: { smeId: string; serviceType: ServiceTypeId; province: ProvinceCode }, nowIso: string): string | undefined {
  if (v.smeId !== need.smeId) return 'the voucher belongs to another SME';
  if (isExpiredAt(v, nowIso)) return 'the voucher has expired';
  if (!v.serviceTypes.includes(need.serviceType)) return `the voucher does not cover ${need.serviceType}`;
  if (v.provinces.length > 0 && !v.provinces.includes(need.province)) return `the voucher does not cover ${need.province}`;
  return undefined;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface LedgerTotals {
  budget: number;
  allocated: number;
  held: number;
  redeemed: number;
  available: number;
}

/** The programme's ledger as api.md shows it, derived from its vouchers (held and redeemed are never stored). */
export function ledgerOf(p: Pick<Programme, 'budget' | 'available'>, vouchers: readonly Voucher[]): LedgerTotals {
  return {
    budget: p.budget,
    allocated: p.budget - p.available,
    held: sum(vouchers.flatMap((v) => Object.values(v.holds))),
    redeemed: sum(vouchers.flatMap((v) => Object.values(v.redeemed).map((r) => r.amount))),
    available: p.available,
  };
}

/**
 * Every violation of the invariant (see the top of this module) for a
 * programme and all its vouchers; empty when it holds.
 */
export function checkProgrammeLedger(p: Programme, vouchers: readonly Voucher[]): string[] {
  const bad: string[] = [];
  if (p.available < 0) bad.push(`available ${p.available} < 0`);
  if (p.available > p.budget) bad.push(`available ${p.available} > budget ${p.budget}`);
  const ids = new Set(vouchers.map((v) => v.id));
  let expected = 0;
  for (const v of vouchers) {
    const held = Object.values(v.holds);
    const red = Object.values(v.redeemed).map((r) => r.amount);
    for (const x of [v.balance, v.returned, ...held, ...red]) if (!(Number.isInteger(x) && x >= 0)) bad.push(`${v.id}: negative or fractional amount ${x}`);
    const total = v.balance + sum(held) + sum(red) + v.returned;
    if (total !== v.faceValue) bad.push(`${v.id}: balance+held+redeemed+returned = ${total} ≠ faceValue ${v.faceValue}`);
    for (const m of Object.keys(v.holds)) if (m in v.redeemed) bad.push(`${v.id}: match ${m} both held and redeemed`);
    const returnApplied = !v.returnPending || p.returns.includes(v.id);
    expected += v.faceValue - (returnApplied ? v.returned : 0);
  }
  for (const vid of Object.keys(p.pending)) if (!ids.has(vid)) expected += p.faceValue;
  const allocated = p.budget - p.available;
  if (allocated !== expected) bad.push(`allocated ${allocated} ≠ vouchers' ${expected}`);
  return bad;
}
