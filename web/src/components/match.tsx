/**
 * A match as a person reads it: what service, for whom, by whom, why (the
 * score breakdown) and where it stands; plus the actions the viewer may take.
 */
import { useState } from 'preact/hooks';
import type { MatchStatus, ScoreBreakdown } from '#domain/model.ts';
import type { Api } from '../api/client.ts';
import type { MatchContext, MatchView, NeedView, OfferingView, ProviderView, SmeView } from '../api/types.ts';
import type { Role } from '../auth/session.ts';
import { serviceTypeNames } from '../catalog.ts';
import { formatDateTime, formatNumber, pick, t } from '../i18n/index.ts';
import { priorityReasonsText } from '../priority-reasons.ts';
import { provinceName } from '../regions.ts';
import { useAction } from './action.ts';
import { BarChart } from './chart.tsx';
import { ErrorNotice } from './feedback.tsx';

export type MatchWithContext = MatchView & Partial<MatchContext>;

/**
 * The v2 API embeds who and what in every match; until then, the console
 * looks up what the viewer may read (operators: everything; a provider: its
 * own offering; an SME: its own need), once per id.
 */
export async function withContext(api: Api, role: Role, matches: MatchView[]): Promise<MatchWithContext[]> {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T,>(path: string): Promise<T | undefined> => {
    if (!cache.has(path)) cache.set(path, api.get<T>(path).catch(() => undefined));
    return cache.get(path) as Promise<T | undefined>;
  };
  return Promise.all(
    matches.map(async (m) => {
      if (m.sme && m.provider && m.offering && m.need) return m;
      const [sme, provider, offering, need] = await Promise.all([
        m.sme ?? (role === 'operator' ? once<SmeView>(`/v1/smes/${m.smeId}`) : undefined),
        m.provider ?? (role === 'operator' ? once<ProviderView>(`/v1/providers/${m.providerId}`) : undefined),
        m.offering ?? (role !== 'sme' ? once<OfferingView>(`/v1/offerings/${m.offeringId}`) : undefined),
        m.need ?? (role !== 'provider' ? once<NeedView>(`/v1/needs/${m.needId}`) : undefined),
      ]);
      const ctx: Partial<MatchContext> = {};
      if (sme) {
        const s = sme as SmeView & Partial<MatchContext['sme']>;
        ctx.sme = { id: s.id, name: s.name, province: s.province ?? s.region?.province, industry: s.industry, tier: s.tier ?? 'NONE', ...(s.region?.city ? { city: s.region.city } : {}) };
      }
      if (provider) ctx.provider = { id: provider.id, name: provider.name, rating: provider.rating, ratingCount: provider.ratingCount };
      if (offering) ctx.offering = offering;
      if (need) ctx.need = need;
      return { ...m, ...ctx };
    }),
  );
}

const BREAKDOWN_PARTS = ['proximity', 'specialisation', 'reputation', 'price', 'load', 'fit'] as const satisfies readonly (keyof ScoreBreakdown)[];

export function Breakdown({ breakdown }: { breakdown: ScoreBreakdown }) {
  const labels = BREAKDOWN_PARTS.map((k) => t(`breakdown.${k}`));
  const values = BREAKDOWN_PARTS.map((k) => Math.round(breakdown[k] * 100) / 100);
  const summary = labels.map((l, i) => `${l} ${formatNumber(values[i]!, 2)}`).join('，');
  return (
    <figure class="breakdown">
      <figcaption>{t('breakdown.title')}</figcaption>
      <BarChart labels={labels} series={[{ label: t('breakdown.title'), data: values, color: '#1d4ed8' }]} max={1} label={t('breakdown.summary', { items: summary })} />
      <p class="muted">
        {t('breakdown.priority', { value: formatNumber(breakdown.priority, 2) })}
        {breakdown.priorityReasons.length > 0 && <> · {t('breakdown.reasons', { reasons: priorityReasonsText(breakdown.priorityReasons) })}</>}
      </p>
    </figure>
  );
}

export function StatusBadge({ status }: { status: MatchStatus }) {
  return <span class={`badge badge-${status.toLowerCase()}`}>{t(`matchStatus.${status}`)}</span>;
}

/** The heading of a match: the service type in the current language. */
export const matchTitle = (m: MatchView) => pick(serviceTypeNames(m.serviceType));

export function MatchFacts({ match, show }: { match: MatchWithContext; show: { sme?: boolean; provider?: boolean } }) {
  const unknown = (id: string) => t('match.unknownParty', { id });
  return (
    <dl class="facts">
      {show.sme !== false && (
        <>
          <dt>{t('match.sme')}</dt>
          <dd>
            {match.sme ? (
              <>
                {match.sme.name}
                <span class="muted">
                  {' '}
                  · {provinceName(match.sme.province)}
                  {match.sme.city ? ` ${match.sme.city}` : ''} · {t(`tier.${match.sme.tier}`)}
                </span>
              </>
            ) : (
              unknown(match.smeId)
            )}
          </dd>
        </>
      )}
      {match.need && (
        <>
          <dt>{t('match.need')}</dt>
          <dd>{match.need.description}</dd>
        </>
      )}
      {show.provider !== false && (
        <>
          <dt>{t('match.provider')}</dt>
          <dd>{match.provider ? match.provider.name : unknown(match.providerId)}</dd>
        </>
      )}
      <dt>{t('match.offering')}</dt>
      <dd>{match.offering ? match.offering.title : unknown(match.offeringId)}</dd>
      <dt>{t('match.period')}</dt>
      <dd>{match.period}</dd>
      <dt>{t('match.createdAt')}</dt>
      <dd>
        <time dateTime={match.createdAt}>{formatDateTime(match.createdAt)}</time>
      </dd>
    </dl>
  );
}

/**
 * Accept or decline, for the SME or the provider of an APPROVED match.
 * Declining asks for an optional reason first.
 */
export function PartyActions({
  api,
  match,
  role,
  onDone,
}: {
  api: Api;
  match: MatchWithContext;
  role: 'sme' | 'provider';
  onDone: (message: string) => void;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const accepted = role === 'sme' ? match.smeAccepted : match.providerAccepted;
  if (match.status !== 'APPROVED') return null;
  if (accepted) return <p class="muted">{t('match.youAccepted')}</p>;

  const act = (path: 'accept' | 'decline', body?: unknown) =>
    run(async () => {
      await api.post(`/v1/matches/${match.id}/${path}`, body);
      onDone(t(path === 'accept' ? 'match.accepted' : 'match.declined'));
    });
  const reasonId = `decline-reason-${match.id}`;
  return (
    <div class="actions">
      {error !== null && <ErrorNotice error={error} />}
      {declining ? (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const trimmed = reason.trim();
            void act('decline', trimmed ? { reason: trimmed } : {});
          }}
        >
          <label for={reasonId}>{t('match.declineReason')}</label>
          <textarea id={reasonId} rows={2} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="row">
            <button type="submit" class="button button-danger" disabled={busy}>
              {t('match.confirmDecline')}
            </button>
            <button type="button" class="button" onClick={() => setDeclining(false)}>
              {t('match.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="row">
          <button type="button" class="button button-primary" disabled={busy} onClick={() => void act('accept')}>
            {t('match.accept')}
          </button>
          <button type="button" class="button" disabled={busy} onClick={() => setDeclining(true)}>
            {t('match.decline')}
          </button>
        </div>
      )}
    </div>
  );
}
