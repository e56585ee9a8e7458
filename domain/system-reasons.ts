/**
 * The reasons the platform itself writes when it ends or settles a match
 * (the match's history and its MatchCancelled / MatchExpired /
 * MatchConfirmed events): in English, the API's language, each with the
 * Chinese a person reads in a notification or a Chinese error answer.
 * Reasons people typed (an operator's, a party's) are kept as typed; only
 * these are worded again, so they are written and read here alone.
 */

export const SYSTEM_REASONS = {
  SME_SUSPENDED: { en: 'SME suspended by an operator', zh: '企业已被运营人员暂停' },
  MATCH_SME_SUSPENDED: { en: 'the SME of this match is suspended', zh: '该匹配的企业已被暂停' },
  MATCH_PROVIDER_SUSPENDED: { en: 'the provider of this match is suspended', zh: '该匹配的服务机构已被暂停' },
  MATCH_PROVIDER_NOT_APPROVED: { en: 'the provider of this match is not approved (or its designation lapsed)', zh: '该匹配的服务机构未获批准或其资质已失效' },
  PROVIDER_NOT_MATCHABLE: { en: 'the provider may not be matched', zh: '该服务机构暂不可匹配' },
  NEED_WITHDRAWN: { en: 'need withdrawn', zh: '需求已撤回' },
  NEED_EXPIRED: { en: 'need expired', zh: '需求已过期' },
  NOBODY_ACTED: { en: 'nobody acted in time', zh: '各方未在期限内处理' },
} as const;

/** A provider's suspension, with the operator's own reason after it. */
export const providerSuspendedReason = (why: string): string => `provider suspended: ${why}`;

/** A delivery the SME neither confirmed nor disputed within `days`. */
export const autoConfirmedReason = (days: number): string => `confirmed automatically: the SME did not answer within ${days} days`;

const BY_ENGLISH: ReadonlyMap<string, string> = new Map(Object.values(SYSTEM_REASONS).map((r) => [r.en, r.zh]));

/** The Chinese of a reason the platform wrote, or undefined for any other text (left as typed). */
export function systemReasonInChinese(reason: string): string | undefined {
  const fixed = BY_ENGLISH.get(reason);
  if (fixed) return fixed;
  let m = /^provider suspended: ([\s\S]*)$/.exec(reason);
  if (m) return `服务机构已被暂停：${m[1]}`;
  m = /^confirmed automatically: the SME did not answer within (\d+) days$/.exec(reason);
  if (m) return `企业未在 ${m[1]} 天内答复，已自动确认`;
  return undefined;
}
