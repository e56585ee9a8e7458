/**
 * One profile per 统一社会信用代码 on the platform, SMEs and providers alike.
 *
 * A registration claims the code (a lookup item written only if absent)
 * BEFORE writing its own record, under an id fixed by the registration, so:
 * - of concurrent registrations of one code exactly one holder wins the claim;
 * - a retry of the same registration (same holder id) finds its own claim and
 *   goes on to write the record a crash left unwritten;
 * - a claim whose record never appeared (the registrant crashed and never
 *   retried) is taken over by the next registration once CLAIM_GRACE_MS has
 *   passed: longer than any request runs, so the first registrant is not
 *   still about to write its record.
 */
import { Duplicate } from '#domain/errors.ts';
import type { AppPorts } from '#functions/ports.ts';
import type { UsccHolderKind } from '../store/store.ts';

export type UsccHolder = { kind: UsccHolderKind; id: string };

/** Longer than an API request can run (API Gateway stops at 30 s). */
export const CLAIM_GRACE_MS = 5 * 60_000;

type Ports = Pick<AppPorts, 'store' | 'clock'>;

async function holderExists(ports: Ports, h: UsccHolder): Promise<boolean> {
  return (await ports.store.get(h.kind, h.id, true)) !== undefined;
}

const duplicate = (uscc: string) =>
  new Duplicate(`a profile with USCC ${uscc} is already registered on the platform`, [
    { path: 'body.uscc', message: 'already registered: one profile per 统一社会信用代码' },
  ]);

/**
 * Claims `uscc` for `holder`, or throws Duplicate (409) when another holder
 * has it. Idempotent for the same holder.
 */
export async function claimUscc(ports: Ports, uscc: string, holder: UsccHolder): Promise<void> {
  const now = ports.clock.now();
  const claim = { uscc, holderKind: holder.kind, holderId: holder.id, claimedAt: now.toISOString() };
  if (await ports.store.putUsccClaim(claim)) return;
  const current = await ports.store.getUsccClaim(uscc);
  // Gone between the two calls cannot happen (claims are never deleted); refuse rather than loop.
  if (!current) throw duplicate(uscc);
  // A retry of the same registration: its own claim, left as it is (its time keeps counting).
  if (current.holderKind === holder.kind && current.holderId === holder.id) return;
  const stale = now.getTime() - Date.parse(current.claimedAt) > CLAIM_GRACE_MS;
  if (stale && !(await holderExists(ports, { kind: current.holderKind, id: current.holderId }))) {
    // Repair: the claim's record never appeared. Conditional on that same holder, so two repairers cannot both win.
    if (await ports.store.putUsccClaim(claim, { holderId: current.holderId })) return;
  }
  throw duplicate(uscc);
}

/**
 * Refuses (Duplicate) a USCC another record already holds, before anything is
 * written: a registration that will be refused must not take a quota slot
 * first. claimUscc stays the guard under concurrent registrations.
 */
export async function assertUsccFree(ports: Ports, uscc: string): Promise<void> {
  const current = await ports.store.getUsccClaim(uscc);
  if (!current) return;
  const stale = ports.clock.now().getTime() - Date.parse(current.claimedAt) > CLAIM_GRACE_MS;
  if (!stale || (await holderExists(ports, { kind: current.holderKind, id: current.holderId }))) throw duplicate(uscc);
}

/** Who holds `uscc`: a record that exists, or undefined (never claimed, or a claim whose record never appeared). */
export async function usccHolder(ports: Pick<AppPorts, 'store'>, uscc: string): Promise<UsccHolder | undefined> {
  const c = await ports.store.getUsccClaim(uscc);
  if (!c) return undefined;
  const h = { kind: c.holderKind, id: c.holderId };
  return (await ports.store.get(h.kind, h.id, true)) ? h : undefined;
}
