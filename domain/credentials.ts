/**
 * A provider's standing (api.md "Verified facts: providers", "Operator
 * holds"): its onboarding status, an operator's suspension, and its typed,
 * dated certifications. Pure: the use cases, the matcher and the daily lapse
 * job all ask these functions, so "approved", "valid" and "designated" mean
 * one thing everywhere.
 *
 * Decisions recorded here:
 * - A provider stored before onboarding existed has no `status`: it counts as
 *   APPROVED (legacy), since operators had no way to approve it and it was
 *   already being matched.
 * - A certification is valid through its `validUntil` day (UTC), like a
 *   register entry; an expired one counts for nothing: not for reputation,
 *   not as a designation.
 * - "National" industrial design centre: the plan designates 国家级工业设计中心
 *   (recognised by MIIT). A centre is national when it claims it, i.e. lists a
 *   `MIIT_DESIGN_CENTRE` certification; that claim then needs to be valid to be
 *   approved. A provincial or private studio lists none and needs no designation.
 * - A designated provider whose designation expires is not un-approved (its
 *   history as APPROVED stays true): its offerings leave matching at once
 *   (`designationLapsed`, computed), and the daily lapse job records
 *   `designationLapsedAt` so operators can list and act on it.
 */
import * as z from 'zod/mini';
import type { ProviderKind } from './catalog.ts';
import { Conflict } from './errors.ts';

export const CERTIFICATION_TYPES = [
  /** 检验检测机构资质认定 (China Metrology Accreditation). */
  'CMA',
  /** 中国合格评定国家认可委员会 accreditation. */
  'CNAS',
  /** 认证机构批准书 (CNCA approval of a certification body). */
  'ISO_CERTIFICATION_BODY',
  /** CNIPA's designation of an IP protection or rapid rights-protection centre. */
  'CNIPA_DESIGNATION',
  /** MIIT's recognition as a national industrial design centre (国家级工业设计中心). */
  'MIIT_DESIGN_CENTRE',
  /** Any other licence or accreditation worth showing (counts toward reputation while valid). */
  'OTHER',
] as const;
export type CertificationType = (typeof CERTIFICATION_TYPES)[number];

const NO_CONTROL = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
const text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(NO_CONTROL, 'must not contain control characters'));

export const Certification = z.strictObject({
  type: z.enum(CERTIFICATION_TYPES),
  /** The certificate or designation number as printed on it. */
  number: text(100),
  issuer: z.optional(text(200)),
  /** Last day it is valid, YYYY-MM-DD. */
  validUntil: z.iso.date(),
});
export type Certification = z.infer<typeof Certification>;

/** Up to 50, no certificate (type and number) twice. */
export const Certifications = z.array(Certification).check(
  z.maxLength(50),
  z.refine((cs) => new Set(cs.map((c) => `${c.type}|${c.number}`)).size === cs.length, 'must not repeat a certificate (type and number)'),
);

/**
 * What a stored provider may hold: typed certifications, or the free strings
 * of records written before they were typed (shown as they are, never valid:
 * nothing says until when they hold).
 */
export type StoredCertification = Certification | string;

/**
 * An operator records a provider's certifications after checking the
 * documents (a renewal, a new accreditation): the whole list, validated as at
 * registration. It replaces what is on file.
 */
export const RecordCertificationsBody = z.strictObject({ certifications: Certifications });
export type RecordCertificationsBody = z.infer<typeof RecordCertificationsBody>;

export const PROVIDER_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

/** The provider fields standing reads. */
export interface StandingFacts {
  kind: ProviderKind;
  status?: ProviderStatus;
  certifications: readonly StoredCertification[];
  suspended?: { reason: string; at: string };
  designationLapsedAt?: string;
  approvedVia?: 'OPERATOR' | 'REGISTER';
}

/** Absent status is a legacy record: APPROVED (see the module comment). */
export const statusOf = (p: Pick<StandingFacts, 'status'>): ProviderStatus => p.status ?? 'APPROVED';

const endOfDay = (day: string) => `${day}T23:59:59.999Z`;

/** Typed and not expired at `now`. */
export function isValidCertification(c: StoredCertification, now: Date): c is Certification {
  return typeof c !== 'string' && endOfDay(c.validUntil) >= now.toISOString();
}

export function validCertifications(certs: readonly StoredCertification[], now: Date): Certification[] {
  return certs.filter((c): c is Certification => isValidCertification(c, now));
}

/** The certification type a kind must hold (valid) to be approved, or undefined when it needs none. */
export function requiredDesignation(p: Pick<StandingFacts, 'kind' | 'certifications'>): CertificationType | undefined {
  if (p.kind === 'IP_PROTECTION_CENTRE' || p.kind === 'RIGHTS_PROTECTION_CENTRE') return 'CNIPA_DESIGNATION';
  const claimsNational = p.certifications.some((c) => typeof c !== 'string' && c.type === 'MIIT_DESIGN_CENTRE');
  if (p.kind === 'INDUSTRIAL_DESIGN_CENTRE' && claimsNational) return 'MIIT_DESIGN_CENTRE';
  return undefined;
}

/** True when the provider needs a designation and holds no valid one at `now`. */
export function designationMissing(p: Pick<StandingFacts, 'kind' | 'certifications'>, now: Date): boolean {
  const needed = requiredDesignation(p);
  return needed !== undefined && !validCertifications(p.certifications, now).some((c) => c.type === needed);
}

/** Throws Conflict (409) with what is missing when the provider may not be approved now. */
export function assertApprovable(p: StandingFacts, now: Date): void {
  const needed = requiredDesignation(p);
  if (needed && designationMissing(p, now)) {
    throw new Conflict(
      `a ${p.kind} needs a valid ${needed} certification to be approved (none on file is valid on ${now.toISOString().slice(0, 10)})`,
      [{ path: 'certifications', message: `add a ${needed} certification valid today` }],
    );
  }
}

/**
 * Whether the provider's offerings may be matched at `now`, as the matcher's
 * eligibility reads it (domain/scoring.ts ProviderStanding): approved, not
 * suspended, and not of a designated kind whose designation lapsed.
 */
export function standingOf(p: StandingFacts, now: Date): { providerApproved: boolean; providerSuspended: boolean } {
  return { providerApproved: statusOf(p) === 'APPROVED' && !designationLapsed(p, now), providerSuspended: p.suspended !== undefined };
}

/**
 * An operator-approved provider of a designated kind without a valid
 * designation at `now`: computed, so it stops counting the day after expiry
 * without waiting for the lapse job. A provider approved through a published
 * directory (the register is the designation) and legacy records are exempt.
 */
export function designationLapsed(p: StandingFacts, now: Date): boolean {
  return p.status === 'APPROVED' && p.approvedVia === 'OPERATOR' && designationMissing(p, now);
}

/** Onboarding moves: approve from PENDING (or a REJECTED provider reconsidered), reject from PENDING. */
export function nextProviderStatus(from: ProviderStatus, to: 'APPROVED' | 'REJECTED'): ProviderStatus {
  const ok = to === 'APPROVED' ? from === 'PENDING' || from === 'REJECTED' : from === 'PENDING';
  if (!ok) throw new Conflict(`cannot ${to === 'APPROVED' ? 'approve' : 'reject'} a provider that is ${from}`);
  return to;
}

/** Reputation counts each valid certification once, as a string (scoring's ProviderView). */
export function certificationLabels(certs: readonly StoredCertification[], now: Date): string[] {
  return validCertifications(certs, now).map((c) => `${c.type}:${c.number}`);
}
