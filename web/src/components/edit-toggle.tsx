/** A profile's edit form behind an "edit" button: the button until it is opened, then the form. */
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.ts';

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
