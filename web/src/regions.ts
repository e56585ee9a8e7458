/**
 * Province names for display. From the domain's table (a few hundred bytes
 * bundled) until GET /v1/regions of the v2 contract serves them.
 */
import { PROVINCES } from '#domain/regions.ts';
import { pick } from './i18n/index.ts';

const byCode = new Map<string, { zh: string; en: string }>(PROVINCES.map((p) => [p.code, p]));

export const provinceName = (code: string): string => {
  const p = byCode.get(code);
  return p ? pick(p) : code;
};
