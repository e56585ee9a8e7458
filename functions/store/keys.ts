/**
 * Each entity owns its keys: how it is addressed (pk/sk) and which index
 * entries it has, derived from its current state. The store writes whole
 * items, so an index entry appears and disappears with the state that
 * implies it (a need is in the market's waiting index only while WAITING).
 *
 * Sort keys embed ISO-8601 UTC times as they are: such strings sort
 * chronologically as text.
 */
import { deadlineEnd } from '#domain/deadlines.ts';
import type { Match, Need, Notification, Offering, Provider, Sme } from '#domain/model.ts';

export type Keys = Record<string, string>;

/**
 * A domain rule, re-exported only while callers still import it from here;
 * new code imports it from `#domain/deadlines.ts`.
 */
export { deadlineEnd };

export const providerKey = (id: string) => ({ pk: `PROVIDER#${id}`, sk: 'PROVIDER' });
export const offeringKey = (id: string) => ({ pk: `OFFERING#${id}`, sk: 'OFFERING' });
export const smeKey = (id: string) => ({ pk: `SME#${id}`, sk: 'SME' });
export const needKey = (id: string) => ({ pk: `NEED#${id}`, sk: 'NEED' });
export const matchKey = (id: string) => ({ pk: `MATCH#${id}`, sk: 'MATCH' });
export const capacityKey = (offeringId: string, period: string) => ({ pk: `OFFERING#${offeringId}`, sk: `CAPACITY#${period}` });
export const idempotencyKey = (scope: string, key: string) => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: 'IDEMPOTENCY' });
export const notificationKey = (recipientSub: string, at: string, id: string) => ({
  pk: `INBOX#${recipientSub}`,
  sk: `NOTE#${at}#${id}`,
});
export const inboxPk = (recipientSub: string) => `INBOX#${recipientSub}`;

/** The sort key of a versioned entity's own item names its kind; the partition key is `<SK>#<id>`. */
const KIND_OF_SK = { PROVIDER: 'provider', OFFERING: 'offering', SME: 'sme', NEED: 'need', MATCH: 'match' } as const;
export type EntityKind = (typeof KIND_OF_SK)[keyof typeof KIND_OF_SK];

/**
 * Which entity a table key addresses (the inverse of the primary key builders
 * above), or undefined for items that are not versioned entities (capacity,
 * idempotency, inbox). Index entries of KEYS_ONLY indexes carry only these keys.
 */
export function entityOfKey(key: { pk: unknown; sk: unknown }): { kind: EntityKind; id: string } | undefined {
  const sk = String(key.sk);
  const kind = KIND_OF_SK[sk as keyof typeof KIND_OF_SK];
  const prefix = `${sk}#`;
  const pk = String(key.pk);
  return kind && pk.startsWith(prefix) ? { kind, id: pk.slice(prefix.length) } : undefined;
}

// Partition values of the list access patterns, shared by writers (below) and readers (store queries).
export const ownerPk = (sub: string) => `OWNER#${sub}`;
export const allPk = (type: 'PROVIDER' | 'SME') => `ALL#${type}`;
export const providerPk = (id: string) => `PROVIDER#${id}`;
export const smePk = (id: string) => `SME#${id}`;
export const needPk = (id: string) => `NEED#${id}`;
export const offeringPk = (id: string) => `OFFERING#${id}`;
export const marketPk = (serviceType: string) => `MARKET#${serviceType}`;
export const statusPk = (status: string, serviceType?: string) =>
  serviceType ? `MATCHSTATUS#${status}#${serviceType}` : `MATCHSTATUS#${status}`;
export const expiryPk = (serviceType: string) => `EXPIRY#${serviceType}`;

export const SK_PREFIX = {
  provider: 'PROVIDER#',
  sme: 'SME#',
  offering: 'OFFERING#',
  need: 'NEED#',
  match: 'MATCH#',
};

export function providerKeys(p: Provider): Keys {
  return {
    ...providerKey(p.id),
    gsisk: `PROVIDER#${p.createdAt}#${p.id}`,
    gsi1pk: ownerPk(p.ownerSub),
    gsi2pk: allPk('PROVIDER'),
  };
}

export function smeKeys(s: Sme): Keys {
  return {
    ...smeKey(s.id),
    gsisk: `SME#${s.createdAt}#${s.id}`,
    gsi1pk: ownerPk(s.ownerSub),
    gsi2pk: allPk('SME'),
  };
}

export function offeringKeys(o: Offering): Keys {
  return {
    ...offeringKey(o.id),
    gsisk: `OFFERING#${o.createdAt}#${o.id}`,
    gsi1pk: providerPk(o.providerId),
    // Every offering of a market, paused ones included: the matcher filters on status,
    // and an offering going back to ACTIVE must not need a re-index.
    gsi2pk: marketPk(o.serviceType),
  };
}

export function needKeys(n: Need & { recheckAt?: string }): Keys {
  const keys: Keys = {
    ...needKey(n.id),
    gsisk: `NEED#${n.postedAt}#${n.id}`,
    gsi1pk: smePk(n.smeId),
  };
  // In its market's waiting list only while WAITING (oldest first by gsisk).
  if (n.status === 'WAITING') keys.gsi2pk = marketPk(n.serviceType);
  if (n.status === 'WAITING' || n.status === 'PROPOSED') {
    // A PROPOSED need is looked at again at `recheckAt` (a matcher crash between
    // locking the need and writing its match must not strand it), else at its deadline.
    const at = n.status === 'PROPOSED' && n.recheckAt && n.recheckAt < deadlineEnd(n.deadline) ? n.recheckAt : deadlineEnd(n.deadline);
    keys.expiryPk = expiryPk(n.serviceType);
    keys.expirySk = `${at}#NEED#${n.id}`;
  }
  return keys;
}

export function matchKeys(m: Match & { expiresAt?: string }): Keys {
  const keys: Keys = {
    ...matchKey(m.id),
    // The period is the creation month, so `MATCH#<period>-` selects a market's matches of a month.
    gsisk: `MATCH#${m.createdAt}#${m.id}`,
    gsi1pk: needPk(m.needId),
    gsi2pk: marketPk(m.serviceType),
    gsi3pk: providerPk(m.providerId),
    gsi4pk: smePk(m.smeId),
    gsi5pk: statusPk(m.status),
    gsi6pk: statusPk(m.status, m.serviceType),
    gsi7pk: offeringPk(m.offeringId),
  };
  if ((m.status === 'PROPOSED' || m.status === 'APPROVED') && m.expiresAt) {
    keys.expiryPk = expiryPk(m.serviceType);
    keys.expirySk = `${m.expiresAt}#MATCH#${m.id}`;
  }
  return keys;
}

export function notificationKeys(n: Notification): Keys {
  return notificationKey(n.recipientSub, n.at, n.id);
}
