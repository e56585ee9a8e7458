/**
 * The short codes a match stores in `breakdown.priorityReasons`, one per
 * rule of the policy that raised its priority (domain/policy.ts
 * `priorityFor`), written and read here alone: the policy writes them, the
 * console words them in the reader's language. Codes, not sentences, so a
 * stored match reads the same in both languages and stays stable when the
 * wording changes.
 *
 * No imports beyond types: the console bundles this file, and the model's
 * schemas (zod) would come with a value import.
 */
import type { SizeClass, Tier } from './model.ts';

/** The region groups the plan favours (中部、西部), as the codes name them. */
export type FavouredRegion = 'CENTRAL' | 'WESTERN';

export type PriorityReason =
  /** The SME's verified tier (专精特新 cultivation). */
  | { kind: 'tier'; tier: Tier }
  /** Its size class on a public-welfare offering (公益性服务 aimed at 小微企业). */
  | { kind: 'sizePublicWelfare'; sizeClass: SizeClass }
  | { kind: 'region'; region: FavouredRegion }
  /** A weak-foundation SME on a service type the plan names for them. */
  | { kind: 'weakFoundation'; serviceType: string };

export function priorityReasonCode(r: PriorityReason): string {
  switch (r.kind) {
    case 'tier':
      return `tier:${r.tier}`;
    case 'sizePublicWelfare':
      return `size:${r.sizeClass}+publicWelfare`;
    case 'region':
      return `region:${r.region}`;
    case 'weakFoundation':
      return `weakFoundation:${r.serviceType}`;
  }
}

// Kept here rather than read from the model's value lists, for the reason above.
const TIER_CODES: readonly string[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'] satisfies readonly Tier[];
const SIZE_CODES: readonly string[] = ['MEDIUM', 'SMALL', 'MICRO'] satisfies readonly SizeClass[];

/**
 * A stored code read back, or null for one this version does not know (a
 * later policy's rule): the reader then shows the code as it is.
 */
export function parsePriorityReason(code: string): PriorityReason | null {
  let m = /^tier:([A-Z_]+)$/.exec(code);
  if (m && TIER_CODES.includes(m[1]!)) return { kind: 'tier', tier: m[1] as Tier };
  m = /^size:([A-Z_]+)\+publicWelfare$/.exec(code);
  if (m && SIZE_CODES.includes(m[1]!)) return { kind: 'sizePublicWelfare', sizeClass: m[1] as SizeClass };
  m = /^region:(CENTRAL|WESTERN)$/.exec(code);
  if (m) return { kind: 'region', region: m[1] as FavouredRegion };
  m = /^weakFoundation:([a-z0-9-]+)$/.exec(code);
  if (m) return { kind: 'weakFoundation', serviceType: m[1]! };
  return null;
}
