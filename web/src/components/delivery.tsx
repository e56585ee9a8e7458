/**
 * A match after both parties accepted (api.md "Matches: who, and delivery"):
 * the other party's contact (the API shows it from CONFIRMED on), the
 * delivery dates, the provider's "delivered", the SME's confirmation or
 * dispute, and the SME's feedback once the match is COMPLETED.
 */
import { useState } from 'preact/hooks';
import type { Api } from '../api/client.ts';
import { formatDateTime, t, type MessageKey } from '../i18n/index.ts';
import { useAction } from './action.ts';
import { ErrorNotice } from './feedback.tsx';
import type { MatchWithContext } from './match.tsx';
import { ReasonAction } from './reason-action.tsx';

type Party = 'sme' | 'provider';
const COMMITTED = ['CONFIRMED', 'DELIVERED', 'DISPUTED', 'COMPLETED'];

const When = ({ at }: { at: string }) => <time dateTime={at}>{formatDateTime(at)}</time>;

export function DeliveryFacts({ match: m, party }: { match: MatchWithContext; party: Party }) {
  const committed = COMMITTED.includes(m.status);
  if (!committed) return null;
  const c = (party === 'sme' ? m.provider : m.sme)?.contact;
  const dispute = m.status === 'DISPUTED' ? m.history.findLast((h) => h.status === 'DISPUTED')?.reason : undefined;
  return (
    <dl class="facts">
      <dt>{t('delivery.contact')}</dt>
      <dd>
        {c ? (
          <>
            {c.name}
            {c.phone && (
              <>
                {' · '}
                <a href={`tel:${c.phone}`}>{c.phone}</a>
              </>
            )}
            {c.email && (
              <>
                {' · '}
                <a href={`mailto:${c.email}`}>{c.email}</a>
              </>
            )}
          </>
        ) : (
          <span class="muted">{t('delivery.noContact')}</span>
        )}
      </dd>
      {m.status === 'CONFIRMED' && m.deliveryDueAt && (
        <>
          <dt>{t('delivery.dueAt')}</dt>
          <dd>
            <When at={m.deliveryDueAt} />
          </dd>
        </>
      )}
      {m.deliveredAt && (
        <>
          <dt>{t('delivery.deliveredAt')}</dt>
          <dd>
            <When at={m.deliveredAt} />
          </dd>
        </>
      )}
      {m.status === 'DELIVERED' && m.autoConfirmAt && (
        <>
          <dt>{t('delivery.autoConfirmAt')}</dt>
          <dd>
            <When at={m.autoConfirmAt} />
          </dd>
        </>
      )}
      {dispute && (
        <>
          <dt>{t('delivery.disputeReason')}</dt>
          <dd>{dispute}</dd>
        </>
      )}
      {m.feedback && (
        <>
          <dt>{t('feedback.title')}</dt>
          <dd>
            {t('feedback.stars', { rating: m.feedback.rating })}
            {m.feedback.comment && <> · {m.feedback.comment}</>}
          </dd>
        </>
      )}
    </dl>
  );
}

/** The next step of delivery the viewer may take, if any. */
export function DeliveryActions({ api, match: m, party, onDone }: { api: Api; match: MatchWithContext; party: Party; onDone: (message: string) => void }) {
  const { busy, error, run } = useAction();
  const act = (step: 'deliver' | 'confirm' | 'dispute' | 'feedback', done: MessageKey, body?: unknown) =>
    run(async () => {
      await api.post(`/v1/matches/${m.id}/${step}`, body);
      onDone(t(done));
    });

  let step;
  if (party === 'provider' && m.status === 'CONFIRMED') {
    step = (
      <button type="button" class="button button-primary" disabled={busy} onClick={() => void act('deliver', 'delivery.delivered')}>
        {t('delivery.deliver')}
      </button>
    );
  } else if (party === 'sme' && m.status === 'DELIVERED') {
    step = (
      <>
        <p>{t('delivery.confirmAsk')}</p>
        <div class="row">
          <button type="button" class="button button-primary" disabled={busy} onClick={() => void act('confirm', 'delivery.confirmed')}>
            {t('delivery.confirm')}
          </button>
        </div>
        <ReasonAction
          id={`dispute-${m.id}`}
          label={t('delivery.dispute')}
          confirmLabel={t('delivery.sendDispute')}
          reasonLabel={t('delivery.disputeReason')}
          disabled={busy}
          onConfirm={(reason) => act('dispute', 'delivery.disputed', { reason })}
        />
      </>
    );
  } else if (party === 'sme' && m.status === 'COMPLETED' && !m.feedback) {
    step = <FeedbackForm id={m.id} busy={busy} onSubmit={(body) => act('feedback', 'feedback.sent', body)} />;
  } else {
    return null;
  }
  return (
    <div class="actions">
      {error !== null && <ErrorNotice error={error} />}
      {step}
    </div>
  );
}

function FeedbackForm({ id, busy, onSubmit }: { id: string; busy: boolean; onSubmit: (body: { rating: number; comment?: string }) => void }) {
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      }}
    >
      <fieldset class="choices">
        <legend>{t('feedback.rating')}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} class="check">
            <input type="radio" name={`rating-${id}`} value={n} required checked={rating === n} onChange={() => setRating(n)} />
            {t('feedback.stars', { rating: n })}
          </label>
        ))}
      </fieldset>
      <label for={`comment-${id}`}>{t('feedback.comment')}</label>
      <textarea id={`comment-${id}`} rows={2} maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      <div class="row">
        <button type="submit" class="button button-primary" disabled={busy}>
          {t('feedback.submit')}
        </button>
      </div>
    </form>
  );
}
