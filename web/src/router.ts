/**
 * History routing: real paths (/sme/matches) that survive a reload, because
 * the server answers index.html for every path in paths.ts.
 */
import { signal } from '@preact/signals';
import type { TargetedMouseEvent } from 'preact';

export const currentPath = signal<string>(location.pathname);

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  currentPath.value = path;
}

addEventListener('popstate', () => {
  currentPath.value = location.pathname;
});

/** onClick for an <a href>: navigates in the app; modified clicks (new tab) stay the browser's. */
export function followLink(e: TargetedMouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.pathname);
}
