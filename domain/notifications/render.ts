/**
 * Notification text in the reader's language. Pure: the inbox calls it when
 * an item is read (with `pickLanguage`'s answer), the e-mail channel when it
 * sends. The text is plain, not HTML: whoever displays it escapes it.
 */
import type { Lang } from '../language.ts';
import { en } from './en.ts';
import type { NotificationContent, NotificationParams, NotificationType, Rendered, Templates } from './types.ts';
import { zh } from './zh.ts';

const TEMPLATES: Record<Lang, Templates> = { zh, en };

export function render<T extends NotificationType>(type: T, lang: Lang, params: NotificationParams[T]): Rendered {
  const templates: Templates = TEMPLATES[lang];
  return templates[type](params);
}

/** The same for a stored `{ type, params }`. */
export function renderContent(content: NotificationContent, lang: Lang): Rendered {
  return render(content.type, lang, content.params);
}
