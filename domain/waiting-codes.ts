/**
 * The contract's reason codes for a need that waits (api.md "Why a need
 * waits"), alone in a module: eligibility (scoring.ts) tags its refusals with
 * them and waiting.ts explains a need with them, without either importing the other.
 */
/** In the contract's order; reasons are returned in this order. */
export const WAITING_REASON_CODES = [
  'NO_OFFERING',
  'REGION',
  'LANGUAGE',
  'MARKETS',
  'BUDGET',
  'LEAD_TIME',
  'ELIGIBILITY',
  'EXCLUDED',
  'PROVIDER_NOT_APPROVED',
  'CAPACITY_FULL',
  'OUTRANKED',
  'SUSPENDED',
  'VOUCHER',
] as const;
export type WaitingReasonCode = (typeof WAITING_REASON_CODES)[number];
