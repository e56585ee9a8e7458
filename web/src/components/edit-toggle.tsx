/** A profile's edit form behind an "edit" button: the button until it is opened, then the form. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';

/**
 * Which of a page's profiles is being edited (one at a time), and the line
 * announcing the last save: opening a form clears it, a save closes the
 * form, says so and reloads the page's data.
 */
export function useProfileEditing(reload: () => void) {
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  return {
    status,
    isOpen: (id: string) => editing === id,
    open: (id: string) => {
      setStatus(null);
      setEditing(id);
    },
    saved: (profile: { name: string }) => {
      setEditing(null);
      setStatus(t('profileEdit.saved', { name: profile.name }));
      reload();
    },
    cancel: () => setEditing(null),
  };
}

export function EditToggle({ open, onOpen, children }: { open: boolean; onOpen: () => void; children: ComponentChildren }) {
  if (open) return <>{children}</>;
  return (
    <div class="row">
      <button type="button" class="button" onClick={onOpen}>
        {t('profileEdit.open')}
      </button>
    </div>
  );
}
