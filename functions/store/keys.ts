/**
 * Each entity owns its keys: how it is addressed (pk/sk) and which index
 * entries it has, derived from its current state. The store writes whole
 * items, so an index entry appears and disappears with the state that
 * implies it (a need is in the market's waiting index only while WAITING).
 *
 * Sort keys embed ISO-8601 UTC times as they are: such strings sort
 * chronologically as text. The expiry index's sort key is the time alone:
 * its entries are read by time, the table key (which every index entry
 * carries) names the entity, and an id after the time only made the items
 * written on every match bigger.
 */
import { deadlineEnd } from '#domain/deadlines.ts';
import type { Match, Need, Notification, Offering, Provider, Sme } from '#domain/model.ts';
import type { RegisterImport } from '#domain/imports.ts';

export type Keys = Record<string, string>;

export const providerKey = (id: string) => ({ pk: `PROVIDER#${id}`, sk: 'PROVIDER' });
export const offeringKey = (id: string) => ({ pk: `OFFERING#${id}`, sk: 'OFFERING' });
export const smeKey = (id: string) => ({ pk: `SME#${id}`, sk: 'SME' });
export const needKey = (id: string) => ({ pk: `NEED#${id}`, sk: 'NEED' });
export const matchKey = (id: string) => ({ pk: `MATCH#${id}`, sk: 'MATCH' });
export const capacityKey = (offeringId: string, period: string) => ({ pk: `OFFERING#${offeringId}`, sk: `CAPACITY#${period}` });
/**
 * An inbox is a user's (by sub) or a group's shared one (`group:operator`).
 * Cognito subs are UUIDs, never `group:…`; the inbox use case also refuses
 * to read a caller's own inbox under such a sub (a made-up local one).
 */
export const inboxPk = (recipient: string) =>
  recipient.startsWith('group:') ? `INBOX#GROUP#${recipient.slice('group:'.length)}` : `INBOX#${recipient}`;
export const notificationKey = (recipient: string, at: string, id: string) => ({
  pk: inboxPk(recipient),
  sk: `NOTE#${at}#${id}`,
});
/** The one holder of a 统一社会信用代码 (functions/store/uscc.ts); SMEs and providers share the namespace. */
export const usccKey = (uscc: string) => ({ pk: `USCC#${uscc}`, sk: 'USCC' });

// Vouchers (functions/store/vouchers.ts): the programme's item holds its one money counter; an SME's
// vouchers and its per-programme slot live in the SME's partition, read by one Query.
export const programmeKey = (id: string) => ({ pk: `PROGRAMME#${id}`, sk: 'PROGRAMME' });
export const programmePk = (id: string) => `PROGRAMME#${id}`;
export const voucherKey = (smeId: string, id: string) => ({ pk: `SME#${smeId}`, sk: `VOUCHER#${id}` });
export const voucherSlotKey = (smeId: string, programmeId: string) => ({ pk: `SME#${smeId}`, sk: `VOUCHERSLOT#${programmeId}` });
/** The voucher a table key addresses (its outbox holds VoucherIssued/VoucherRedeemed), or undefined. */
export function voucherOfKey(key: { pk: unknown; sk: unknown }): { smeId: string; id: string } | undefined {
  const pk = String(key.pk);
  const sk = String(key.sk);
  return pk.startsWith('SME#') && sk.startsWith('VOUCHER#') ? { smeId: pk.slice('SME#'.length), id: sk.slice('VOUCHER#'.length) } : undefined;
}
export const settlementKey = (providerId: string, at: string, voucherId: string, matchId: string) => ({
  pk: `SETTLEMENT#${providerId}`,
  sk: `${at}#${voucherId}#${matchId}`,
});
export const settlementPk = (providerId: string) => `SETTLEMENT#${providerId}`;
// Plan KPIs (functions/store/kpis.ts): counters per period (and province), markers that make each event count once.
export const kpiKey = (period: string, scope: string) => ({ pk: `KPI#${period}`, sk: scope });
export const kpiPk = (period: string) => `KPI#${period}`;
export const kpiMarkKey = (mark: string) => ({ pk: `KPIMARK#${mark}`, sk: 'KPIMARK' });

// Register imports (functions/store/imports.ts): the import is a versioned entity (its outbox drives the
// next chunk); its file sits beside it in gzip parts; one lock per operator; one entry per USCC of a register.
export const importKey = (id: string) => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' });
export const importFileKey = (id: string, part: number) => ({ pk: `IMPORT#${id}`, sk: `FILE#${String(part).padStart(4, '0')}` });
export const importLockKey = (sub: string) => ({ pk: `IMPORTLOCK#${sub}`, sk: 'IMPORTLOCK' });
export const registerEntryKey = (uscc: string) => ({ pk: `REGISTER#TIERS#${uscc}`, sk: 'REGISTER' });

// Per-user quotas (functions/store/quotas.ts): one counter item per scope (e.g. `SME#<id>`, `OWNER#<sub>#PROVIDERS`).
export const quotaKey = (scope: string) => ({ pk: `QUOTA#${scope}`, sk: 'QUOTA' });

// Market rounds (functions/store/rounds.ts): where a market's sweep of bounded rounds goes on from.
export const roundCursorKey = (serviceType: string) => ({ pk: `MARKET#${serviceType}`, sk: 'ROUNDCURSOR' });
/** Every market's state as of its last round in one partition: the markets report reads them with one Query. */
export const MARKET_STATES_PK = 'MARKETSTATES';
export const marketStateKey = (serviceType: string) => ({ pk: MARKET_STATES_PK, sk: `MARKET#${serviceType}` });

/** The sort key of a versioned entity's own item names its kind; the partition key is `<SK>#<id>`. */
const KIND_OF_SK = { PROVIDER: 'provider', OFFERING: 'offering', SME: 'sme', NEED: 'need', MATCH: 'match', IMPORT: 'import' } as const;
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
export const allPk = (type: 'PROVIDER' | 'SME' | 'PROGRAMME') => `ALL#${type}`;
export const providerPk = (id: string) => `PROVIDER#${id}`;
export const smePk = (id: string) => `SME#${id}`;
export const needPk = (id: string) => `NEED#${id}`;
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
  const keys: Keys = {
    ...providerKey(p.id),
    gsisk: `PROVIDER#${p.createdAt}#${p.id}`,
    gsi2pk: allPk('PROVIDER'),
  };
  // A provider imported without an owner is visible to operators only: it is in no owner's list.
  if (p.ownerSub !== '') keys.gsi1pk = ownerPk(p.ownerSub);
  // The onboarding queue (GET /v1/providers?status=PENDING) and the other statuses, oldest first.
  // Legacy records without a status are not indexed by it until they are next written.
  if (p.status) keys.gsi5pk = providerStatusPk(p.status);
  return keys;
}

export const providerStatusPk = (status: string) => `PROVIDERSTATUS#${status}`;

export function importKeys(i: RegisterImport): Keys {
  return importKey(i.id);
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
  // In its market's waiting list only while WAITING (oldest first by gsisk) and its SME
  // is not suspended: a suspended SME's needs cost the matcher nothing.
  if (n.status === 'WAITING' && !n.sme.suspended) keys.gsi2pk = marketPk(n.serviceType);
  if (n.status === 'WAITING' || n.status === 'PROPOSED') {
    // A need is looked at again at its deadline; one locked before its match was written
    // (as rounds did before they wrote the match first) also at its `recheckAt`.
    const at = n.status === 'PROPOSED' && n.recheckAt && n.recheckAt < deadlineEnd(n.deadline) ? n.recheckAt : deadlineEnd(n.deadline);
    keys.expiryPk = expiryPk(n.serviceType);
    keys.expirySk = at;
  }
  return keys;
}

export function matchKeys(m: Match & { expiresAt?: string }): Keys {
  const keys: Keys = {
    ...matchKey(m.id),
    // The period is the creation month, so `MATCH#<period>-` selects a market's matches of a month.
    // No id after the time (unlike the other kinds' sort keys): index sort keys need not be unique,
    // a page goes on from its last entry's table key too, and the 26 bytes keep the item under 1 KB.
    gsisk: `MATCH#${m.createdAt}`,
    // Only the indexes an endpoint or job reads: every index a match enters costs a write on each
    // insert and on each status move (issue 16); matches of an offering or of a market by month had no reader.
    gsi1pk: needPk(m.needId),
    gsi3pk: providerPk(m.providerId),
    gsi4pk: smePk(m.smeId),
    gsi5pk: statusPk(m.status),
    gsi6pk: statusPk(m.status, m.serviceType),
  };
  if ((m.status === 'PROPOSED' || m.status === 'APPROVED') && m.expiresAt) {
    keys.expiryPk = expiryPk(m.serviceType);
    keys.expirySk = m.expiresAt;
  } else if ((m.status === 'CONFIRMED' || m.status === 'DELIVERED') && m.nextCheckAt) {
    // The delivery phase's timers (reminder, escalation, auto-confirmation) use the same index.
    keys.expiryPk = expiryPk(m.serviceType);
    keys.expirySk = m.nextCheckAt;
  }
  return keys;
}

export function notificationKeys(n: Notification): Keys {
  return notificationKey(n.recipientSub, n.at, n.id);
}
