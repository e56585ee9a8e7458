/**
 * The Chinese names of the records' states, in one place for the console
 * (web/src/i18n/zh.ts) and the server's refusals in Chinese
 * (functions/http/error-language.ts): a 409 then names a state exactly as
 * the page beside it does.
 */
import type { ProviderStatus } from './credentials.ts';
import type { MatchStatus, NeedStatus } from './model.ts';

export const MATCH_STATUS_ZH = {
  PROPOSED: '待审核',
  APPROVED: '已批准，待双方确认',
  REJECTED: '已驳回',
  CONFIRMED: '双方已确认',
  DECLINED: '已拒绝',
  COMPLETED: '已完成',
  EXPIRED: '已过期',
  CANCELLED: '已取消',
  DELIVERED: '已交付，待企业确认',
  DISPUTED: '有异议，待平台处理',
} as const satisfies Record<MatchStatus, string>;

export const NEED_STATUS_ZH = {
  WAITING: '等待匹配',
  PROPOSED: '已推荐，待审核',
  MATCHED: '已匹配',
  FULFILLED: '已完成',
  WITHDRAWN: '已撤回',
  EXPIRED: '已过期',
} as const satisfies Record<NeedStatus, string>;

export const PROVIDER_STATUS_ZH = {
  PENDING: '待平台审核',
  APPROVED: '已通过审核',
  REJECTED: '未通过审核',
} as const satisfies Record<ProviderStatus, string>;
