/**
 * An operator's action that needs a reason (reject a provider, suspend a
 * party): a button that opens a small form with the reason, confirmed or
 * cancelled. The reason is required, as the API requires it.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';

export interface ReasonActionProps {
  /** Unique on the page: the textarea's id. */
  id: string;
  label: string;
  confirmLabel: string;
  reasonLabel: string;
  disabled?: boolean;
  onConfirm: (reason: string) => Promise<void> | void;
}

export function ReasonAction({ id, label, confirmLabel, reasonLabel, disabled, onConfirm }: ReasonActionProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <button type="button" class="button" disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  return (
    <form
      class="stack reason-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onConfirm(reason.trim());
      }}
    >
      <label for={id}>{reasonLabel}</label>
      <textarea id={id} rows={2} required maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="row">
        <button type="submit" class="button button-danger" disabled={disabled || reason.trim() === ''}>
          {confirmLabel}
        </button>
        <button type="button" class="button" onClick={() => setOpen(false)}>
          {t('match.cancel')}
        </button>
      </div>
    </form>
  );
}
