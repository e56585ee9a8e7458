/**
 * A provider's standing (domain/credentials.ts): which certifications count,
 * which kinds need a designation to be approved, and when the matcher takes
 * a provider's offerings.
 */
import { describe, expect, it } from 'vitest';
import {
  assertApprovable,
  certificationLabels,
  designationLapsed,
  nextProviderStatus,
  requiredDesignation,
  standingOf,
  validCertifications,
  type StandingFacts,
} from '#domain/credentials.ts';

const JUNE = new Date('2026-06-15T10:00:00Z');
const cnipa = (validUntil: string) => ({ type: 'CNIPA_DESIGNATION' as const, number: 'N-1', validUntil });
const facts = (over: Partial<StandingFacts> = {}): StandingFacts => ({ kind: 'GREEN_AUDIT_FIRM', status: 'APPROVED', approvedVia: 'OPERATOR', certifications: [], ...over });

describe('certifications', () => {
  it('count through their validUntil day and not after; the old free-text form never counts', () => {
    const certs = [cnipa('2026-06-15'), cnipa('2026-06-14'), 'CNIPA designated'];
    expect(validCertifications(certs, JUNE).map((c) => c.validUntil)).toEqual(['2026-06-15']);
    expect(validCertifications(certs, new Date('2026-06-15T23:59:59.999Z'))).toHaveLength(1);
    expect(validCertifications(certs, new Date('2026-06-16T00:00:00.000Z'))).toHaveLength(0);
    expect(certificationLabels(certs, JUNE)).toEqual(['CNIPA_DESIGNATION:N-1']);
  });
});

describe('designations', () => {
  it('IP and rights-protection centres need CNIPA; a design centre needs MIIT only when it claims national status', () => {
    expect(requiredDesignation({ kind: 'IP_PROTECTION_CENTRE', certifications: [] })).toBe('CNIPA_DESIGNATION');
    expect(requiredDesignation({ kind: 'RIGHTS_PROTECTION_CENTRE', certifications: [] })).toBe('CNIPA_DESIGNATION');
    expect(requiredDesignation({ kind: 'INDUSTRIAL_DESIGN_CENTRE', certifications: [] })).toBeUndefined();
    expect(requiredDesignation({ kind: 'INDUSTRIAL_DESIGN_CENTRE', certifications: [{ type: 'MIIT_DESIGN_CENTRE', number: 'x', validUntil: '2020-01-01' }] })).toBe(
      'MIIT_DESIGN_CENTRE',
    );
    expect(requiredDesignation({ kind: 'GREEN_AUDIT_FIRM', certifications: [cnipa('2030-01-01')] })).toBeUndefined();
  });

  it('refuses to approve a designated kind whose designation expired, with a 409 naming what is missing', () => {
    expect(() => assertApprovable(facts({ kind: 'IP_PROTECTION_CENTRE', status: 'PENDING', certifications: [cnipa('2026-06-14')] }), JUNE)).toThrow(
      /CNIPA_DESIGNATION/,
    );
    expect(() => assertApprovable(facts({ kind: 'IP_PROTECTION_CENTRE', status: 'PENDING', certifications: [cnipa('2026-06-15')] }), JUNE)).not.toThrow();
  });
});

describe('standing', () => {
  it('only an APPROVED provider is matched; a record without a status is legacy and counts as APPROVED', () => {
    expect(standingOf(facts({ status: 'PENDING' }), JUNE)).toEqual({ providerApproved: false, providerSuspended: false });
    expect(standingOf(facts({ status: 'REJECTED' }), JUNE).providerApproved).toBe(false);
    expect(standingOf(facts({ status: undefined, approvedVia: undefined }), JUNE).providerApproved).toBe(true);
    expect(standingOf(facts({ suspended: { reason: 'r', at: '2026-06-01T00:00:00Z' } }), JUNE)).toEqual({ providerApproved: true, providerSuspended: true });
  });

  it('an operator-approved designated provider stops being matched the day after its designation expires; a directory-approved one does not', () => {
    const centre = facts({ kind: 'IP_PROTECTION_CENTRE', certifications: [cnipa('2026-06-15')] });
    expect(designationLapsed(centre, JUNE)).toBe(false);
    expect(standingOf(centre, new Date('2026-06-16T00:00:00Z')).providerApproved).toBe(false);
    expect(designationLapsed({ ...centre, approvedVia: 'REGISTER' }, new Date('2026-06-16T00:00:00Z'))).toBe(false);
  });

  it('moves PENDING to APPROVED or REJECTED, lets a REJECTED provider be approved on review, and refuses the rest', () => {
    expect(nextProviderStatus('PENDING', 'APPROVED')).toBe('APPROVED');
    expect(nextProviderStatus('PENDING', 'REJECTED')).toBe('REJECTED');
    expect(nextProviderStatus('REJECTED', 'APPROVED')).toBe('APPROVED');
    expect(() => nextProviderStatus('APPROVED', 'APPROVED')).toThrow(/cannot approve/);
    expect(() => nextProviderStatus('APPROVED', 'REJECTED')).toThrow(/cannot reject/);
  });
});
