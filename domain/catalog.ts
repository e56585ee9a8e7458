/**
 * The service catalog: the five key projects of the 14th Five-Year Plan for
 * Promoting SME Development (《"十四五"促进中小企业发展规划》) and the service
 * types each one names. Domain data, versioned: bump CATALOG_VERSION when an
 * id is added or renamed (ids are stored on needs, offerings and matches, so
 * an id is never removed).
 */
export const CATALOG_VERSION = '2026-11-01';

export const PROJECT_IDS = ['RIGHTS', 'DIGITAL', 'GREEN', 'QUALITY_BRAND', 'INTERNATIONAL'] as const;
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
};

export interface ServiceTypeEntry {
  id: string;
  project: ProjectId;
  zh: string;
  en: string;
  providerKinds: readonly ProviderKind[];
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
];

const RIGHTS_KINDS = ['IP_PROTECTION_CENTRE', 'RIGHTS_PROTECTION_CENTRE', 'LEGAL_AID_ORGANISATION'] as const;
const DIGITAL_KINDS = ['TRUSTED_DIGITAL_PROVIDER', 'INDUSTRIAL_INTERNET_PLATFORM'] as const;
const GREEN_KINDS = ['GREEN_AUDIT_FIRM', 'GREEN_SERVICE_INSTITUTION'] as const;
const INTL_KINDS = ['CROSS_BORDER_SUPPORT_CENTRE'] as const;

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
  // DIGITAL 数字化促进
  { id: 'cloud-migration', project: 'DIGITAL', zh: '上云', en: 'Cloud migration', providerKinds: DIGITAL_KINDS },
  { id: 'scenario-digital-solution', project: 'DIGITAL', zh: '场景数字化解决方案', en: 'Scenario digital solution', providerKinds: DIGITAL_KINDS },
  { id: 'smart-manufacturing', project: 'DIGITAL', zh: '智能制造改造', en: 'Smart manufacturing upgrade', providerKinds: DIGITAL_KINDS },
  { id: 'digital-transformation-consulting', project: 'DIGITAL', zh: '数字化转型服务', en: 'Digital transformation consulting', providerKinds: DIGITAL_KINDS },
  // GREEN 绿色发展促进
  { id: 'energy-audit', project: 'GREEN', zh: '能源审计', en: 'Energy audit', providerKinds: GREEN_KINDS },
  { id: 'energy-efficiency-assessment', project: 'GREEN', zh: '能效评估', en: 'Energy efficiency assessment', providerKinds: GREEN_KINDS },
  { id: 'energy-monitoring', project: 'GREEN', zh: '能源监测', en: 'Energy monitoring', providerKinds: GREEN_KINDS },
  { id: 'energy-saving-diagnosis', project: 'GREEN', zh: '节能诊断', en: 'Energy-saving diagnosis', providerKinds: GREEN_KINDS },
  { id: 'green-tech-consulting', project: 'GREEN', zh: '技术咨询', en: 'Green technology consulting', providerKinds: GREEN_KINDS },
  { id: 'carbon-neutral-registration', project: 'GREEN', zh: '碳中和登记公示', en: 'Carbon-neutral registration and disclosure', providerKinds: GREEN_KINDS },
  { id: 'resource-metering', project: 'GREEN', zh: '能源资源计量服务', en: 'Energy and resource metering', providerKinds: [...GREEN_KINDS, 'METROLOGY_INSTITUTE'] },
  { id: 'cleaner-production-audit', project: 'GREEN', zh: '清洁生产审核', en: 'Cleaner production audit', providerKinds: GREEN_KINDS },
  { id: 'green-manufacturing-solution', project: 'GREEN', zh: '绿色制造系统解决方案', en: 'Green manufacturing system solution', providerKinds: GREEN_KINDS },
  // QUALITY_BRAND 质量品牌提升
  { id: 'iso9001-certification', project: 'QUALITY_BRAND', zh: '质量管理体系认证', en: 'ISO 9001 quality management certification', providerKinds: ['CERTIFICATION_BODY'] },
  { id: 'quality-diagnosis', project: 'QUALITY_BRAND', zh: '质量管理诊断', en: 'Quality management diagnosis', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'] },
  { id: 'metrology', project: 'QUALITY_BRAND', zh: '计量/测量管理体系', en: 'Metrology and measurement management', providerKinds: ['METROLOGY_INSTITUTE'] },
  { id: 'standardization', project: 'QUALITY_BRAND', zh: '标准化', en: 'Standardisation', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'] },
  { id: 'testing-inspection', project: 'QUALITY_BRAND', zh: '检验检测', en: 'Testing and inspection', providerKinds: ['CERTIFICATION_BODY', 'METROLOGY_INSTITUTE'] },
  { id: 'brand-building', project: 'QUALITY_BRAND', zh: '品牌创建与培育', en: 'Brand creation and cultivation', providerKinds: ['BRAND_SERVICE_AGENCY'] },
  {
    id: 'industrial-design',
    project: 'QUALITY_BRAND',
    zh: '工业设计（产品、功能、材料工艺、结构、品牌与服务设计）',
    en: 'Industrial design (product, functional, materials and process, structural, brand and service design)',
    providerKinds: ['INDUSTRIAL_DESIGN_CENTRE'],
  },
  // INTERNATIONAL 国际化促进
  { id: 'cross-border-consultation', project: 'INTERNATIONAL', zh: '跨境磋商', en: 'Cross-border consultation', providerKinds: INTL_KINDS },
  { id: 'legal-policy-consulting', project: 'INTERNATIONAL', zh: '法律政策咨询', en: 'Legal and policy consulting', providerKinds: INTL_KINDS },
  { id: 'business-visit', project: 'INTERNATIONAL', zh: '商务考察', en: 'Business visit', providerKinds: INTL_KINDS },
  { id: 'trade-dispute-response', project: 'INTERNATIONAL', zh: '案件应对/贸易摩擦', en: 'Trade dispute response', providerKinds: INTL_KINDS },
  { id: 'risk-early-warning', project: 'INTERNATIONAL', zh: '风险预警', en: 'Risk early warning', providerKinds: INTL_KINDS },
  { id: 'cross-border-financing-matchmaking', project: 'INTERNATIONAL', zh: '跨境撮合', en: 'Cross-border financing matchmaking', providerKinds: INTL_KINDS },
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
      })),
    })),
    providerKinds: PROVIDER_KINDS.map((k) => ({ id: k, ...PROVIDER_KIND_NAMES[k] })),
  };
}
