/**
 * The operators' review queue: each proposal with who, what and why (the
 * score breakdown as a chart), approved or rejected with a reason.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { MatchView, Page } from '../api/types.ts';
import { ErrorNotice } from '../components/feedback.tsx';
import { Breakdown, MatchFacts, matchTitle, withContext, type MatchWithContext } from '../components/match.tsx';
import { useResource } from '../components/resource.ts';
import { formatNumber, t } from '../i18n/index.ts';
import { catalog, loadCatalog } from '../catalog.ts';
import { WorkQueue } from '../components/work-queue.tsx';
import { useAction } from '../components/action.ts';

export function ReviewPage() {
  const queue = useResource(async () => {
    const [page] = await Promise.all([api.get<Page<MatchView>>('/v1/matches?status=PROPOSED&limit=50'), loadCatalog()]);
    return withContext(api, 'operator', page.items);
  }, []);
  // Read so the titles re-render once the catalog arrives.
  void catalog.value;

  return (
    <section>
      <h1>{t('review.title')}</h1>
      <p class="muted">{t('review.intro')}</p>
      <WorkQueue resource={queue} empty={t('review.empty')}>
        {(item, onDone) => <ReviewCard match={item} onDone={onDone} />}
      </WorkQueue>
    </section>
  );
}

function ReviewCard({ match, onDone }: { match: MatchWithContext; onDone: (message: string) => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  // Its success takes the card off the queue.
  const { busy, error, run } = useAction('onError');
  const headingId = `match-${match.id}`;
  const reasonId = `reject-reason-${match.id}`;
  const who = match.sme?.name ?? match.smeId;

  const act = (path: 'approve' | 'reject', body?: unknown) =>
    run(async () => {
      await api.post(`/v1/matches/${match.id}/${path}`, body);
      onDone(t(path === 'approve' ? 'review.approved' : 'review.rejected', { name: who }));
    });

  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <h2 id={headingId}>{matchTitle(match)}</h2>
        <span class="score">{t('match.score', { score: formatNumber(match.score, 2) })}</span>
      </header>
      <MatchFacts match={match} show={{}} />
      <Breakdown breakdown={match.breakdown} />
      {error !== null && <ErrorNotice error={error} />}
      {rejecting ? (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void act('reject', { reason: reason.trim() });
          }}
        >
          <label for={reasonId}>{t('review.reason')}</label>
          <textarea id={reasonId} rows={2} required maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="row">
            <button type="submit" class="button button-danger" disabled={busy || reason.trim() === ''}>
              {t('review.confirmReject')}
            </button>
            <button type="button" class="button" onClick={() => setRejecting(false)}>
              {t('match.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="row">
          <button type="button" class="button button-primary" disabled={busy} onClick={() => void act('approve')}>
            {t('review.approve')}
          </button>
          <button type="button" class="button" disabled={busy} onClick={() => setRejecting(true)}>
            {t('review.reject')}
          </button>
        </div>
      )}
    </article>
  );
}
