import { describe, expect, it } from 'vitest';
import {
  PROJECTS,
  PROJECT_IDS,
  PROVIDER_KINDS,
  PROVIDER_KIND_NAMES,
  SERVICE_TYPES,
  SERVICE_TYPE_IDS,
  CATALOG_VERSION,
  SERVICE_MODES,
  catalogView,
  projectOf,
  serviceModeOf,
  serviceTypeEntry,
  type ServiceTypeId,
} from '#domain/catalog.ts';

/**
 * The first catalog (2026-11-01, design.md's table), written out again
 * independently of catalog.ts: needs, offerings and matches in the field
 * carry these ids, so each must stay, under the same project.
 */
const FIRST_CATALOG: Record<string, string[]> = {
  RIGHTS: [
    'ip-fast-examination',
    'ip-fast-confirmation',
    'ip-fast-enforcement',
    'trade-secret-protection',
    'ip-infringement-monitoring',
    'legal-aid',
    'payment-arrears-complaint',
    'fee-complaint',
    'emergency-assistance',
  ],
  DIGITAL: ['cloud-migration', 'scenario-digital-solution', 'smart-manufacturing', 'digital-transformation-consulting'],
  GREEN: [
    'energy-audit',
    'energy-efficiency-assessment',
    'energy-monitoring',
    'energy-saving-diagnosis',
    'green-tech-consulting',
    'carbon-neutral-registration',
    'resource-metering',
    'cleaner-production-audit',
    'green-manufacturing-solution',
  ],
  QUALITY_BRAND: [
    'iso9001-certification',
    'quality-diagnosis',
    'metrology',
    'standardization',
    'testing-inspection',
    'brand-building',
    'industrial-design',
  ],
  INTERNATIONAL: [
    'cross-border-consultation',
    'legal-policy-consulting',
    'business-visit',
    'trade-dispute-response',
    'risk-early-warning',
    'cross-border-financing-matchmaking',
  ],
};

/**
 * What the plan's text names beyond the first catalog (issue 11, item 8), each
 * with the words it comes from: written out independently of catalog.ts so a
 * type dropped or moved fails here.
 */
const ADDED_FROM_PLAN: Record<string, string[]> = {
  RIGHTS: ['rights-online-training'], // 通过线上公益培训帮助中小企业提高维权意识和能力
  DIGITAL: ['equipment-sharing', 'capacity-matchmaking'], // 设备共享、产能对接
  GREEN: [
    'energy-saving-retrofit', // 节能诊断及改造
    'green-design', // 大力推行绿色设计
    'green-packaging', // 引导中小企业使用绿色包装
    'green-label', // 大力推广绿色标识
    'green-finance', // 创新绿色金融产品和服务
  ],
  QUALITY_BRAND: [
    'quality-management-training', // 开展质量管理培训、诊断服务
    'brand-consulting-evaluation', // 商标品牌指导站……咨询评估
    'brand-protection', // ……品牌保护等服务
    'collective-certification-trademark', // 注册集体商标和证明商标
    'geographical-indication', // 加强地理标志保护
    'industrial-design-functional', // 向功能化设计发展
    'industrial-design-materials-process', // 新材料新工艺设计
    'industrial-design-structure', // 创新结构设计
    'industrial-design-brand', // 品牌设计
    'industrial-design-service', // 服务设计
  ],
  INTERNATIONAL: [],
  INNOVATION: ['joint-technology-research'], // 联合高等院校、科研院所……开展技术攻关
  SERVICE_CAPACITY: ['entrepreneurship-support', 'management-training'], // 中小企业服务机构能力提升工程
  FINANCING: ['financing-matchmaking'], // 中小企业融资促进工程: 缓解中小企业融资难、融资贵
};
const DESIGN_TABLE: Record<string, string[]> = Object.fromEntries(
  Object.keys(ADDED_FROM_PLAN).map((p) => [p, [...(FIRST_CATALOG[p] ?? []), ...ADDED_FROM_PLAN[p]!]]),
);
const DESIGN_ROWS = Object.entries(DESIGN_TABLE).flatMap(([project, ids]) => ids.map((id) => [id, project] as const));

const HAS_HAN = /\p{Script=Han}/u;
const HAS_LATIN = /[A-Za-z]/;

describe('service catalog', () => {
  it.each(DESIGN_ROWS)('has %s under %s, named in Chinese and English, with a provider kind', (id, project) => {
    const entry = serviceTypeEntry(id);
    expect(entry, id).toBeDefined();
    expect(entry!.project).toBe(project);
    expect(entry!.zh).toMatch(HAS_HAN);
    expect(entry!.en.trim()).toMatch(HAS_LATIN);
    expect(entry!.providerKinds.length).toBeGreaterThan(0);
    for (const k of entry!.providerKinds) expect(PROVIDER_KINDS).toContain(k);
  });

  it.each(Object.entries(FIRST_CATALOG).flatMap(([project, ids]) => ids.map((id) => [id, project] as const)))(
    'keeps the first catalog\'s id %s under %s (data in the field carries it)',
    (id, project) => {
      expect(serviceTypeEntry(id)?.project).toBe(project);
    },
  );

  it('has no service type the design does not name', () => {
    expect([...SERVICE_TYPE_IDS].sort()).toEqual(DESIGN_ROWS.map(([id]) => id).sort());
  });

  it('has unique service type ids', () => {
    expect(new Set(SERVICE_TYPE_IDS).size).toBe(SERVICE_TYPES.length);
  });

  it('has the eight key projects whose work a provider delivers, each named and each with service types', () => {
    expect([...PROJECT_IDS].sort()).toEqual(Object.keys(DESIGN_TABLE).sort());
    // The first five keep their order: clients list projects as served.
    expect(PROJECT_IDS.slice(0, 5)).toEqual(['RIGHTS', 'DIGITAL', 'GREEN', 'QUALITY_BRAND', 'INTERNATIONAL']);
    expect(PROJECTS.map((p) => p.id).sort()).toEqual([...PROJECT_IDS].sort());
    for (const p of PROJECTS) {
      expect(p.zh, p.id).toMatch(HAS_HAN);
      expect(p.en, p.id).toMatch(HAS_LATIN);
      expect(SERVICE_TYPES.filter((s) => s.project === p.id).length, p.id).toBeGreaterThan(0);
    }
  });

  it('names every provider kind in Chinese and English, and every kind serves some service type', () => {
    expect(new Set(PROVIDER_KINDS).size).toBe(PROVIDER_KINDS.length);
    const used = new Set(SERVICE_TYPES.flatMap((s) => [...s.providerKinds]));
    for (const k of PROVIDER_KINDS) {
      expect(PROVIDER_KIND_NAMES[k].zh, k).toMatch(HAS_HAN);
      expect(PROVIDER_KIND_NAMES[k].en, k).toMatch(HAS_LATIN);
      expect(used.has(k), k).toBe(true);
    }
  });

  it('answers projectOf for every id and undefined for an unknown id', () => {
    for (const [id, project] of DESIGN_ROWS) expect(projectOf(id as ServiceTypeId)).toBe(project);
    expect(serviceTypeEntry('no-such-service')).toBeUndefined();
  });

  it('serves a view listing every service type once, under its project, with its mode', () => {
    const view = catalogView();
    const listed = view.projects.flatMap((p) => p.serviceTypes.map((s) => [s.id, p.id] as const));
    expect([...listed].sort()).toEqual([...DESIGN_ROWS].sort());
    expect(view.providerKinds.map((k) => k.id)).toEqual([...PROVIDER_KINDS]);
    expect(view.version).toBe(CATALOG_VERSION);
    for (const s of view.projects.flatMap((p) => p.serviceTypes)) expect(SERVICE_MODES).toContain(s.mode);
  });

  it('marks the trainings one-to-many (one session, many SMEs) and every other service one-to-one', () => {
    const oneToMany = SERVICE_TYPE_IDS.filter((id) => serviceModeOf(id) === 'ONE_TO_MANY');
    expect([...oneToMany].sort()).toEqual(['management-training', 'quality-management-training', 'rights-online-training']);
    expect(serviceModeOf('legal-aid')).toBe('ONE_TO_ONE');
  });

  it('files 跨境撮合 as business matchmaking run by financial institutions, as the plan has it', () => {
    const entry = serviceTypeEntry('cross-border-financing-matchmaking')!;
    expect(entry.project).toBe('INTERNATIONAL');
    expect(entry.zh).toContain('跨境撮合');
    expect(entry.en).toMatch(/business matchmaking/i);
    expect(entry.providerKinds).toEqual(['FINANCIAL_INSTITUTION']);
    expect(PROVIDER_KIND_NAMES.FINANCIAL_INSTITUTION.zh).toContain('金融机构');
  });

  it('lets the 商标品牌指导站 serve the brand services the plan gives it', () => {
    for (const id of ['brand-building', 'brand-consulting-evaluation', 'brand-protection']) {
      expect(serviceTypeEntry(id)!.providerKinds, id).toContain('TRADEMARK_BRAND_STATION');
    }
  });

  it('has a newer version than the first catalog', () => {
    expect(CATALOG_VERSION > '2026-11-01').toBe(true);
  });
});
