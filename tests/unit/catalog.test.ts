import { describe, expect, it } from 'vitest';
import {
  PROJECTS,
  PROJECT_IDS,
  PROVIDER_KINDS,
  PROVIDER_KIND_NAMES,
  SERVICE_TYPES,
  SERVICE_TYPE_IDS,
  catalogView,
  projectOf,
  serviceTypeEntry,
  type ServiceTypeId,
} from '#domain/catalog.ts';

/**
 * Written out again from design.md's catalog table, independently of
 * catalog.ts, so that a service type dropped or moved in the catalog fails here.
 */
const DESIGN_TABLE: Record<string, string[]> = {
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

  it('has no service type the design does not name', () => {
    expect([...SERVICE_TYPE_IDS].sort()).toEqual(DESIGN_ROWS.map(([id]) => id).sort());
  });

  it('has unique service type ids', () => {
    expect(new Set(SERVICE_TYPE_IDS).size).toBe(SERVICE_TYPES.length);
  });

  it('has the five projects of the plan, each named and each with service types', () => {
    expect([...PROJECT_IDS].sort()).toEqual(Object.keys(DESIGN_TABLE).sort());
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

  it('serves a view listing every service type once, under its project', () => {
    const view = catalogView();
    const listed = view.projects.flatMap((p) => p.serviceTypes.map((s) => [s.id, p.id] as const));
    expect([...listed].sort()).toEqual([...DESIGN_ROWS].sort());
    expect(view.providerKinds.map((k) => k.id)).toEqual([...PROVIDER_KINDS]);
  });
});
