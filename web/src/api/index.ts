/** The console's one API client, built once and shared by every page. */
import { apiBase } from '../auth/mode.ts';
import { endSession, session } from '../auth/session.ts';
import { lang } from '../i18n/index.ts';
import { createApi } from './client.ts';

export const api = createApi({
  token: () => session.value?.token,
  // An expired token sends the person back to sign-in instead of failing every request.
  onUnauthenticated: () => endSession(),
  // '' locally and by default; config.json may name the API's own origin.
  baseUrl: apiBase,
  // The server words its refusals (the messages shown at the fields) in the console's language, not the browser's.
  language: () => lang.value,
});
