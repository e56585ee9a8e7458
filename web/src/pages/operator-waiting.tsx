/**
 * Needs that wait, and why: each WAITING need with the reasons its market's
 * last round found (in words, with how many offerings fell to each), so an
 * operator sees where capacity, regions or eligibility leave SMEs unserved.
 * Filtered by market (service type) and province, as the API filters them.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { NeedView, OperatorSmeView, Page } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { Facts } from '../components/facts.tsx';
import { ErrorNotice, Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatDateTime, pick, t, type MessageKey } from '../i18n/index.ts';
import { provinceName } from '../regions.ts';
import { PROVINCES } from '#domain/regions.ts';
import { ServiceTypeOptions } from '../components/service-type-options.tsx';

type Reason = NonNullable<NeedView['waiting']>['reasons'][number];

export function WaitingNeedsPage() {
  const [serviceType, setServiceType] = useState('');
  const [province, setProvince] = useState('');
  const [more, setMore] = useState<{ items: NeedView[]; cursor: string | null; error: unknown } | null>(null);
  const query = (cursor?: string) =>
    `/v1/needs?status=WAITING&limit=100${serviceType ? `&serviceType=${serviceType}` : ''}${province ? `&province=${province}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const needs = useResource(async () => {
    setMore(null);
    const [page, smes] = await Promise.all([
      api.get<Page<NeedView>>(query()),
      // SME names for the list (operators read all profiles); a need of an SME beyond the first 100 shows its id.
      api.get<Page<OperatorSmeView>>('/v1/smes?limit=100'),
      loadCatalog(),
    ]);
    return { page, names: new Map(smes.items.map((s) => [s.id, s.name])) };
  }, [serviceType, province]);
  void catalog.value;

  const loadMore = async (cursor: string, shown: NeedView[]) => {
    try {
      const page = await api.get<Page<NeedView>>(query(cursor));
      setMore({ items: [...shown, ...page.items], cursor: page.nextCursor, error: null });
    } catch (e) {
      setMore({ items: shown, cursor, error: e });
    }
  };

  return (
    <section>
      <h1>{t('waiting.title')}</h1>
      <p class="muted">{t('waiting.intro')}</p>
      <form class="card filters" onSubmit={(e) => e.preventDefault()}>
        <div class="stack">
          <label for="waiting-service-type">{t('match.serviceType')}</label>
          <select id="waiting-service-type" value={serviceType} onChange={(e) => setServiceType(e.currentTarget.value)}>
            <option value="">{t('waiting.all')}</option>
            <ServiceTypeOptions />
          </select>
        </div>
        <div class="stack">
          <label for="waiting-province">{t('sme.region')}</label>
          <select id="waiting-province" value={province} onChange={(e) => setProvince(e.currentTarget.value)}>
            <option value="">{t('waiting.all')}</option>
            {PROVINCES.map((p) => (
              <option key={p.code} value={p.code}>
                {pick(p)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <Loaded resource={needs}>
        {({ page, names }) => {
          const items = more?.items ?? page.items;
          const cursor = more ? more.cursor : page.nextCursor;
          return (
            <>
              {items.length === 0 ? <p class="notice">{t('waiting.empty')}</p> : <ReasonSummary needs={items} />}
              <ul class="cards">
                {items.map((n) => (
                  <li key={n.id}>
                    <WaitingNeed need={n} smeName={names.get(n.smeId) ?? t('match.unknownParty', { id: n.smeId })} />
                  </li>
                ))}
              </ul>
              {more?.error != null && <ErrorNotice error={more.error} />}
              {cursor && (
                <div class="row">
                  <button type="button" class="button" onClick={() => void loadMore(cursor, items)}>
                    {t('waiting.more')}
                  </button>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

const reasonText = (r: Reason) => t(`waiting.reason.${r.code}` satisfies MessageKey);

/** How many of the listed needs wait for each reason: where the shortfall is, at a glance. */
function ReasonSummary({ needs }: { needs: NeedView[] }) {
  const byCode = new Map<Reason['code'], number>();
  for (const n of needs) for (const r of n.waiting?.reasons ?? []) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
  const rows = [...byCode].sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return null;
  return (
    <DataTable
      caption={t('waiting.summaryCaption', { count: needs.length })}
      columns={[t('waiting.reason'), t('waiting.needsCount')]}
      rows={rows.map(([code, count]) => ({ key: code, head: reasonText({ code }), cells: [count] }))}
    />
  );
}

function WaitingNeed({ need: n, smeName }: { need: NeedView; smeName: string }) {
  const headingId = `need-${n.id}`;
  const reasons = n.waiting?.reasons ?? [];
  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <h2 id={headingId}>
          {pick(serviceTypeNames(n.serviceType))} · {smeName}
        </h2>
        <span class="badge badge-need-waiting">{t('needStatus.WAITING')}</span>
      </header>
      <p class="need-description">{n.description}</p>
      <Facts
        rows={[
          [t('sme.region'), provinceName(n.sme.region.province) + (n.sme.region.city ? ` · ${n.sme.region.city}` : '')],
          [t('sme.tier'), t(`tier.${n.sme.tier}`)],
          [t('waiting.since'), formatDateTime(n.waiting?.since ?? n.postedAt)],
          [t('sme.deadline'), n.deadline],
        ]}
      />
      <h3>{t('waiting.reasons')}</h3>
      {reasons.length === 0 ? (
        <p class="muted">{t('waiting.noRound')}</p>
      ) : (
        <ul class="plain-list">
          {reasons.map((r) => (
            <li key={r.code}>
              <strong>{reasonText(r)}</strong>
              {r.count !== undefined && <> · {t('waiting.count', { count: r.count })}</>}
              {r.detail && <span class="muted"> ({r.detail})</span>}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
