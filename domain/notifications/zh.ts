/**
 * 通知文案（简体中文）。语气参照中小企业公共服务平台的站内通知：简洁、礼貌，
 * 写明服务类型（服务目录中文名）、对方名称、原因与期限，并说明下一步怎么做。
 * 对企业称"您"，对服务机构称"贵机构"。缺少名称时改用泛称，不留空白。
 */
import { systemReasonInChinese } from '../system-reasons.ts';
import { days, money, rating, sentence, serviceTypeName, text, when } from './format.ts';
import type { MatchContext, Party, Rendered, Templates } from './types.ts';

const L = 'zh';

/** 正文中的服务类型：「能源审计」；类型缺失（仅见于旧数据）时为空，句子仍然通顺。 */
function svc(p: { serviceType?: unknown }): string {
  const name = serviceTypeName(p.serviceType, L);
  return name ? `「${name}」` : '';
}

/** 标题：简短的事由，后接服务类型。 */
function title(head: string, p: { serviceType?: unknown }): string {
  const name = serviceTypeName(p.serviceType, L);
  return name ? `${head}：${name}` : head;
}

function provider(p: MatchContext): string {
  const n = text(p.providerName);
  return n ? `服务机构「${n}」` : '服务机构';
}

function sme(p: MatchContext): string {
  const n = text(p.smeName);
  return n ? `企业「${n}」` : '企业';
}

/** 如：企业「甲公司」的「能源审计」服务需求 / 一项「能源审计」服务需求。 */
function needOf(p: MatchContext): string {
  const n = text(p.smeName);
  return n ? `企业「${n}」的${svc(p)}服务需求` : `一项${svc(p)}服务需求`;
}

/** A reason as typed, or, where the platform wrote it (domain/system-reasons.ts), in Chinese. */
function reasonLine(reason: unknown): string {
  const r = sentence(typeof reason === 'string' ? (systemReasonInChinese(reason.trim()) ?? reason) : reason, L);
  return r ? `原因：${r}` : '';
}

function byParty(to: Party, forSme: () => Rendered, forProvider: () => Rendered): Rendered {
  return to === 'provider' ? forProvider() : forSme();
}

/** 「2026年绿色发展服务券」，或「绿色发展专项」服务券：名称已以"券"结尾时不再重复。 */
function voucherOf(programme: string): string {
  return programme.endsWith('券') ? `「${programme}」` : `「${programme}」服务券`;
}

const WAIT_AGAIN = '如需求仍在有效期内，平台将继续为您匹配其他服务机构。';
const CAPACITY_FREED = '本次占用的服务名额已释放。';
const ASK_OPERATOR = '如有疑问，请联系平台运营人员。';

export const zh: Templates = {
  MATCH_PROPOSED: (p) => {
    const by = when(p.expiresAt, L);
    const offering = text(p.offeringTitle);
    return {
      title: title('新匹配待审核', p),
      body:
        `${needOf(p)}已匹配到${provider(p)}${offering ? `（服务项目「${offering}」）` : ''}，` +
        (by ? `请于${by}前完成审核，逾期匹配将自动失效。` : '请及时审核。'),
    };
  },

  MATCH_APPROVED: (p) => {
    const by = when(p.expiresAt, L);
    const offering = text(p.offeringTitle);
    return byParty(
      p.to,
      () => ({
        title: title('需求已匹配', p),
        body: `您的服务需求${svc(p)}已匹配到${provider(p)}，` + (by ? `请于${by}前在平台确认，逾期匹配将自动失效。` : '请在平台确认。'),
      }),
      () => ({
        title: title('新的服务匹配', p),
        body:
          `${needOf(p)}已匹配到贵机构${offering ? `的服务项目「${offering}」` : ''}，` +
          (by ? `请于${by}前在平台确认是否承接，逾期匹配将自动失效。` : '请在平台确认是否承接。'),
      }),
    );
  },

  MATCH_ACCEPTED: (p) => {
    const by = when(p.expiresAt, L);
    const contacts = '双方均确认后，即可查看对方联系方式。';
    return byParty(
      p.to,
      () => ({
        title: title('服务机构已接受匹配', p),
        body: `${provider(p)}已接受您的${svc(p)}服务匹配，请${by ? `于${by}前` : '尽快'}在平台确认。${contacts}`,
      }),
      () => ({
        title: title('企业已接受匹配', p),
        body: `${sme(p)}已接受与贵机构的${svc(p)}服务匹配，请${by ? `于${by}前` : '尽快'}在平台确认是否承接。${contacts}`,
      }),
    );
  },

  MATCH_CONFIRMED: (p) => {
    const by = when(p.deliverBy, L);
    return byParty(
      p.to,
      () => ({
        title: title('匹配已达成', p),
        body:
          `您与${provider(p)}的${svc(p)}服务匹配已经双方确认。现可在平台查看对方联系方式，请与对方联系开展服务。` +
          (by ? `服务机构应于${by}前完成交付。` : ''),
      }),
      () => ({
        title: title('匹配已达成', p),
        body:
          `贵机构与${sme(p)}的${svc(p)}服务匹配已经双方确认。现可在平台查看企业联系方式，请及时联系企业开展服务` +
          (by ? `，并于${by}前完成交付。` : '。'),
      }),
    );
  },

  MATCH_REJECTED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('匹配未通过审核', p),
        body: `您的服务需求${svc(p)}与${provider(p)}的拟匹配未通过平台审核。${reasonLine(p.reason)}${WAIT_AGAIN}`,
      }),
      () => ({
        title: title('匹配未通过审核', p),
        body: `${needOf(p)}与贵机构的拟匹配未通过平台审核。${reasonLine(p.reason)}${CAPACITY_FREED}`,
      }),
    ),

  MATCH_DECLINED: (p) => {
    const reason = reasonLine(p.reason);
    return byParty(
      p.to,
      () => ({
        title: title('匹配未达成', p),
        body:
          (p.by === 'sme'
            ? `您已谢绝与${provider(p)}的${svc(p)}服务匹配。`
            : p.by === 'provider'
              ? `${provider(p)}已谢绝您的${svc(p)}服务匹配。`
              : `您的服务需求${svc(p)}与${provider(p)}的匹配已被谢绝。`) +
          reason +
          WAIT_AGAIN,
      }),
      () => ({
        title: title('匹配未达成', p),
        body:
          (p.by === 'provider'
            ? `贵机构已谢绝${needOf(p)}。`
            : p.by === 'sme'
              ? `${sme(p)}已谢绝与贵机构的${svc(p)}服务匹配。`
              : `${needOf(p)}与贵机构的匹配已被谢绝。`) +
          reason +
          CAPACITY_FREED,
      }),
    );
  },

  MATCH_EXPIRED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('匹配已失效', p),
        body: `您的服务需求${svc(p)}与${provider(p)}的匹配未在有效期内完成确认，已自动失效。${WAIT_AGAIN}`,
      }),
      () => ({
        title: title('匹配已失效', p),
        body: `${needOf(p)}与贵机构的匹配未在有效期内完成确认，已自动失效。${CAPACITY_FREED}`,
      }),
    ),

  MATCH_CANCELLED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('匹配已取消', p),
        body: `您与${provider(p)}的${svc(p)}服务匹配已取消。${reasonLine(p.reason)}${ASK_OPERATOR}`,
      }),
      () => ({
        title: title('匹配已取消', p),
        body: `贵机构与${sme(p)}的${svc(p)}服务匹配已取消。${reasonLine(p.reason)}${ASK_OPERATOR}`,
      }),
    ),

  MATCH_DELIVERED: (p) => {
    const at = when(p.autoConfirmAt, L);
    return {
      title: title('服务已交付，请验收', p),
      body:
        `${provider(p)}已提交${svc(p)}服务的交付成果，请在平台确认验收；如有问题，可提出异议。` +
        (at ? `如您在${at}前未作处理，系统将自动确认服务完成。` : ''),
    };
  },

  MATCH_COMPLETED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('服务已完成', p),
        body: `您与${provider(p)}的${svc(p)}服务已完成。欢迎在平台对本次服务作出评价，您的评价将帮助其他企业选择服务机构。`,
      }),
      () => ({
        title: title('服务已完成', p),
        body: `贵机构为${sme(p)}提供的${svc(p)}服务已完成，感谢贵机构的服务。`,
      }),
    ),

  MATCH_AUTO_CONFIRMED: (p) => {
    const n = days(p.days);
    const within = n ? `交付后 ${n} 天内` : '规定期限内';
    return byParty(
      p.to,
      () => ({
        title: title('服务已自动确认完成', p),
        body: `${provider(p)}交付的${svc(p)}服务，您在${within}未确认验收或提出异议，系统已自动确认完成。欢迎您在平台对本次服务作出评价。`,
      }),
      () => ({
        title: title('服务已自动确认完成', p),
        body: `${sme(p)}在${within}未对贵机构交付的${svc(p)}服务提出异议，系统已自动确认完成，感谢贵机构的服务。`,
      }),
    );
  },

  MATCH_DISPUTED: (p) => ({
    title: title('交付异议待处理', p),
    body: `${sme(p)}对${provider(p)}交付的${svc(p)}服务提出异议。${reasonLine(p.reason)}请及时介入处理。`,
  }),

  FEEDBACK_RECEIVED: (p) => {
    const r = rating(p.rating);
    const comment = sentence(p.comment, L);
    return {
      title: title('收到新评价', p),
      body:
        `${sme(p)}对贵机构提供的${svc(p)}服务作出了评价` +
        (r ? `：${r} 分（满分 5 分）。` : '。') +
        (comment ? `评价内容：${comment}` : ''),
    };
  },

  DELIVERY_DUE_SOON: (p) => {
    const by = when(p.deliverBy, L);
    const smeName = text(p.smeName);
    return {
      title: title('交付期限临近', p),
      body:
        `贵机构${smeName ? `为企业「${smeName}」提供` : '承接'}的${svc(p)}服务` +
        (by ? `应于${by}前完成交付` : '交付期限临近') +
        '，请合理安排进度，交付后在平台提交。',
    };
  },

  DELIVERY_OVERDUE: (p) => {
    const by = when(p.deliverBy, L);
    return {
      title: title('交付已逾期', p),
      body: `${provider(p)}为${sme(p)}提供的${svc(p)}服务已超过交付期限${by ? `（${by}）` : ''}，尚未提交交付，请及时跟进处理。`,
    };
  },

  PROVIDER_APPROVED: (p) => {
    const n = text(p.providerName);
    return {
      title: '机构入驻审核已通过',
      body: `贵机构${n ? `「${n}」` : ''}的入驻申请已通过平台审核，现可发布服务项目并接收匹配。`,
    };
  },

  PROVIDER_REJECTED: (p) => {
    const n = text(p.providerName);
    const reason = reasonLine(p.reason);
    return {
      title: '机构入驻审核未通过',
      body:
        `很抱歉，贵机构${n ? `「${n}」` : ''}的入驻申请未通过平台审核。` +
        (reason ? `${reason}请根据审核意见完善资料后重新提交。` : ASK_OPERATOR),
    };
  },

  VOUCHER_ISSUED: (p) => {
    const programme = text(p.programmeName);
    const amount = money(p.amount, L);
    const names = (Array.isArray(p.serviceTypes) ? p.serviceTypes : [])
      .map((t) => serviceTypeName(t, L))
      .filter((n): n is string => n !== undefined);
    const until = when(p.validUntil, L);
    return {
      title: '您已获得服务券',
      body:
        `您已获得${programme ? voucherOf(programme) : '一张服务券'}` +
        (amount ? `，面值 ${amount}` : '') +
        (names.length ? `，可用于${names.map((n) => `「${n}」`).join('、')}服务` : '') +
        (until ? `，有效期至${until}` : '') +
        '。发布服务需求时选用该券，即可抵扣相应服务费用。',
    };
  },

  VOUCHER_REDEEMED: (p) => {
    const amount = money(p.amount, L);
    const balance = money(p.balance, L);
    const programme = text(p.programmeName);
    const voucher = programme ? voucherOf(programme) : '服务券';
    return byParty(
      p.to,
      () => ({
        title: '服务券已抵扣',
        body:
          `您的${voucher}已用于与${provider(p)}的${svc(p)}服务` +
          (amount ? `，抵扣 ${amount}` : '') +
          (balance ? `，剩余余额 ${balance}` : '') +
          '。',
      }),
      () => ({
        title: '服务券已核销',
        body:
          `${sme(p)}在${svc(p)}服务中使用的${voucher}已核销` +
          (amount ? `，${amount}将计入贵机构的服务券结算` : '，相应金额将计入贵机构的服务券结算') +
          '。',
      }),
    );
  },
};
