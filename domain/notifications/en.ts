/**
 * Notification texts in English: the same facts as the Chinese ones (service
 * type by its catalog name, the other party, reason, dates, next step), in
 * plain, polite British English. Missing names fall back to "a service
 * provider" / "the company" rather than a blank.
 */
import { days, money, rating, sentence, serviceTypeName, text, when } from './format.ts';
import type { MatchContext, Party, Rendered, Templates } from './types.ts';

const L = 'en';

/** The service type in running text: “Energy audit”; "service" alone for legacy items without one. */
function svc(p: { serviceType?: unknown }): string {
  const name = serviceTypeName(p.serviceType, L);
  return name ? `“${name}”` : 'service';
}

function title(head: string, p: { serviceType?: unknown }): string {
  const name = serviceTypeName(p.serviceType, L);
  return name ? `${head}: ${name}` : head;
}

/** The provider as a sentence subject or object: a name, or "the service provider". */
function provider(p: MatchContext, fallback = 'the service provider'): string {
  return text(p.providerName) ?? fallback;
}

function sme(p: MatchContext, fallback = 'the company'): string {
  return text(p.smeName) ?? fallback;
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** e.g. Acme Ltd’s need for “Energy audit” (phrased so no article has to agree with the name). */
function needOf(p: MatchContext): string {
  const n = text(p.smeName);
  return n ? `${n}’s need for ${svc(p)}` : `a need for ${svc(p)}`;
}

/** “A”, “B” or “C”. */
function oneOf(items: readonly string[]): string {
  const quoted = items.map((i) => `“${i}”`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? '');
}

function reasonLine(reason: unknown): string {
  const r = sentence(reason, L);
  return r ? ` Reason: ${r}` : '';
}

function byParty(to: Party, forSme: () => Rendered, forProvider: () => Rendered): Rendered {
  return to === 'provider' ? forProvider() : forSme();
}

const WAIT_AGAIN = ' If your need is still open, we will keep looking for another provider.';
const CAPACITY_FREED = ' The capacity it held has been released.';
const ASK_OPERATOR = ' If you have any questions, please contact the platform team.';

export const en: Templates = {
  MATCH_PROPOSED: (p) => {
    const by = when(p.expiresAt, L);
    const offering = text(p.offeringTitle);
    return {
      title: title('New match to review', p),
      body:
        `${capitalised(needOf(p))} has been matched with ${provider(p, 'a service provider')}` +
        (offering ? ` (offering “${offering}”)` : '') +
        '. ' +
        (by ? `Please review it by ${by}; otherwise it will expire.` : 'Please review it.'),
    };
  },

  MATCH_APPROVED: (p) => {
    const by = when(p.expiresAt, L);
    const offering = text(p.offeringTitle);
    const byWhen = by ? ` by ${by}` : '';
    const orExpire = by ? '; otherwise the match will expire.' : '.';
    return byParty(
      p.to,
      () => ({
        title: title('Your need has been matched', p),
        body: `Your ${svc(p)} need has been matched with ${provider(p, 'a service provider')}. Please confirm on the platform${byWhen}${orExpire}`,
      }),
      () => ({
        title: title('New match for you', p),
        body:
          `${capitalised(needOf(p))} has been matched with ${offering ? `your offering “${offering}”` : 'your organisation'}. ` +
          `Please confirm on the platform${byWhen} whether you will take it on${orExpire}`,
      }),
    );
  },

  MATCH_ACCEPTED: (p) => {
    const by = when(p.expiresAt, L);
    const contacts = ' Once both sides have accepted, you will see each other’s contact details.';
    return byParty(
      p.to,
      () => ({
        title: title('The provider has accepted', p),
        body: `${capitalised(provider(p))} has accepted the ${svc(p)} match. Please confirm on the platform ${by ? `by ${by}` : 'soon'}.${contacts}`,
      }),
      () => ({
        title: title('The company has accepted', p),
        body: `${capitalised(sme(p))} has accepted the ${svc(p)} match with you. Please confirm on the platform ${by ? `by ${by}` : 'soon'} whether you will take it on.${contacts}`,
      }),
    );
  },

  MATCH_CONFIRMED: (p) => {
    const by = when(p.deliverBy, L);
    return byParty(
      p.to,
      () => ({
        title: title('Match confirmed', p),
        body:
          `Both sides have confirmed your ${svc(p)} match with ${provider(p)}. You can now see their contact details on the platform; please get in touch to start the work.` +
          (by ? ` The provider is due to deliver by ${by}.` : ''),
      }),
      () => ({
        title: title('Match confirmed', p),
        body:
          `Both sides have confirmed your ${svc(p)} match with ${sme(p)}. You can now see the company’s contact details on the platform; please get in touch to start the work` +
          (by ? ` and deliver by ${by}.` : '.'),
      }),
    );
  },

  MATCH_REJECTED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('Match not approved', p),
        body: `The proposed match between your ${svc(p)} need and ${provider(p)} was not approved by the platform.${reasonLine(p.reason)}${WAIT_AGAIN}`,
      }),
      () => ({
        title: title('Match not approved', p),
        body: `The proposed match between ${needOf(p)} and your organisation was not approved by the platform.${reasonLine(p.reason)}${CAPACITY_FREED}`,
      }),
    ),

  MATCH_DECLINED: (p) => {
    const reason = reasonLine(p.reason);
    return byParty(
      p.to,
      () => ({
        title: title('Match declined', p),
        body:
          (p.by === 'sme'
            ? `You declined the ${svc(p)} match with ${provider(p)}.`
            : p.by === 'provider'
              ? `${capitalised(provider(p))} has declined the ${svc(p)} match.`
              : `The ${svc(p)} match with ${provider(p)} has been declined.`) +
          reason +
          WAIT_AGAIN,
      }),
      () => ({
        title: title('Match declined', p),
        body:
          (p.by === 'provider'
            ? `You declined ${needOf(p)}.`
            : p.by === 'sme'
              ? `${capitalised(sme(p))} has declined the ${svc(p)} match with you.`
              : `The match with ${needOf(p)} has been declined.`) +
          reason +
          CAPACITY_FREED,
      }),
    );
  },

  MATCH_EXPIRED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('Match expired', p),
        body: `Your ${svc(p)} match with ${provider(p)} was not confirmed in time and has expired.${WAIT_AGAIN}`,
      }),
      () => ({
        title: title('Match expired', p),
        body: `The match with ${needOf(p)} was not confirmed in time and has expired.${CAPACITY_FREED}`,
      }),
    ),

  MATCH_CANCELLED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('Match cancelled', p),
        body: `Your ${svc(p)} match with ${provider(p)} has been cancelled.${reasonLine(p.reason)}${ASK_OPERATOR}`,
      }),
      () => ({
        title: title('Match cancelled', p),
        body: `Your ${svc(p)} match with ${sme(p)} has been cancelled.${reasonLine(p.reason)}${ASK_OPERATOR}`,
      }),
    ),

  MATCH_DELIVERED: (p) => {
    const at = when(p.autoConfirmAt, L);
    return {
      title: title('Please review the delivery', p),
      body:
        `${capitalised(provider(p))} has delivered the ${svc(p)} work. Please confirm it on the platform, or raise a dispute if something is wrong.` +
        (at ? ` If you take no action by ${at}, it will be confirmed as completed automatically.` : ''),
    };
  },

  MATCH_COMPLETED: (p) =>
    byParty(
      p.to,
      () => ({
        title: title('Service completed', p),
        body: `Your ${svc(p)} service with ${provider(p)} is complete. Please rate it on the platform: your feedback helps other companies choose a provider.`,
      }),
      () => ({
        title: title('Service completed', p),
        body: `Your ${svc(p)} service for ${sme(p)} is complete. Thank you for your work.`,
      }),
    ),

  MATCH_AUTO_CONFIRMED: (p) => {
    const n = days(p.days);
    const within = n ? `within ${n} day${n === 1 ? '' : 's'} of delivery` : 'within the set period';
    return byParty(
      p.to,
      () => ({
        title: title('Completed automatically', p),
        body: `The ${svc(p)} work delivered by ${provider(p)} was neither confirmed nor disputed ${within}, so it has been confirmed as completed automatically. You can still rate the service on the platform.`,
      }),
      () => ({
        title: title('Completed automatically', p),
        body: `${capitalised(sme(p))} raised no dispute about your ${svc(p)} delivery ${within}, so it has been confirmed as completed automatically. Thank you for your work.`,
      }),
    );
  },

  MATCH_DISPUTED: (p) => ({
    title: title('Delivery disputed', p),
    body: `${capitalised(sme(p))} has disputed the ${svc(p)} work delivered by ${provider(p)}.${reasonLine(p.reason)} Please look into it.`,
  }),

  FEEDBACK_RECEIVED: (p) => {
    const r = rating(p.rating);
    const comment = sentence(p.comment, L);
    return {
      title: title('New feedback', p),
      body:
        `${capitalised(sme(p))} has rated your ${svc(p)} service` +
        (r ? ` ${r} out of 5.` : '.') +
        (comment ? ` Comment: ${comment}` : ''),
    };
  },

  DELIVERY_DUE_SOON: (p) => {
    const by = when(p.deliverBy, L);
    const smeName = text(p.smeName);
    return {
      title: title('Delivery due soon', p),
      body:
        `Your ${svc(p)} work${smeName ? ` for ${smeName}` : ''} ` +
        (by ? `is due by ${by}.` : 'is due soon.') +
        ' Please deliver on time and record the delivery on the platform.',
    };
  },

  DELIVERY_OVERDUE: (p) => {
    const by = when(p.deliverBy, L);
    return {
      title: title('Delivery overdue', p),
      body: `${capitalised(provider(p))} has not delivered the ${svc(p)} work for ${sme(p)}${by ? `, due by ${by}` : ' by its deadline'}. Please follow it up.`,
    };
  },

  PROVIDER_APPROVED: (p) => {
    const n = text(p.providerName);
    return {
      title: 'Registration approved',
      body: `${n ? `The registration of ${n}` : 'Your registration'} has been approved. You can now publish offerings and receive matches.`,
    };
  },

  PROVIDER_REJECTED: (p) => {
    const n = text(p.providerName);
    const reason = reasonLine(p.reason);
    return {
      title: 'Registration not approved',
      body:
        `We are sorry: ${n ? `the registration of ${n}` : 'your registration'} was not approved.` +
        (reason ? `${reason} Please update your details and apply again.` : ASK_OPERATOR),
    };
  },

  VOUCHER_ISSUED: (p) => {
    const programme = text(p.programmeName);
    const amount = money(p.amount, L);
    const names = (Array.isArray(p.serviceTypes) ? p.serviceTypes : [])
      .map((t) => serviceTypeName(t, L))
      .filter((n): n is string => n !== undefined);
    const until = when(p.validUntil, L);
    return {
      title: 'You have received a service voucher',
      body:
        `You have received ${amount ? `a ${amount} ` : 'a '}service voucher${programme ? ` from “${programme}”` : ''}.` +
        (names.length ? ` It can be used for ${oneOf(names)}${until ? ` until ${until}` : ''}.` : until ? ` It is valid until ${until}.` : '') +
        ' Choose it when you post a need to put it towards the service fee.',
    };
  },

  VOUCHER_REDEEMED: (p) => {
    const amount = money(p.amount, L);
    const balance = money(p.balance, L);
    const programme = text(p.programmeName);
    const voucher = programme ? `“${programme}” voucher` : 'service voucher';
    return byParty(
      p.to,
      () => ({
        title: 'Service voucher used',
        body:
          `${amount ? `${amount} of your` : 'Your'} ${voucher} has been applied to your ${svc(p)} service with ${provider(p)}.` +
          (balance ? ` Remaining balance: ${balance}.` : ''),
      }),
      () => ({
        title: 'Service voucher redeemed',
        body: `The ${voucher} ${sme(p)} used for your ${svc(p)} service has been redeemed; ${amount ?? 'the amount'} will be included in your voucher settlement.`,
      }),
    );
  },
};
