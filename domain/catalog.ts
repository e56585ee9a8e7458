/**
 * The service catalog: the key projects (重点工程) of the 14th Five-Year Plan
 * for Promoting SME Development (《"十四五"促进中小企业发展规划》) whose work is
 * a service a provider delivers to an SME, and the service types each one
 * names. Domain data, versioned: bump CATALOG_VERSION when an id is added or
 * renamed (ids are stored on needs, offerings and matches, so an id is never
 * removed or moved to another project).
 *
 * The plan has nine key projects (解读: "9项重点工程"). Eight are here. The
 * ninth, 优质中小企业培育工程, is the tier programme itself (创新型 → 专精特新 →
 * 小巨人): government evaluates and lists firms, no provider sells it, so it
 * appears as the verified tier in the policy (policy.ts), not as a market.
 * Each entry cites the plan's words it comes from (/work/shared/plan is the
 * text we read: the plan's sections (五)–(九) and the official interpretation).
 */
export const CATALOG_VERSION = '2026-11-15';

/**
 * The five projects of the first catalog keep their place; the three added
 * from the interpretation's list follow in the plan's own order ((二), (三), (四)).
 */
export const PROJECT_IDS = ['RIGHTS', 'DIGITAL', 'GREEN', 'QUALITY_BRAND', 'INTERNATIONAL', 'INNOVATION', 'SERVICE_CAPACITY', 'FINANCING'] as const;
export type ProjectId = (typeof PROJECT_IDS)[number];

export const PROVIDER_KINDS = [
  'IP_PROTECTION_CENTRE',
  'RIGHTS_PROTECTION_CENTRE',
  'LEGAL_AID_ORGANISATION',
  'TRUSTED_DIGITAL_PROVIDER',
  'INDUSTRIAL_INTERNET_PLATFORM',
  'GREEN_AUDIT_FIRM',
  'GREEN_SERVICE_INSTITUTION',
  'INDUSTRIAL_DESIGN_CENTRE',
  'CERTIFICATION_BODY',
  'METROLOGY_INSTITUTE',
  'BRAND_SERVICE_AGENCY',
  'CROSS_BORDER_SUPPORT_CENTRE',
  // Added with catalog 2026-11-15.
  'FINANCIAL_INSTITUTION',
  'TRADEMARK_BRAND_STATION',
  'SHARING_PLATFORM',
  'PUBLIC_SERVICE_PLATFORM',
  'RESEARCH_INSTITUTION',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const PROVIDER_KIND_NAMES: Record<ProviderKind, { zh: string; en: string }> = {
  IP_PROTECTION_CENTRE: { zh: '知识产权保护中心', en: 'IP protection centre' },
  RIGHTS_PROTECTION_CENTRE: { zh: '快速维权中心', en: 'Rapid rights-protection centre' },
  LEGAL_AID_ORGANISATION: { zh: '法律援助机构', en: 'Legal aid organisation' },
  TRUSTED_DIGITAL_PROVIDER: { zh: '数字化可信服务商', en: 'Trusted digital service provider' },
  INDUSTRIAL_INTERNET_PLATFORM: { zh: '工业互联网平台', en: 'Industrial internet platform' },
  GREEN_AUDIT_FIRM: { zh: '绿色审计机构', en: 'Green-audit firm' },
  GREEN_SERVICE_INSTITUTION: { zh: '绿色服务机构', en: 'Green service institution' },
  INDUSTRIAL_DESIGN_CENTRE: { zh: '工业设计中心', en: 'Industrial design studio / centre' },
  CERTIFICATION_BODY: { zh: '认证机构', en: 'Certification body' },
  METROLOGY_INSTITUTE: { zh: '计量技术机构', en: 'Metrology institute' },
  BRAND_SERVICE_AGENCY: { zh: '品牌服务机构', en: 'Brand service agency' },
  CROSS_BORDER_SUPPORT_CENTRE: { zh: '企业跨境综合支援平台', en: 'Cross-border support centre' },
  // "深化'政企银'合作，继续开展金融机构跨境撮合业务"; "创新绿色金融产品和服务".
  FINANCIAL_INSTITUTION: { zh: '银行等金融机构', en: 'Bank / financial institution' },
  // "发挥商标品牌指导站、行业协会等作用".
  TRADEMARK_BRAND_STATION: { zh: '商标品牌指导站', en: 'Trademark and brand guidance station' },
  // "支持大型企业……基于工业互联网平台搭建资源和能力共享平台".
  SHARING_PLATFORM: { zh: '大企业资源和能力共享平台', en: 'Large-enterprise resource and capability sharing platform' },
  // "引导小型微型企业创业创新示范基地等建设中小企业数字化公共技术服务平台".
  PUBLIC_SERVICE_PLATFORM: { zh: '中小企业公共服务平台/创业创新示范基地', en: 'SME public service platform / entrepreneurship base' },
  // "鼓励中小企业联合高等院校、科研院所……开展绿色技术攻关".
  RESEARCH_INSTITUTION: { zh: '高等院校/科研院所', en: 'University / research institute' },
};

/**
 * How one unit of an offering's monthly capacity is used. ONE_TO_ONE: one
 * engagement with one SME. ONE_TO_MANY: a seat in a session many SMEs attend
 * (the plan's "线上公益培训"); `capacityPerMonth` then counts seats across the
 * month's sessions, and each match claims one seat, so the ledger, the
 * solver and the claim are the same as for one-to-one services.
 */
export const SERVICE_MODES = ['ONE_TO_ONE', 'ONE_TO_MANY'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

export interface ServiceTypeEntry {
  id: string;
  project: ProjectId;
  zh: string;
  en: string;
  providerKinds: readonly ProviderKind[];
  /** @default 'ONE_TO_ONE' */
  mode?: ServiceMode;
}

export interface ProjectEntry {
  id: ProjectId;
  zh: string;
  en: string;
}

export const PROJECTS: readonly ProjectEntry[] = [
  { id: 'RIGHTS', zh: '合法权益维护', en: 'Protection of lawful rights and interests' },
  { id: 'DIGITAL', zh: '数字化促进', en: 'Digitalisation promotion' },
  { id: 'GREEN', zh: '绿色发展促进', en: 'Green development promotion' },
  { id: 'QUALITY_BRAND', zh: '质量品牌提升', en: 'Quality and brand improvement' },
  { id: 'INTERNATIONAL', zh: '国际化促进', en: 'Internationalisation promotion' },
  // 解读: "中小企业创新能力与专业化水平提升工程"; "推动完善中小企业创新服务体系".
  { id: 'INNOVATION', zh: '创新能力与专业化水平提升', en: 'Innovation capability and specialisation' },
  // 解读: "中小企业服务机构能力提升工程……从企业外部入手"; goal "服务供给能力全面提升".
  { id: 'SERVICE_CAPACITY', zh: '服务机构能力提升', en: 'Service institution capacity' },
  // 解读: "中小企业融资促进工程"; focus "缓解中小企业融资难、融资贵"; task "提高融资可得性".
  { id: 'FINANCING', zh: '融资促进', en: 'Financing promotion' },
];

const RIGHTS_KINDS = ['IP_PROTECTION_CENTRE', 'RIGHTS_PROTECTION_CENTRE', 'LEGAL_AID_ORGANISATION'] as const;
const DIGITAL_KINDS = ['TRUSTED_DIGITAL_PROVIDER', 'INDUSTRIAL_INTERNET_PLATFORM'] as const;
const GREEN_KINDS = ['GREEN_AUDIT_FIRM', 'GREEN_SERVICE_INSTITUTION'] as const;
const INTL_KINDS = ['CROSS_BORDER_SUPPORT_CENTRE'] as const;
const BRAND_KINDS = ['BRAND_SERVICE_AGENCY', 'TRADEMARK_BRAND_STATION'] as const;
const DESIGN_KINDS = ['INDUSTRIAL_DESIGN_CENTRE'] as const;

export const SERVICE_TYPES = [
  // RIGHTS 合法权益维护
  { id: 'ip-fast-examination', project: 'RIGHTS', zh: '快速审查', en: 'IP fast examination', providerKinds: ['IP_PROTECTION_CENTRE'] },
  { id: 'ip-fast-confirmation', project: 'RIGHTS', zh: '快速确权', en: 'IP fast confirmation', providerKinds: ['IP_PROTECTION_CENTRE', 'RIGHTS_PROTECTION_CENTRE'] },
  { id: 'ip-fast-enforcement', project: 'RIGHTS', zh: '快速维权', en: 'IP fast enforcement', providerKinds: ['IP_PROTECTION_CENTRE', 'RIGHTS_PROTECTION_CENTRE'] },
  { id: 'trade-secret-protection', project: 'RIGHTS', zh: '商业秘密保护', en: 'Trade secret protection', providerKinds: RIGHTS_KINDS },
  { id: 'ip-infringement-monitoring', project: 'RIGHTS', zh: '侵权监测', en: 'IP infringement monitoring', providerKinds: ['IP_PROTECTION_CENTRE', 'RIGHTS_PROTECTION_CENTRE'] },
  { id: 'legal-aid', project: 'RIGHTS', zh: '公益性法律援助', en: 'Public-welfare legal aid', providerKinds: ['LEGAL_AID_ORGANISATION'] },
  { id: 'payment-arrears-complaint', project: 'RIGHTS', zh: '拖欠款项投诉', en: 'Payment arrears complaint', providerKinds: ['LEGAL_AID_ORGANISATION', 'RIGHTS_PROTECTION_CENTRE'] },
  { id: 'fee-complaint', project: 'RIGHTS', zh: '涉企收费投诉', en: 'Enterprise fee complaint', providerKinds: ['LEGAL_AID_ORGANISATION', 'RIGHTS_PROTECTION_CENTRE'] },
  { id: 'emergency-assistance', project: 'RIGHTS', zh: '应急救援救助', en: 'Emergency assistance', providerKinds: RIGHTS_KINDS },
  // "通过线上公益培训帮助中小企业提高维权意识和能力": one session, many firms.
  { id: 'rights-online-training', project: 'RIGHTS', zh: '线上公益培训（维权意识和能力）', en: 'Online public-welfare training on rights protection', providerKinds: RIGHTS_KINDS, mode: 'ONE_TO_MANY' },
  // DIGITAL 数字化促进
  { id: 'cloud-migration', project: 'DIGITAL', zh: '上云', en: 'Cloud migration', providerKinds: DIGITAL_KINDS },
  { id: 'scenario-digital-solution', project: 'DIGITAL', zh: '场景数字化解决方案', en: 'Scenario digital solution', providerKinds: DIGITAL_KINDS },
  { id: 'smart-manufacturing', project: 'DIGITAL', zh: '智能制造改造', en: 'Smart manufacturing upgrade', providerKinds: DIGITAL_KINDS },
  { id: 'digital-transformation-consulting', project: 'DIGITAL', zh: '数字化转型服务', en: 'Digital transformation consulting', providerKinds: DIGITAL_KINDS },
  // "基于工业互联网平台搭建资源和能力共享平台……在重点领域实现设备共享、产能对接、生产协同".
  { id: 'equipment-sharing', project: 'DIGITAL', zh: '设备共享', en: 'Equipment sharing', providerKinds: ['SHARING_PLATFORM', 'INDUSTRIAL_INTERNET_PLATFORM'] },
  { id: 'capacity-matchmaking', project: 'DIGITAL', zh: '产能对接', en: 'Production capacity matchmaking', providerKinds: ['SHARING_PLATFORM', 'INDUSTRIAL_INTERNET_PLATFORM'] },
  // GREEN 绿色发展促进
  { id: 'energy-audit', project: 'GREEN', zh: '能源审计', en: 'Energy audit', providerKinds: GREEN_KINDS },
  { id: 'energy-efficiency-assessment', project: 'GREEN', zh: '能效评估', en: 'Energy efficiency assessment', providerKinds: GREEN_KINDS },
  { id: 'energy-monitoring', project: 'GREEN', zh: '能源监测', en: 'Energy monitoring', providerKinds: GREEN_KINDS },
  { id: 'energy-saving-diagnosis', project: 'GREEN', zh: '节能诊断', en: 'Energy-saving diagnosis', providerKinds: GREEN_KINDS },
  // "为基础薄弱的中小企业开展节能诊断及改造提供服务": the retrofit that follows the diagnosis.
  { id: 'energy-saving-retrofit', project: 'GREEN', zh: '节能改造', en: 'Energy-saving retrofit (after diagnosis)', providerKinds: GREEN_KINDS },
  { id: 'green-tech-consulting', project: 'GREEN', zh: '技术咨询', en: 'Green technology consulting', providerKinds: GREEN_KINDS },
  { id: 'carbon-neutral-registration', project: 'GREEN', zh: '碳中和登记公示', en: 'Carbon-neutral registration and disclosure', providerKinds: GREEN_KINDS },
  { id: 'resource-metering', project: 'GREEN', zh: '能源资源计量服务', en: 'Energy and resource metering', providerKinds: [...GREEN_KINDS, 'METROLOGY_INSTITUTE'] },
  { id: 'cleaner-production-audit', project: 'GREEN', zh: '清洁生产审核', en: 'Cleaner production audit', providerKinds: GREEN_KINDS },
  { id: 'green-manufacturing-solution', project: 'GREEN', zh: '绿色制造系统解决方案', en: 'Green manufacturing system solution', providerKinds: GREEN_KINDS },
  // "大力推行绿色设计，引导中小企业使用绿色包装。大力推广绿色标识。"
  { id: 'green-design', project: 'GREEN', zh: '绿色设计', en: 'Green design', providerKinds: ['INDUSTRIAL_DESIGN_CENTRE', 'GREEN_SERVICE_INSTITUTION'] },
  { id: 'green-packaging', project: 'GREEN', zh: '绿色包装', en: 'Green packaging', providerKinds: ['GREEN_SERVICE_INSTITUTION', 'INDUSTRIAL_DESIGN_CENTRE'] },
  { id: 'green-label', project: 'GREEN', zh: '绿色标识', en: 'Green labelling', providerKinds: ['CERTIFICATION_BODY', 'GREEN_SERVICE_INSTITUTION'] },
  // "创新绿色金融产品和服务"; the green platforms offer "绿色金融".
  { id: 'green-finance', project: 'GREEN', zh: '绿色金融', en: 'Green finance', providerKinds: ['FINANCIAL_INSTITUTION', 'GREEN_SERVICE_INSTITUTION'] },
  // QUALITY_BRAND 质量品牌提升
  { id: 'iso9001-certification', project: 'QUALITY_BRAND', zh: '质量管理体系认证', en: 'ISO 9001 quality management certification', providerKinds: ['CERTIFICATION_BODY'] },
  { id: 'quality-diagnosis', project: 'QUALITY_BRAND', zh: '质量管理诊断', en: 'Quality management diagnosis', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'] },
  // "开展质量管理培训、诊断服务": training is one session for many firms.
  { id: 'quality-management-training', project: 'QUALITY_BRAND', zh: '质量管理培训', en: 'Quality management training', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'], mode: 'ONE_TO_MANY' },
  { id: 'metrology', project: 'QUALITY_BRAND', zh: '计量/测量管理体系', en: 'Metrology and measurement management', providerKinds: ['METROLOGY_INSTITUTE'] },
  { id: 'standardization', project: 'QUALITY_BRAND', zh: '标准化', en: 'Standardisation', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'] },
  { id: 'testing-inspection', project: 'QUALITY_BRAND', zh: '检验检测', en: 'Testing and inspection', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'] },
  // "发挥商标品牌指导站、行业协会等作用，为中小企业提供品牌创建与培育、咨询评估、品牌保护等服务".
  { id: 'brand-building', project: 'QUALITY_BRAND', zh: '品牌创建与培育', en: 'Brand creation and cultivation', providerKinds: BRAND_KINDS },
  { id: 'brand-consulting-evaluation', project: 'QUALITY_BRAND', zh: '品牌咨询评估', en: 'Brand consulting and evaluation', providerKinds: BRAND_KINDS },
  { id: 'brand-protection', project: 'QUALITY_BRAND', zh: '品牌保护', en: 'Brand protection', providerKinds: [...BRAND_KINDS, 'IP_PROTECTION_CENTRE'] },
  // "通过完善标准、注册集体商标和证明商标、加强地理标志保护等方式提升……区域品牌影响力".
  { id: 'collective-certification-trademark', project: 'QUALITY_BRAND', zh: '集体商标和证明商标注册', en: 'Collective and certification trademark registration', providerKinds: [...BRAND_KINDS, 'IP_PROTECTION_CENTRE'] },
  { id: 'geographical-indication', project: 'QUALITY_BRAND', zh: '地理标志保护', en: 'Geographical indication protection', providerKinds: [...BRAND_KINDS, 'IP_PROTECTION_CENTRE'] },
  {
    id: 'industrial-design',
    project: 'QUALITY_BRAND',
    zh: '工业设计（产品、功能、材料工艺、结构、品牌与服务设计）',
    en: 'Industrial design (product, functional, materials and process, structural, brand and service design)',
    providerKinds: DESIGN_KINDS,
  },
  // "由外观造型设计向功能化设计发展，工业设计创新范围由产品设计向新材料新工艺设计、
  // 创新结构设计、品牌设计、服务设计拓展": each its own market, so a studio that
  // does service design is not matched to a need for structural design.
  { id: 'industrial-design-functional', project: 'QUALITY_BRAND', zh: '功能化设计', en: 'Functional design', providerKinds: DESIGN_KINDS },
  { id: 'industrial-design-materials-process', project: 'QUALITY_BRAND', zh: '新材料新工艺设计', en: 'New materials and process design', providerKinds: DESIGN_KINDS },
  { id: 'industrial-design-structure', project: 'QUALITY_BRAND', zh: '创新结构设计', en: 'Innovative structural design', providerKinds: DESIGN_KINDS },
  { id: 'industrial-design-brand', project: 'QUALITY_BRAND', zh: '品牌设计', en: 'Brand design', providerKinds: [...DESIGN_KINDS, 'BRAND_SERVICE_AGENCY'] },
  { id: 'industrial-design-service', project: 'QUALITY_BRAND', zh: '服务设计', en: 'Service design', providerKinds: DESIGN_KINDS },
  // INTERNATIONAL 国际化促进
  { id: 'cross-border-consultation', project: 'INTERNATIONAL', zh: '跨境磋商', en: 'Cross-border consultation', providerKinds: INTL_KINDS },
  { id: 'legal-policy-consulting', project: 'INTERNATIONAL', zh: '法律政策咨询', en: 'Legal and policy consulting', providerKinds: INTL_KINDS },
  { id: 'business-visit', project: 'INTERNATIONAL', zh: '商务考察', en: 'Business visit', providerKinds: INTL_KINDS },
  { id: 'trade-dispute-response', project: 'INTERNATIONAL', zh: '案件应对/贸易摩擦', en: 'Trade dispute response', providerKinds: INTL_KINDS },
  { id: 'risk-early-warning', project: 'INTERNATIONAL', zh: '风险预警', en: 'Risk early warning', providerKinds: INTL_KINDS },
  // "深化'政企银'合作，继续开展金融机构跨境撮合业务": business matchmaking across
  // borders that banks run for their clients, not a financing product. The id
  // keeps its first name because needs and offerings in the field carry it.
  { id: 'cross-border-financing-matchmaking', project: 'INTERNATIONAL', zh: '跨境撮合（金融机构）', en: 'Cross-border business matchmaking by financial institutions', providerKinds: ['FINANCIAL_INSTITUTION'] },
  // INNOVATION 创新能力与专业化水平提升
  // "鼓励中小企业联合高等院校、科研院所、产业园区等，形成……创新联合体，开展……技术攻关".
  { id: 'joint-technology-research', project: 'INNOVATION', zh: '产学研联合技术攻关', en: 'Joint technology research with universities and institutes', providerKinds: ['RESEARCH_INSTITUTION'] },
  // SERVICE_CAPACITY 服务机构能力提升
  // "小型微型企业创业创新示范基地" as the platforms that serve firms directly.
  { id: 'entrepreneurship-support', project: 'SERVICE_CAPACITY', zh: '创业创新辅导', en: 'Entrepreneurship and innovation coaching', providerKinds: ['PUBLIC_SERVICE_PLATFORM'] },
  // Goal "经营管理水平明显提高": management training, one session for many firms.
  { id: 'management-training', project: 'SERVICE_CAPACITY', zh: '经营管理培训', en: 'Business management training', providerKinds: ['PUBLIC_SERVICE_PLATFORM'], mode: 'ONE_TO_MANY' },
  // FINANCING 融资促进
  // "缓解中小企业融资难、融资贵"; "提高融资可得性": bank-enterprise matchmaking.
  { id: 'financing-matchmaking', project: 'FINANCING', zh: '银企融资对接', en: 'Bank-enterprise financing matchmaking', providerKinds: ['FINANCIAL_INSTITUTION', 'PUBLIC_SERVICE_PLATFORM'] },
] as const satisfies readonly ServiceTypeEntry[];

export type ServiceTypeId = (typeof SERVICE_TYPES)[number]['id'];
export const SERVICE_TYPE_IDS = SERVICE_TYPES.map((s) => s.id) as [ServiceTypeId, ...ServiceTypeId[]];

const byId = new Map<string, ServiceTypeEntry>(SERVICE_TYPES.map((s) => [s.id, s]));

export function serviceTypeEntry(id: string): ServiceTypeEntry | undefined {
  return byId.get(id);
}

export function projectOf(serviceType: ServiceTypeId): ProjectId {
  // Every ServiceTypeId is in the map by construction.
  return byId.get(serviceType)!.project;
}

/** ONE_TO_MANY for the session-based services (trainings); ONE_TO_ONE otherwise. */
export function serviceModeOf(serviceType: ServiceTypeId): ServiceMode {
  return byId.get(serviceType)!.mode ?? 'ONE_TO_ONE';
}

/** The public view served at GET /v1/catalog. */
export function catalogView() {
  return {
    version: CATALOG_VERSION,
    projects: PROJECTS.map((p) => ({
      ...p,
      serviceTypes: SERVICE_TYPES.filter((s) => s.project === p.id).map((s) => ({
        id: s.id,
        zh: s.zh,
        en: s.en,
        providerKinds: [...s.providerKinds],
        mode: serviceModeOf(s.id),
      })),
    })),
    providerKinds: PROVIDER_KINDS.map((k) => ({ id: k, ...PROVIDER_KIND_NAMES[k] })),
  };
}
