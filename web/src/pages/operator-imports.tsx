/**
 * Register imports: an operator uploads a published list (the tier register
 * or a provider directory) as CSV; the API answers at once with an import id
 * and processes the rows in the background, so the page polls the import and
 * shows a live progress bar, the counts, and the rows it refused and why.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { ImportView } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { Facts } from '../components/facts.tsx';
import { ErrorNotice } from '../components/feedback.tsx';
import { formatDateTime, lang, t } from '../i18n/index.ts';
import { useAction } from '../components/action.ts';

/** The header row each register must start with (domain/registers.ts REGISTER_HEADERS; restated, as the domain module pulls zod). */
const REGISTERS = {
  tiers: { header: 'uscc,name,tier,batch,validUntil', label: 'imports.kind.tiers' },
  providers: { header: 'uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub', label: 'imports.kind.providers' },
} as const;
type RegisterPath = keyof typeof REGISTERS;
/** How often a running import is asked for its progress. */
const POLL_MS = 500;

export function ImportsPage() {
  const [kind, setKind] = useState<RegisterPath>('tiers');
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, run } = useAction();
  const [importId, setImportId] = useState<string | null>(null);

  const submit = async () => {
    if (!file) return;
    setImportId(null);
    await run(async () => {
      // The file's bytes as they are: the API checks they are UTF-8 (a GBK export is refused, not garbled).
      const started = await api.post<{ importId: string }>(`/v1/registers/${kind}`, file, { 'content-type': 'text/csv' });
      setImportId(started.importId);
    });
  };

  return (
    <section>
      <h1>{t('imports.title')}</h1>
      <p class="muted">{t('imports.intro')}</p>
      <form
        class="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label for="import-kind">{t('imports.kind')}</label>
        <select id="import-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as RegisterPath)}>
          {(Object.keys(REGISTERS) as RegisterPath[]).map((k) => (
            <option key={k} value={k}>
              {t(REGISTERS[k].label)}
            </option>
          ))}
        </select>
        <label for="import-file">{t('imports.file')}</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby="import-header-hint"
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
        <p id="import-header-hint" class="hint muted">
          {t('imports.headerHint')} <code class="csv-header">{REGISTERS[kind].header}</code>
        </p>
        <div class="row">
          <button type="submit" class="button button-primary" disabled={busy || !file}>
            {busy ? t('imports.uploading') : t('imports.start')}
          </button>
        </div>
      </form>
      {error !== null && <ErrorNotice error={error} />}
      {importId && <ImportProgress key={importId} importId={importId} />}
    </section>
  );
}

function ImportProgress({ importId }: { importId: string }) {
  const [imp, setImp] = useState<ImportView | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.get<ImportView>(`/v1/imports/${importId}`);
        if (gone) return;
        setImp(next);
        if (next.status === 'RUNNING') timer = setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (!gone) setError(e);
      }
    };
    void poll();
    return () => {
      gone = true;
      clearTimeout(timer);
    };
    // The server words the rows' errors in the console's language: a switch asks for them again.
  }, [importId, lang.value]);

  if (error !== null) return <ErrorNotice error={error} />;
  if (!imp) return <p class="muted" aria-busy="true">{t('app.loading')}</p>;
  const running = imp.status === 'RUNNING';
  return (
    <section class="card" aria-labelledby="import-progress-title">
      <h2 id="import-progress-title">{t('imports.progressTitle')}</h2>
      <p role="status" class={imp.status === 'FAILED' ? 'notice notice-error' : running ? 'muted' : 'notice notice-ok'}>
        {t(`imports.status.${imp.status}`)}
        {imp.failure ? ` ${imp.failure}` : ''}
      </p>
      <label for="import-progress">{t('imports.processed', { processed: imp.processed, total: imp.total })}</label>
      <progress id="import-progress" class="import-progress" max={Math.max(imp.total, 1)} value={imp.total === 0 && !running ? 1 : imp.processed} />
      <Facts
        rows={[
          [t('imports.accepted'), imp.accepted],
          [t('imports.rejected'), imp.rejected],
          [t('imports.startedAt'), formatDateTime(imp.startedAt)],
          imp.finishedAt && [t('imports.finishedAt'), formatDateTime(imp.finishedAt)],
        ]}
      />
      {imp.errors.length > 0 && (
        <>
          <DataTable
            caption={t('imports.errorsCaption')}
            columns={[t('imports.row'), t('imports.field'), t('imports.message')]}
            rows={imp.errors.map((e, i) => ({ key: `${e.row}-${i}`, head: e.row, cells: [e.field ?? '–', <span class="cell-text">{e.message}</span>] }))}
            prose
          />
          {imp.errorCount > imp.errors.length && <p class="muted">{t('imports.moreErrors', { count: imp.errorCount - imp.errors.length })}</p>}
        </>
      )}
    </section>
  );
}
