/**
 * Demo data for a first local start: providers of all five key projects in
 * several provinces, SMEs of every tier and size class (eastern, central and
 * western), and a few needs, some competing for scarce capacity. Everything
 * is created through the HTTP API with tokens of the demo owners, so the
 * data is valid by construction (the same schemas, ownership and events as
 * any client's); the needs start matcher rounds like any others.
 *
 * The owners have fixed subs, so a later start re-issues their tokens (they
 * expire after 12 h) into DATA_DIR/demo-tokens.json without seeding again.
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { CreateNeedBody, CreateOfferingBody, CreateProviderBody, CreateSmeBody } from '#domain/model.ts';
import { makeUscc } from '#domain/uscc.ts';
import { TOKEN_TTL_SECONDS, type LocalAuth, type LocalRole } from './auth.ts';
import { writeFileDurably } from './files.ts';

export const DEMO_TOKENS_FILE = 'demo-tokens.json';

export interface DemoOwner {
  role: LocalRole;
  sub: string;
  name: string;
  token: string;
  /** Ids of what this owner created (provider and offerings, or SME and needs). */
  ids: string[];
}

export interface DemoInfo {
  file: string;
  /** true when this start created the data; false when it only re-issued tokens. */
  seeded: boolean;
  tokensExpireAt: string;
  owners: DemoOwner[];
}

interface DemoProvider {
  sub: string;
  body: CreateProviderBody;
  offerings: CreateOfferingBody[];
}
interface DemoSme {
  sub: string;
  body: CreateSmeBody;
  needs: Array<Omit<CreateNeedBody, 'deadline'> & { inDays: number }>;
}

const PROVIDERS: DemoProvider[] = [
  {
    sub: 'demo-provider-gd-ip-centre',
    body: {
      name: '中国（广东）知识产权保护中心 China (Guangdong) IP Protection Centre',
      kind: 'IP_PROTECTION_CENTRE',
      regions: ['CN-GD'],
      languages: ['zh-CN', 'en'],
      certifications: [{ type: 'CNIPA_DESIGNATION', number: '国知发保字〔2017〕36号', issuer: '国家知识产权局 CNIPA', validUntil: '2030-12-31' }],
      uscc: makeUscc('CN-GD', 2001),
      description: 'Fast examination, confirmation and enforcement of patents for Guangdong firms.',
    },
    offerings: [
      {
        serviceType: 'ip-fast-examination',
        title: '专利快速预审 Patent fast pre-examination',
        regions: ['CN-GD'],
        remote: false,
        languages: ['zh-CN'],
        capacityPerMonth: 3,
        publicWelfare: true,
        leadTimeDays: 14,
      },
      {
        // Scarce: one slot a month, and two SMEs want it.
        serviceType: 'ip-infringement-monitoring',
        title: '侵权线索监测 Infringement monitoring',
        regions: ['CN-GD'],
        remote: true,
        languages: ['zh-CN', 'en'],
        capacityPerMonth: 1,
        priceMin: 5_000,
        priceMax: 20_000,
        publicWelfare: false,
        leadTimeDays: 7,
      },
    ],
  },
  {
    sub: 'demo-provider-zj-design-centre',
    body: {
      name: '浙江省工业设计中心 Zhejiang Industrial Design Centre',
      kind: 'INDUSTRIAL_DESIGN_CENTRE',
      regions: ['CN-ZJ', 'CN-JS', 'CN-SH'],
      languages: ['zh-CN', 'en'],
      // National: recognised by MIIT, so approval checks this recognition is valid.
      certifications: [{ type: 'MIIT_DESIGN_CENTRE', number: '工信部产业〔2021〕183号', issuer: '工业和信息化部 MIIT', validUntil: '2029-12-31' }],
      uscc: makeUscc('CN-ZJ', 2002),
    },
    offerings: [
      {
        serviceType: 'industrial-design',
        title: '产品与结构设计 Product and structural design',
        regions: ['CN-ZJ', 'CN-JS', 'CN-SH'],
        remote: false,
        languages: ['zh-CN'],
        capacityPerMonth: 2,
        priceMin: 30_000,
        priceMax: 120_000,
        publicWelfare: false,
        eligibility: { sizeClasses: ['MEDIUM', 'SMALL'] },
        leadTimeDays: 30,
      },
    ],
  },
  {
    sub: 'demo-provider-sc-green-audit',
    body: {
      name: '四川绿色审计事务所 Sichuan Green Audit',
      kind: 'GREEN_AUDIT_FIRM',
      regions: ['CN-SC', 'CN-CQ', 'CN-GZ'],
      languages: ['zh-CN'],
      certifications: [
        { type: 'CMA', number: '221921340117', issuer: '四川省市场监督管理局', validUntil: '2028-06-30' },
        { type: 'OTHER', number: 'GB/T 17166 energy audit qualification 2024-031', validUntil: '2027-12-31' },
      ],
      uscc: makeUscc('CN-SC', 2003),
    },
    offerings: [
      {
        serviceType: 'energy-saving-diagnosis',
        title: '公益节能诊断 Public-welfare energy-saving diagnosis',
        regions: ['CN-SC', 'CN-CQ', 'CN-GZ'],
        remote: false,
        languages: ['zh-CN'],
        capacityPerMonth: 4,
        publicWelfare: true,
        eligibility: { sizeClasses: ['SMALL', 'MICRO'] },
        leadTimeDays: 10,
      },
      {
        serviceType: 'energy-audit',
        title: '企业能源审计 Energy audit',
        regions: ['CN-SC'],
        remote: false,
        languages: ['zh-CN'],
        capacityPerMonth: 1,
        priceMin: 8_000,
        priceMax: 25_000,
        publicWelfare: false,
        leadTimeDays: 21,
      },
    ],
  },
  {
    sub: 'demo-provider-sh-cross-border',
    body: {
      name: '上海企业跨境综合支援平台 Shanghai Cross-border Support Centre',
      kind: 'CROSS_BORDER_SUPPORT_CENTRE',
      regions: ['CN-SH'],
      languages: ['zh-CN', 'en', 'de', 'ja'],
      certifications: [],
      uscc: makeUscc('CN-SH', 2004),
    },
    offerings: [
      {
        serviceType: 'legal-policy-consulting',
        title: '海外法律政策咨询 Overseas legal and policy consulting',
        regions: ['CN-SH'],
        remote: true,
        markets: ['DE', 'US', 'JP', 'VN'],
        languages: ['zh-CN', 'en'],
        capacityPerMonth: 5,
        publicWelfare: true,
        leadTimeDays: 5,
      },
      {
        serviceType: 'trade-dispute-response',
        title: '贸易摩擦案件应对 Trade dispute response',
        regions: ['CN-SH'],
        remote: true,
        markets: ['US', 'DE'],
        languages: ['zh-CN', 'en'],
        capacityPerMonth: 1,
        priceMin: 50_000,
        priceMax: 300_000,
        publicWelfare: false,
        leadTimeDays: 14,
      },
    ],
  },
  {
    sub: 'demo-provider-hb-digital',
    body: {
      name: '湖北数字化可信服务商 Hubei Trusted Digital Services',
      kind: 'TRUSTED_DIGITAL_PROVIDER',
      regions: ['CN-HB', 'CN-HN', 'CN-HA'],
      languages: ['zh-CN'],
      certifications: [{ type: 'OTHER', number: 'ISO/IEC 27001 ISC-2025-0412', issuer: 'CQC', validUntil: '2028-03-31' }],
      uscc: makeUscc('CN-HB', 2005),
    },
    offerings: [
      {
        serviceType: 'cloud-migration',
        title: '中小企业上云 Cloud migration for SMEs',
        regions: ['CN-HB', 'CN-HN', 'CN-HA'],
        remote: true,
        languages: ['zh-CN'],
        capacityPerMonth: 6,
        priceMin: 3_000,
        priceMax: 40_000,
        publicWelfare: false,
        leadTimeDays: 7,
      },
      {
        serviceType: 'smart-manufacturing',
        title: '智能制造改造 Smart manufacturing upgrade',
        regions: ['CN-HB'],
        remote: false,
        languages: ['zh-CN'],
        capacityPerMonth: 2,
        priceMin: 100_000,
        priceMax: 800_000,
        publicWelfare: false,
        eligibility: { tiers: ['SPECIALIZED', 'LITTLE_GIANT'] },
        leadTimeDays: 45,
      },
    ],
  },
  {
    sub: 'demo-provider-sn-certification',
    body: {
      name: '陕西质量认证中心 Shaanxi Quality Certification Centre',
      kind: 'CERTIFICATION_BODY',
      regions: ['CN-SN', 'CN-GS', 'CN-NX'],
      languages: ['zh-CN', 'en'],
      certifications: [{ type: 'CNAS', number: 'CNAS C155-M', issuer: 'CNAS', validUntil: '2029-09-30' }],
      uscc: makeUscc('CN-SN', 2006),
    },
    offerings: [
      {
        serviceType: 'iso9001-certification',
        title: 'ISO 9001 质量管理体系认证 ISO 9001 certification',
        regions: ['CN-SN', 'CN-GS', 'CN-NX'],
        remote: false,
        languages: ['zh-CN', 'en'],
        capacityPerMonth: 3,
        priceMin: 10_000,
        priceMax: 30_000,
        publicWelfare: false,
        leadTimeDays: 20,
      },
      {
        serviceType: 'testing-inspection',
        title: '产品检验检测 Product testing and inspection',
        regions: ['CN-SN'],
        remote: false,
        languages: ['zh-CN'],
        capacityPerMonth: 1,
        priceMin: 2_000,
        priceMax: 15_000,
        publicWelfare: false,
        leadTimeDays: 10,
      },
    ],
  },
];

const SMES: DemoSme[] = [
  {
    sub: 'demo-sme-gd-little-giant',
    body: {
      name: '深圳微感电子 Shenzhen Microsense Electronics',
      uscc: makeUscc('CN-GD', 1001),
      sizeClass: 'MEDIUM',
      tier: 'LITTLE_GIANT',
      industry: 'MEMS sensors',
      region: { province: 'CN-GD', city: '深圳 Shenzhen' },
    },
    needs: [
      { serviceType: 'ip-fast-examination', description: 'Fast pre-examination of two invention patents for a new pressure sensor.', remoteOk: false, inDays: 60 },
      { serviceType: 'ip-infringement-monitoring', description: 'Monitor online marketplaces for copies of our sensor modules.', remoteOk: true, budgetMax: 20_000, inDays: 45 },
    ],
  },
  {
    sub: 'demo-sme-zj-specialized',
    body: {
      name: '宁波精工机械 Ningbo Precision Machinery',
      uscc: makeUscc('CN-ZJ', 1002),
      sizeClass: 'SMALL',
      tier: 'SPECIALIZED',
      industry: 'Precision machinery',
      region: { province: 'CN-ZJ', city: '宁波 Ningbo' },
    },
    needs: [
      { serviceType: 'industrial-design', description: 'Structural redesign of a CNC fixture for lighter weight.', remoteOk: false, budgetMax: 80_000, inDays: 90 },
    ],
  },
  {
    sub: 'demo-sme-sc-micro',
    body: {
      name: '成都蜀味食品 Chengdu Shuwei Foods',
      uscc: makeUscc('CN-SC', 1003),
      sizeClass: 'MICRO',
      tier: 'NONE',
      industry: 'Food processing',
      region: { province: 'CN-SC', city: '成都 Chengdu' },
      weakFoundation: true,
    },
    needs: [
      { serviceType: 'energy-saving-diagnosis', description: 'Free energy-saving diagnosis of our drying and cold-storage lines.', remoteOk: false, inDays: 50 },
      { serviceType: 'ip-infringement-monitoring', description: 'Our sauce brand is being copied online; we need monitoring.', remoteOk: true, budgetMax: 10_000, inDays: 40 },
    ],
  },
  {
    sub: 'demo-sme-hb-innovative',
    body: {
      name: '武汉光谷光电 Wuhan Optics Valley Photonics',
      uscc: makeUscc('CN-HB', 1004),
      sizeClass: 'SMALL',
      tier: 'INNOVATIVE',
      industry: 'Optoelectronics',
      region: { province: 'CN-HB', city: '武汉 Wuhan' },
    },
    needs: [
      { serviceType: 'cloud-migration', description: 'Move ERP and MES to a cloud platform.', remoteOk: true, budgetMax: 30_000, inDays: 30 },
    ],
  },
  {
    sub: 'demo-sme-hn-medium',
    body: {
      name: '长沙湘江装备 Changsha Xiangjiang Equipment',
      uscc: makeUscc('CN-HN', 1005),
      sizeClass: 'MEDIUM',
      tier: 'NONE',
      industry: 'Construction machinery parts',
      region: { province: 'CN-HN', city: '长沙 Changsha' },
    },
    needs: [
      {
        serviceType: 'legal-policy-consulting',
        description: 'Export compliance advice before selling excavator parts in Germany.',
        remoteOk: true,
        markets: ['DE'],
        languages: ['zh-CN'],
        inDays: 30,
      },
    ],
  },
  {
    sub: 'demo-sme-sn-small',
    body: {
      name: '西安秦川汽配 Xi\u2019an Qinchuan Auto Parts',
      uscc: makeUscc('CN-SN', 1006),
      sizeClass: 'SMALL',
      tier: 'INNOVATIVE',
      industry: 'Auto parts',
      region: { province: 'CN-SN', city: '西安 Xi\u2019an' },
    },
    needs: [
      { serviceType: 'iso9001-certification', description: 'First ISO 9001 certification for our brake-component plant.', remoteOk: false, budgetMax: 30_000, inDays: 75 },
    ],
  },
];

const OPERATOR_SUB = 'demo-operator';

type Call = (token: string, method: string, pathname: string, body?: unknown, headers?: Record<string, string>) => Promise<unknown>;

function caller(baseUrl: string): Call {
  return async (token, method, pathname, body, headers = {}) => {
    const res = await fetch(baseUrl + pathname, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // Demo data is meant to be valid: a refusal is a bug in the data or the API, worth failing loudly.
    if (!res.ok) throw new Error(`demo: ${method} ${pathname} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

const idOf = (v: unknown): string => {
  const id = (v as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') throw new Error(`demo: expected a created record with an id, got ${JSON.stringify(v)}`);
  return id;
};

function dateInDays(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Seeds the demo data if the table holds no provider yet (asked through the
 * API as an operator: no Scan), or refreshes the demo owners' tokens if an
 * earlier start seeded it. Returns undefined when the data is someone else's.
 */
export async function setUpDemo(opts: {
  baseUrl: string;
  auth: Pick<LocalAuth, 'issue'>;
  dataDir: string;
  now?: Date;
}): Promise<DemoInfo | undefined> {
  const now = opts.now ?? new Date();
  const file = path.join(opts.dataDir, DEMO_TOKENS_FILE);
  const call = caller(opts.baseUrl);
  const operator = await opts.auth.issue('operator', OPERATOR_SUB);
  const tokensExpireAt = new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000).toISOString();

  const existing = (await call(operator.token, 'GET', '/v1/providers?limit=1')) as { items?: unknown[] };
  if ((existing.items?.length ?? 0) > 0) {
    const previous = await readDemoFile(file);
    if (!previous) return undefined;
    const owners: DemoOwner[] = [];
    for (const o of previous.owners) owners.push({ ...o, token: (await opts.auth.issue(o.role, o.sub)).token });
    const info: DemoInfo = { file, seeded: false, tokensExpireAt, owners };
    await writeDemoFile(info);
    return info;
  }

  const owners: DemoOwner[] = [{ role: 'operator', sub: OPERATOR_SUB, name: 'Platform operator', token: operator.token, ids: [] }];
  // The tier register first, as operators import the published lists: the SMEs on it are verified when they register.
  owners[0]!.ids.push(await importTierRegister(opts.baseUrl, operator.token, call));
  for (const p of PROVIDERS) {
    const { token } = await opts.auth.issue('provider', p.sub);
    const providerId = idOf(await call(token, 'POST', '/v1/providers', p.body));
    // A new provider is PENDING: the demo operator approves it, as onboarding does.
    await call(operator.token, 'POST', `/v1/providers/${providerId}/approve`);
    const ids = [providerId];
    for (const o of p.offerings) ids.push(idOf(await call(token, 'POST', `/v1/providers/${providerId}/offerings`, o)));
    owners.push({ role: 'provider', sub: p.sub, name: p.body.name, token, ids });
  }
  for (const s of SMES) {
    const { token } = await opts.auth.issue('sme', s.sub);
    const smeId = idOf(await call(token, 'POST', '/v1/smes', s.body));
    const ids = [smeId];
    for (const [i, { inDays, ...need }] of s.needs.entries()) {
      const body: CreateNeedBody = { ...need, deadline: dateInDays(now, inDays) };
      // Fixed keys: a repeated seed request answers the same need instead of a second one.
      const created = await call(token, 'POST', `/v1/smes/${smeId}/needs`, body, { 'idempotency-key': `demo-${s.sub}-${i}` });
      ids.push(idOf(created));
    }
    owners.push({ role: 'sme', sub: s.sub, name: s.body.name, token, ids });
  }
  owners[0]!.ids.push(...(await seedVouchers(call, operator.token, owners, now)));
  const info: DemoInfo = { file, seeded: true, tokensExpireAt, owners };
  await writeDemoFile(info);
  return info;
}

/**
 * A voucher programme (服务券) for energy services in the west, with vouchers
 * issued to the demo SMEs in its provinces, and one need paid by a voucher,
 * taken through its whole life (`redeemDemoVoucher`): a newcomer finds a
 * redeemed voucher, its notifications and the provider's settlement line
 * (README, "A voucher's life"). Returns the programme's and vouchers' ids.
 */
async function seedVouchers(call: Call, operatorToken: string, owners: readonly DemoOwner[], now: Date): Promise<string[]> {
  const programme = idOf(
    await call(operatorToken, 'POST', '/v1/voucher-programmes', {
      name: '川渝黔中小企业节能服务券 Energy service vouchers for western SMEs',
      serviceTypes: ['energy-audit', 'energy-saving-diagnosis'],
      provinces: ['CN-SC', 'CN-CQ', 'CN-GZ'],
      budget: 60_000,
      faceValue: 20_000,
      validUntil: dateInDays(now, 365),
    }),
  );
  const ids = [programme];
  const western = owners.filter((o) => o.role === 'sme' && o.sub.startsWith('demo-sme-sc'));
  for (const o of western) {
    const smeId = o.ids[0]!;
    const voucherId = idOf(await call(operatorToken, 'POST', `/v1/voucher-programmes/${programme}/vouchers`, { smeId }));
    ids.push(voucherId);
    const need: CreateNeedBody = {
      serviceType: 'energy-audit',
      description: '用服务券支付的能源审计 Energy audit paid with our service voucher.',
      remoteOk: false,
      deadline: dateInDays(now, 60),
      voucherId,
    };
    const needId = idOf(await call(o.token, 'POST', `/v1/smes/${smeId}/needs`, need, { 'idempotency-key': `demo-${o.sub}-voucher` }));
    o.ids.push(needId);
    if (o === western[0]) {
      const provider = owners.find((x) => x.sub === VOUCHER_PROVIDER_SUB);
      if (!provider) throw new Error(`demo: the provider ${VOUCHER_PROVIDER_SUB} of the voucher need is missing`);
      await redeemDemoVoucher(call, operatorToken, { owner: o, smeId, needId, voucherId }, provider);
    }
  }
  return ids;
}

/** The demo provider whose energy audit the demo's redeemed voucher pays for. */
const VOUCHER_PROVIDER_SUB = 'demo-provider-sc-green-audit';
/** How long the demo waits for the bus (a market round, the voucher ledger): 300 polls, 100 ms apart. */
const POLLS = 300;
const POLL_MS = 100;

/** Asks `probe` until it answers, a bounded number of times; the demo fails loudly rather than wait for ever. */
async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < POLLS; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`demo: gave up waiting for ${what} after ${(POLLS * POLL_MS) / 1000} s`);
}

/**
 * One voucher-paid need through round → approve → accept by both → deliver
 * → confirm, as its people would do it through the API. The round runs on
 * the bus after the round delay, so the demo polls the need until it is
 * proposed; the redemption follows the completion event on the bus, so it
 * polls the voucher until the match is redeemed. Returns the match id.
 */
async function redeemDemoVoucher(
  call: Call,
  operatorToken: string,
  paid: { owner: DemoOwner; smeId: string; needId: string; voucherId: string },
  provider: DemoOwner,
): Promise<string> {
  const { owner, smeId, needId, voucherId } = paid;
  const matchId = await poll(`a proposal for need ${needId}`, async () => {
    const need = (await call(owner.token, 'GET', `/v1/needs/${needId}`)) as { currentMatch?: { id: string; status: string } | null };
    return need.currentMatch?.status === 'PROPOSED' ? need.currentMatch.id : undefined;
  });
  await call(operatorToken, 'POST', `/v1/matches/${matchId}/approve`);
  await call(owner.token, 'POST', `/v1/matches/${matchId}/accept`);
  await call(provider.token, 'POST', `/v1/matches/${matchId}/accept`);
  await call(provider.token, 'POST', `/v1/matches/${matchId}/deliver`, {});
  await call(owner.token, 'POST', `/v1/matches/${matchId}/confirm`, {});
  await poll(`voucher ${voucherId} to be redeemed`, async () => {
    const { items } = (await call(owner.token, 'GET', `/v1/smes/${smeId}/vouchers`)) as { items: Array<{ id: string; redeemed?: Record<string, unknown> }> };
    return items.find((v) => v.id === voucherId)?.redeemed?.[matchId] ? true : undefined;
  });
  return matchId;
}

/**
 * The demo's tier register (创新型 / 专精特新 / 小巨人 lists): three of the
 * demo SMEs are on it, so a newcomer sees a verified little giant. What the
 * other SMEs declare stays declared. Imported through POST /v1/registers/tiers
 * and waited for, like an operator watching the progress bar.
 */
const TIER_REGISTER = [
  'uscc,name,tier,batch,validUntil',
  `${makeUscc('CN-GD', 1001)},深圳微感电子 Shenzhen Microsense Electronics,LITTLE_GIANT,第五批专精特新"小巨人",2029-06-30`,
  `${makeUscc('CN-ZJ', 1002)},宁波精工机械 Ningbo Precision Machinery,SPECIALIZED,浙江省2024年度,2027-12-31`,
  `${makeUscc('CN-HB', 1004)},武汉光谷光电 Wuhan Optics Valley Photonics,INNOVATIVE,湖北省2025年第一批,2028-12-31`,
].join('\n');

async function importTierRegister(baseUrl: string, operatorToken: string, call: Call): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/registers/tiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'text/csv; charset=utf-8' },
    body: TIER_REGISTER,
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`demo: POST /v1/registers/tiers answered ${res.status}: ${text}`);
  const { importId } = JSON.parse(text) as { importId: string };
  for (let i = 0; i < 200; i++) {
    const imp = (await call(operatorToken, 'GET', `/v1/imports/${importId}`)) as { status: string; rejected: number };
    if (imp.status === 'DONE' && imp.rejected === 0) return importId;
    if (imp.status !== 'RUNNING') throw new Error(`demo: the tier register import ended ${JSON.stringify(imp)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('demo: the tier register import did not finish within 10 s');
}

async function readDemoFile(file: string): Promise<DemoInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as DemoInfo;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeDemoFile(info: DemoInfo): Promise<void> {
  // Tokens act as their owners: readable by this user only.
  await writeFileDurably(info.file, JSON.stringify(info, null, 2) + '\n', 0o600);
}
