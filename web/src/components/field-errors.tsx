/**
 * The server's 400 details placed at the fields they are about: a detail's
 * path is `body.<field>[.<index or key>…]` (functions/http/validate.ts), so
 * a form names its fields and each shows its own messages, with
 * aria-invalid and aria-describedby on the control. What no field claims
 * stays in the form's notice, so nothing the server said is lost.
 */
import { ApiError } from '../api/client.ts';
import { ErrorNotice } from './feedback.tsx';

const belongsTo = (path: string, field: string) => path === `body.${field}` || path.startsWith(`body.${field}.`);

/** The server's messages about one field (the body's key, e.g. "regions" or "contact"), or none. */
export function fieldMessages(error: unknown, field: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.details.filter((d) => belongsTo(d.path, field)).map((d) => d.message);
}

/** Attributes for a control whose field may carry a server message (its hint, if any, stays described too). */
export function invalidProps(error: unknown, field: string, errorId: string, hintId?: string) {
  const bad = fieldMessages(error, field).length > 0;
  return { 'aria-invalid': bad ? (true as const) : undefined, ...describedProps(error, field, errorId, hintId) };
}

/** For a group (a fieldset of checkboxes): described by the message, but aria-invalid belongs to controls, not groups. */
export function describedProps(error: unknown, field: string, errorId: string, hintId?: string) {
  const bad = fieldMessages(error, field).length > 0;
  const describedBy = [hintId, bad ? errorId : undefined].filter(Boolean).join(' ');
  return { 'aria-describedby': describedBy || undefined };
}

export function FieldError({ id, error, field }: { id: string; error: unknown; field: string }) {
  const messages = fieldMessages(error, field);
  if (messages.length === 0) return null;
  return (
    <p id={id} class="field-error" role="alert">
      {messages.join('; ')}
    </p>
  );
}

/**
 * The form's notice: the error's headline, with only the details no field
 * of `fields` shows (the field shows its own, next to it).
 */
export function FormNotice({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (error === null || error === undefined) return null;
  if (!(error instanceof ApiError)) return <ErrorNotice error={error} />;
  const rest = error.details.filter((d) => !fields.some((f) => belongsTo(d.path, f)));
  return <ErrorNotice error={new ApiError(error.status, error.code, error.message, rest)} />;
}
