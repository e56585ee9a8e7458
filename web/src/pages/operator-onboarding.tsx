/**
 * The onboarding queue: providers waiting for an operator (PENDING), with
 * what an operator checks before approving — kind, USCC, regions, and each
 * certification with its validity (an expired one counts for nothing, so it
 * is marked) — approved, or rejected with a reason shown to the provider.
 */
import { api } from '../api/index.ts';
import type { Page, ProviderView } from '../api/types.ts';
import { ErrorNotice } from '../components/feedback.tsx';
import { Facts } from '../components/facts.tsx';
import { ReasonAction } from '../components/reason-action.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, providerKindNames } from '../catalog.ts';
import { formatDateTime, listText, pick, t, type MessageKey } from '../i18n/index.ts';
import { provinceName } from '../regions.ts';
import { WorkQueue } from '../components/work-queue.tsx';
import { useAction } from '../components/action.ts';

const today = () => new Date().toISOString().slice(0, 10);

export function OnboardingPage() {
  const queue = useResource(async () => {
    const [page] = await Promise.all([api.get<Page<ProviderView>>('/v1/providers?status=PENDING&limit=100'), loadCatalog()]);
    return page.items;
  }, []);
  // Read so the titles re-render once the catalog arrives.
  void catalog.value;

  return (
    <section>
      <h1>{t('onboarding.title')}</h1>
      <p class="muted">{t('onboarding.intro')}</p>
      <WorkQueue resource={queue} empty={t('onboarding.empty')}>
        {(item, onDone) => <PendingProvider provider={item} onDone={onDone} />}
      </WorkQueue>
    </section>
  );
}

function PendingProvider({ provider: p, onDone }: { provider: ProviderView; onDone: (message: string) => void }) {
  // Its success takes the card off the queue.
  const { busy, error, run } = useAction('onError');
  const headingId = `provider-${p.id}`;
  const day = today();

  const act = (action: 'approve' | 'reject', body?: unknown) =>
    run(async () => {
      await api.post(`/v1/providers/${p.id}/${action}`, body);
      onDone(t(action === 'approve' ? 'onboarding.approved' : 'onboarding.rejected', { name: p.name }));
    });

  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <h2 id={headingId}>{p.name}</h2>
        <span class="badge badge-proposed">{t('onboarding.pending')}</span>
      </header>
      <Facts
        rows={[
          [t('provider.kind'), pick(providerKindNames(p.kind))],
          [t('onboarding.uscc'), p.uscc ?? '–'],
          [t('provider.regions'), listText(p.regions.map(provinceName))],
          [t('onboarding.registeredAt'), formatDateTime(p.createdAt)],
          p.description && [t('onboarding.description'), p.description],
        ]}
      />
      <h3>{t('onboarding.certifications')}</h3>
      {p.certifications.length === 0 ? (
        <p class="muted">{t('onboarding.noCertifications')}</p>
      ) : (
        <ul class="plain-list">
          {p.certifications.map((c) =>
            typeof c === 'string' ? (
              <li key={c}>
                {c} <span class="badge badge-expired">{t('onboarding.undated')}</span>
              </li>
            ) : (
              <li key={`${c.type}|${c.number}`}>
                <strong>{t(`onboarding.cert.${c.type}` satisfies MessageKey)}</strong> {c.number}
                {c.issuer ? ` · ${c.issuer}` : ''} · {t('onboarding.validUntil', { date: c.validUntil })}{' '}
                {c.validUntil < day ? (
                  <span class="badge badge-expired">{t('onboarding.expired')}</span>
                ) : (
                  <span class="badge badge-completed">{t('onboarding.valid')}</span>
                )}
              </li>
            ),
          )}
        </ul>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <div class="row">
        <button type="button" class="button button-primary" disabled={busy} onClick={() => void act('approve')}>
          {t('onboarding.approve')}
        </button>
        <ReasonAction
          id={`reject-${p.id}`}
          label={t('onboarding.reject')}
          confirmLabel={t('onboarding.confirmReject')}
          reasonLabel={t('onboarding.reason')}
          disabled={busy}
          onConfirm={(reason) => act('reject', { reason })}
        />
      </div>
    </article>
  );
}
