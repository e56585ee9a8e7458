/**
 * What the SME and provider profile forms share: the USCC field (its shape
 * checked here, its check character and uniqueness by the server, whose
 * message is shown next to the field), the optional contact, and how a
 * server refusal is split between a field and the form.
 */
import { ApiError } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice } from './feedback.tsx';
import { FieldError, invalidProps } from './field-errors.tsx';

/** 18 characters: digits and upper-case letters except I, O, Z, S, V (GB 32100-2015); the check character is the server's to verify. */
const USCC_SHAPE = /^[0-9A-HJ-NP-RTUWXY]{18}$/;

export const normaliseUscc = (v: string) => v.trim().toUpperCase();
export const usccShapeOk = (v: string) => USCC_SHAPE.test(normaliseUscc(v));

/** The server's word on the USCC (400: the rule that failed; 409: already registered), or null. */
export function usccProblem(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const d = error.details.find((x) => /(^|\.)uscc$/.test(x.path));
  return d ? `${error.code ? t(`error.${error.code}`) : ''} ${d.message}`.trim() : null;
}

/** The form's error, unless it is only about the USCC (then the field shows it). */
export function FormError({ error }: { error: unknown }) {
  if (error === null || (usccProblem(error) !== null && (error as ApiError).details.length === 1)) return null;
  return <ErrorNotice error={error} />;
}

export function UsccField({ id, value, onInput, required, problem }: { id: string; value: string; onInput: (v: string) => void; required: boolean; problem: string | null }) {
  return (
    <>
      <label for={id}>{required ? t('profile.uscc') : t('profile.usccOptional')}</label>
      <input
        id={id}
        required={required}
        maxLength={18}
        autoComplete="off"
        spellcheck={false}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ''}`}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <p id={`${id}-hint`} class="muted hint">
        {t('profile.usccHint')}
      </p>
      {problem && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

export interface ContactDraft {
  name: string;
  phone: string;
  email: string;
}
export const emptyContact: ContactDraft = { name: '', phone: '', email: '' };

/** The contact for the body: only with a name (the API requires one), without empty fields. */
export function contactBody(c: ContactDraft) {
  const name = c.name.trim();
  if (!name) return {};
  const phone = c.phone.trim();
  const email = c.email.trim();
  return { contact: { name, ...(phone ? { phone } : {}), ...(email ? { email } : {}) } };
}

/** The draft of a contact already on file (empty fields where it has none). */
export const contactDraftOf = (c: { name: string; phone?: string; email?: string } | undefined): ContactDraft =>
  c ? { name: c.name, phone: c.phone ?? '', email: c.email ?? '' } : emptyContact;

/** `error`: a server refusal whose details about `contact.*` are shown at their fields. */
export function ContactFields({ id, value, onChange, error = null }: { id: string; value: ContactDraft; onChange: (c: ContactDraft) => void; error?: unknown }) {
  const field = (k: keyof ContactDraft, type: 'text' | 'tel' | 'email', auto: string) => (
    <>
      <label for={`${id}-${k}`}>{t(`profile.contact.${k}`)}</label>
      <input
        id={`${id}-${k}`}
        type={type as 'text'}
        autoComplete={auto}
        maxLength={254}
        value={value[k]}
        onInput={(e) => onChange({ ...value, [k]: e.currentTarget.value })}
        {...invalidProps(error, `contact.${k}`, `${id}-${k}-error`)}
      />
      <FieldError id={`${id}-${k}-error`} error={error} field={`contact.${k}`} />
    </>
  );
  return (
    <fieldset class="stack">
      <legend>{t('profile.contact')}</legend>
      <p class="muted hint">{t('profile.contactHint')}</p>
      {field('name', 'text', 'name')}
      {field('phone', 'tel', 'tel')}
      {field('email', 'email', 'email')}
    </fieldset>
  );
}

/**
 * The contact for a PATCH: only when it differs from the one on file. The
 * API keeps a contact once given (it has no way to remove one), so clearing
 * every field sends nothing; a name left empty with a phone or email is
 * sent as it is, for the server to refuse at the field.
 */
export function contactChange(draft: ContactDraft, current: { name: string; phone?: string; email?: string } | undefined) {
  const next = { name: draft.name.trim(), phone: draft.phone.trim(), email: draft.email.trim() };
  const before = contactDraftOf(current);
  if (next.name === before.name && next.phone === before.phone && next.email === before.email) return {};
  if (!next.name && !next.phone && !next.email) return {};
  return { contact: { name: next.name, ...(next.phone ? { phone: next.phone } : {}), ...(next.email ? { email: next.email } : {}) } };
}
