/** Entry: styles, the sign-in mode, the catalog prefetch, and the app. */
import { render } from 'preact';
import './styles.css';
import { App } from './app.tsx';
import { loadMode } from './auth/mode.ts';
import { loadCatalog } from './catalog.ts';

// The mode says where the API is (config.json's apiBase), so the catalog is asked after it.
void loadMode().then(() =>
  // Names of service types are needed on most pages: ask early, in parallel with the first page's own data.
  loadCatalog().catch(() => {
    // Pages that need it ask again and show the error themselves.
  }),
);
render(<App />, document.getElementById('app')!);
