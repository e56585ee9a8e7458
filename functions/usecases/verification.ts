/**
 * Verified facts of SMEs: an operator's verification (PATCH
 * /v1/smes/{id}/verification) and a tier register entry (imported by
 * operators). The rules are domain/verification.ts's; this module reads and
 * writes the SME and lets its open needs follow (sme-standing.ts).
 */
import { NotFound } from '#domain/errors.ts';
import type { Sme, VerifiedTier, VerifySmeBody } from '#domain/model.ts';
import { appendHistory, applyOperatorFindings, dayOf, verificationFromRegister } from '#domain/verification.ts';
import type { AppPorts, Caller, Stored } from '#functions/ports.ts';
import { changeStanding } from './sme-standing.ts';
import { iso } from './support.ts';
import { usccHolder } from './uscc.ts';

/** An operator verifies or corrects an SME's tier, size class or weak foundation; the note is kept in its history. */
export async function verifySme(ports: AppPorts, caller: Caller, smeId: string, body: VerifySmeBody): Promise<Stored<Sme>> {
  const { sme } = await changeStanding(ports, smeId, 'SME verification changed', (s, now) => {
    const { changes, entry } = applyOperatorFindings(s, body, caller.sub, iso(now), body.note);
    return { ...changes, verificationHistory: appendHistory(s, entry) };
  });
  return sme;
}

/** A tier register's row, as the register import accepted it. */
export interface TierRegisterFacts {
  uscc: string;
  tier: VerifiedTier;
  batch?: string;
  validUntil: string;
}

/**
 * Verifies the tier of the SME holding `entry.uscc` from a register entry.
 * Idempotent: the same entry again is 'unchanged'; so is any entry while an
 * operator's verification of that SME still holds (domain/verification.ts
 * says why). 'no-sme' when no SME holds the code (a provider may).
 */
export async function applyTierFromRegister(ports: AppPorts, entry: TierRegisterFacts): Promise<'updated' | 'unchanged' | 'no-sme'> {
  const holder = await usccHolder(ports, entry.uscc);
  if (holder?.kind !== 'sme') return 'no-sme';
  const { changed } = await changeStanding(
    ports,
    holder.id,
    'SME tier register entry',
    (s, now) => registerChanges(s, entry, now),
    // Claims are never deleted and SMEs never are either: absent here means it vanished meanwhile.
    () => new NotFound('SME not found'),
  );
  return changed ? 'updated' : 'unchanged';
}

function registerChanges(s: Sme, entry: TierRegisterFacts, now: Date) {
  const at = iso(now);
  const next = verificationFromRegister(s.tierVerification, entry, dayOf(now), at);
  if (!next) return undefined;
  return {
    tierVerification: next,
    verificationHistory: appendHistory(s, {
      at,
      by: 'register',
      changes: { tierVerification: { from: s.tierVerification ?? null, to: next } },
    }),
  };
}

/**
 * A new SME whose code is already on the tier register is verified at once
 * (the register was imported before the SME registered). Undefined when there
 * is no entry, or it changes nothing.
 */
export async function verifyFromRegisterAtCreation(ports: AppPorts, sme: Sme): Promise<Stored<Sme> | undefined> {
  if (!sme.uscc) return undefined;
  const entry = await ports.store.getRegisterEntry(sme.uscc);
  if (!entry) return undefined;
  const { sme: verified, changed } = await changeStanding(ports, sme.id, 'SME tier register entry', (s, now) => registerChanges(s, entry, now));
  return changed ? verified : undefined;
}
