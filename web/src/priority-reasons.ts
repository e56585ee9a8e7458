/**
 * A match's priority reasons (`breakdown.priorityReasons`, short codes the
 * policy stores) in the reader's language: the operator deciding on a
 * proposal reads "微型企业（公益性服务）、西部地区", not
 * "size:MICRO+publicWelfare, region:WESTERN". A code this console does not
 * know (a later policy's) is shown as it is rather than hidden.
 */
import { parsePriorityReason } from '#domain/priority-reasons.ts';
import { serviceTypeNames } from './catalog.ts';
import { listText, pick, t } from './i18n/index.ts';

export function priorityReasonText(code: string): string {
  const r = parsePriorityReason(code);
  if (r === null) return code;
  switch (r.kind) {
    case 'tier':
      return t(`tier.${r.tier}`);
    case 'sizePublicWelfare':
      return t('breakdown.reason.sizePublicWelfare', { size: t(`sizeClass.${r.sizeClass}`) });
    case 'region':
      return t(`breakdown.reason.region.${r.region}`);
    case 'weakFoundation':
      return t('breakdown.reason.weakFoundation', { service: pick(serviceTypeNames(r.serviceType)) });
  }
}

export const priorityReasonsText = (codes: readonly string[]): string => listText(codes.map(priorityReasonText));
