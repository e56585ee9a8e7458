/**
 * The provider's own organisation(s): onboarding status (a new provider waits
 * for the platform's approval before its offerings are matched), its typed
 * certifications with their validity, and the form for a first or another
 * organisation (POST /v1/providers). The owner edits what PATCH
 * /v1/providers/{providerId} takes (name, description, contact, languages);
 * kind, regions and certifications are what operators vet.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { PROVINCES } from '#domain/regions.ts';
import type { Certification, CertificationType } from '#domain/credentials.ts';
import type { CreateProviderBody, PatchProviderBody } from '#domain/model.ts';
import { api } from '../api/index.ts';
import type { ProviderView } from '../api/types.ts';
import { Loaded, StatusMessage } from '../components/feedback.tsx';
import { describedProps, FieldError, FormNotice, invalidProps } from '../components/field-errors.tsx';
import { LANGUAGES, languageName } from '../components/offering-form.tsx';
import {
  ContactFields, contactBody, contactChange, contactDraftOf, emptyContact, FormError, normaliseUscc, usccProblem, usccShapeOk, UsccField
} from '../components/profile-form.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, providerKindNames } from '../catalog.ts';
import { formatNumber, listText, pick, t } from '../i18n/index.ts';
import { provinceName } from '../regions.ts';
import { loadOwnProviders } from './provider-offerings.tsx';
import { EditToggle, useProfileEditing } from '../components/edit-toggle.tsx';
import { useAction } from '../components/action.ts';

// Spelt out, not imported: a value import of domain/credentials.ts would bring zod into the bundle.
const CERT_TYPES: readonly CertificationType[] = ['CMA', 'CNAS', 'ISO_CERTIFICATION_BODY', 'CNIPA_DESIGNATION', 'MIIT_DESIGN_CENTRE', 'OTHER'];
const today = () => new Date().toISOString().slice(0, 10);

export function ProviderProfilePage() {
  const data = useResource(() => Promise.all([loadOwnProviders(), loadCatalog()]).then(([p]) => p), []);
  const [adding, setAdding] = useState(false);
  const edit = useProfileEditing(() => data.reload());
  void catalog.value;
  return (
    <section>
      <h1>{t('providerProfile.title')}</h1>
      <StatusMessage message={edit.status} />
      <Loaded resource={data}>
        {(list) => (
          <>
            {list.length === 0 && <p class="notice">{t('provider.none')}</p>}
            {list.map((p) => (
              <ProviderCard key={p.id} provider={p}>
                <EditToggle open={edit.isOpen(p.id)} onOpen={() => edit.open(p.id)}>
                  <ProviderEditForm provider={p} onSaved={edit.saved} onCancel={edit.cancel} />
                </EditToggle>
              </ProviderCard>
            ))}
            {list.length === 0 || adding ? (
              <ProviderCreateForm
                onCreated={() => {
                  setAdding(false);
                  data.reload();
                }}
              />
            ) : (
              <button type="button" class="button" onClick={() => setAdding(true)}>
                {t('providerNew.another')}
              </button>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function ProviderCard({ provider: p, children }: { provider: ProviderView; children?: ComponentChildren }) {
  const status = p.status ?? 'APPROVED';
  return (
    <article class="card" aria-labelledby={`pp-${p.id}`}>
      <header class="card-head">
        <h2 id={`pp-${p.id}`}>{p.name}</h2>
        <span class={`badge badge-${status === 'PENDING' ? 'pending' : status.toLowerCase()}`}>{t(`providerStatus.${status}`)}</span>
      </header>
      {status === 'PENDING' && <p class="notice">{t('providerProfile.pending')}</p>}
      {status === 'REJECTED' && <p class="notice notice-error">{t('providerProfile.rejected', { reason: p.statusReason ?? '' })}</p>}
      {p.suspended && <p class="notice notice-error">{t('providerProfile.suspended', { reason: p.suspended.reason })}</p>}
      <dl class="facts">
        {p.uscc && (
          <>
            <dt>{t('profile.usccShort')}</dt>
            <dd>{p.uscc}</dd>
          </>
        )}
        <dt>{t('provider.kind')}</dt>
        <dd>{pick(providerKindNames(p.kind))}</dd>
        <dt>{t('provider.regions')}</dt>
        <dd>{listText(p.regions.map(provinceName))}</dd>
        <dt>{t('providerNew.languages')}</dt>
        <dd>{listText(p.languages.map(languageName))}</dd>
        <dt>{t('provider.rating')}</dt>
        <dd>{p.rating === null ? t('provider.noRating') : `${formatNumber(p.rating, 1)} / 5 (${p.ratingCount})`}</dd>
        {p.contact && (
          <>
            <dt>{t('profile.contact')}</dt>
            <dd>{[p.contact.name, p.contact.phone, p.contact.email].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {p.description && (
          <>
            <dt>{t('profileEdit.description')}</dt>
            <dd>{p.description}</dd>
          </>
        )}
      </dl>
      {children}
      <h3>{t('providerNew.certifications')}</h3>
      {p.certifications.length === 0 ? (
        <p class="muted">{t('app.empty')}</p>
      ) : (
        <ul class="needs">
          {p.certifications.map((c, i) =>
            typeof c === 'string' ? (
              <li key={i} class="need">
                {c} <span class="badge">{t('providerProfile.undated')}</span>
              </li>
            ) : (
              <li key={i} class="need">
                <div class="card-head">
                  <strong>
                    {t(`certType.${c.type}`)} · {c.number}
                  </strong>
                  {c.validUntil < today() ? (
                    <span class="badge badge-expired">{t('providerProfile.expired')}</span>
                  ) : (
                    <span class="badge badge-confirmed">{t('providerProfile.valid')}</span>
                  )}
                </div>
                <p class="muted">
                  {c.issuer && `${c.issuer} · `}
                  {t('sme.validUntil', { date: c.validUntil })}
                </p>
              </li>
            ),
          )}
        </ul>
      )}
    </article>
  );
}

const blankCert = (): Certification => ({ type: 'CMA', number: '', issuer: '', validUntil: '' });

function ProviderCreateForm({ onCreated }: { onCreated: () => void }) {
  const [f, setF] = useState({ name: '', uscc: '', kind: '', description: '' });
  const [regions, setRegions] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>(['zh-CN']);
  const [certs, setCerts] = useState<Certification[]>([]);
  const [contact, setContact] = useState(emptyContact);
  const [shapeError, setShapeError] = useState(false);
  const [missing, setMissing] = useState(false);
  // Its success replaces the form with the new profile.
  const { busy, error, run, setError } = useAction('onError');
  const toggle = (list: string[], set: (l: string[]) => void, v: string, on: boolean) => set(on ? [...list, v] : list.filter((x) => x !== v));
  const setCert = (i: number, c: Partial<Certification>) => setCerts(certs.map((x, j) => (j === i ? { ...x, ...c } : x)));

  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    const uscc = normaliseUscc(f.uscc);
    setShapeError(uscc !== '' && !usccShapeOk(uscc));
    setMissing(regions.length === 0 || languages.length === 0);
    if ((uscc !== '' && !usccShapeOk(uscc)) || regions.length === 0 || languages.length === 0) return;
    const body: CreateProviderBody = {
      name: f.name.trim(),
      kind: f.kind as CreateProviderBody['kind'],
      regions: regions as CreateProviderBody['regions'],
      languages,
      certifications: certs.map(({ issuer, ...c }) => ({ ...c, number: c.number.trim(), ...(issuer?.trim() ? { issuer: issuer.trim() } : {}) })),
      ...(f.description.trim() ? { description: f.description.trim() } : {}),
      ...(uscc ? { uscc } : {}),
      ...contactBody(contact),
    };
    return run(async () => {
      await api.post('/v1/providers', body);
      onCreated();
    });
  };

  return (
    <form class="card stack" aria-labelledby="provider-new" onSubmit={(e) => void submit(e)}>
      <h2 id="provider-new">{t('providerNew.title')}</h2>
      <p class="muted">{t('providerNew.intro')}</p>
      <label for="pn-name">{t('smeNew.name')}</label>
      <input id="pn-name" required maxLength={200} autoComplete="organization" value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />
      <UsccField id="pn-uscc" required={false} value={f.uscc} onInput={(uscc) => setF({ ...f, uscc })} problem={shapeError ? t('profile.usccShape') : usccProblem(error)} />
      <label for="pn-kind">{t('provider.kind')}</label>
      <select id="pn-kind" required value={f.kind} onChange={(e) => setF({ ...f, kind: e.currentTarget.value })}>
        <option value="">{t('providerNew.chooseKind')}</option>
        {catalog.value?.providerKinds.map((k) => (
          <option key={k.id} value={k.id}>
            {pick(k)}
          </option>
        ))}
      </select>
      <fieldset class="choices" aria-describedby={missing && regions.length === 0 ? 'pn-regions-error' : undefined}>
        <legend>{t('provider.regions')}</legend>
        {PROVINCES.map((p) => (
          <label key={p.code} class="check">
            <input type="checkbox" checked={regions.includes(p.code)} onChange={(e) => toggle(regions, setRegions, p.code, e.currentTarget.checked)} />
            {pick(p)}
          </label>
        ))}
        {missing && regions.length === 0 && (
          <p id="pn-regions-error" class="field-error" role="alert">
            {t('providerNew.chooseOne')}
          </p>
        )}
      </fieldset>
      <fieldset class="choices">
        <legend>{t('providerNew.languages')}</legend>
        {LANGUAGES.map((l) => (
          <label key={l} class="check">
            <input type="checkbox" checked={languages.includes(l)} onChange={(e) => toggle(languages, setLanguages, l, e.currentTarget.checked)} />
            {languageName(l)}
          </label>
        ))}
        {missing && languages.length === 0 && (
          <p class="field-error" role="alert">
            {t('providerNew.chooseOne')}
          </p>
        )}
      </fieldset>
      <fieldset class="stack">
        <legend>{t('providerNew.certifications')}</legend>
        <p class="muted hint">{t('providerNew.certHint')}</p>
        {certs.map((c, i) => (
          <div key={i} class="cert stack" role="group" aria-label={t('providerNew.cert', { n: i + 1 })}>
            <label for={`cert-type-${i}`}>{t('providerNew.certType')}</label>
            <select id={`cert-type-${i}`} value={c.type} onChange={(e) => setCert(i, { type: e.currentTarget.value as CertificationType })}>
              {CERT_TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`certType.${ty}`)}
                </option>
              ))}
            </select>
            <label for={`cert-number-${i}`}>{t('providerNew.certNumber')}</label>
            <input id={`cert-number-${i}`} required maxLength={100} value={c.number} onInput={(e) => setCert(i, { number: e.currentTarget.value })} />
            <label for={`cert-issuer-${i}`}>{t('providerNew.certIssuer')}</label>
            <input id={`cert-issuer-${i}`} maxLength={200} value={c.issuer} onInput={(e) => setCert(i, { issuer: e.currentTarget.value })} />
            <label for={`cert-until-${i}`}>{t('providerNew.certValidUntil')}</label>
            <input id={`cert-until-${i}`} type="date" required value={c.validUntil} onInput={(e) => setCert(i, { validUntil: e.currentTarget.value })} />
            <div class="row">
              <button type="button" class="button" onClick={() => setCerts(certs.filter((_, j) => j !== i))}>
                {t('providerNew.removeCert', { n: i + 1 })}
              </button>
            </div>
          </div>
        ))}
        <div class="row">
          <button type="button" class="button" onClick={() => setCerts([...certs, blankCert()])}>
            {t('providerNew.addCert')}
          </button>
        </div>
      </fieldset>
      <label for="pn-description">{t('providerNew.description')}</label>
      <textarea id="pn-description" rows={3} maxLength={2000} value={f.description} onInput={(e) => setF({ ...f, description: e.currentTarget.value })} />
      <ContactFields id="pn-contact" value={contact} onChange={setContact} />
      <FormError error={error} />
      <div class="row">
        <button type="submit" class="button button-primary" disabled={busy}>
          {t('providerNew.submit')}
        </button>
      </div>
    </form>
  );
}

const PROVIDER_FIELDS = ['name', 'description', 'languages', 'contact'];

function ProviderEditForm({ provider: p, onSaved, onCancel }: { provider: ProviderView; onSaved: (p: ProviderView) => void; onCancel: () => void }) {
  const id = `provider-edit-${p.id}`;
  const [f, setF] = useState({ name: p.name, description: p.description ?? '' });
  const [languages, setLanguages] = useState<string[]>(p.languages);
  const [contact, setContact] = useState(contactDraftOf(p.contact));
  // Its success closes the form.
  const { busy, error, run } = useAction('onError');
  const sameLanguages = languages.length === p.languages.length && languages.every((l) => p.languages.includes(l));
  // Only what changed (a PATCH of nothing is a 400). A description can be replaced, not removed: the API has no way to.
  const body: PatchProviderBody = {
    ...(f.name.trim() !== p.name ? { name: f.name.trim() } : {}),
    ...(f.description.trim() !== (p.description ?? '') && f.description.trim() !== '' ? { description: f.description.trim() } : {}),
    ...(sameLanguages ? {} : { languages }),
    ...contactChange(contact, p.contact),
  };
  const changed = Object.keys(body).length > 0;
  // Languages the form does not list (a register import's) stay as they are, shown checked.
  const choices = [...LANGUAGES, ...p.languages.filter((l) => !LANGUAGES.includes(l))];

  const submit = (e: Event) => {
    e.preventDefault();
    return run(async () => onSaved(await api.patch<ProviderView>(`/v1/providers/${p.id}`, body)));
  };

  return (
    <form class="stack edit-form" aria-labelledby={id} onSubmit={(e) => void submit(e)}>
      <h3 id={id}>{t('profileEdit.title')}</h3>
      <p class="muted hint">{t('profileEdit.providerIntro')}</p>
      <FormNotice error={error} fields={PROVIDER_FIELDS} />
      <label for={`${id}-name`}>{t('smeNew.name')}</label>
      <input id={`${id}-name`} required maxLength={200} autoComplete="organization" value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} {...invalidProps(error, 'name', `${id}-name-error`)} />
      <FieldError id={`${id}-name-error`} error={error} field="name" />
      <fieldset class="choices" {...describedProps(error, 'languages', `${id}-languages-error`)}>
        <legend>{t('providerNew.languages')}</legend>
        {choices.map((l) => (
          <label key={l} class="check">
            <input type="checkbox" checked={languages.includes(l)} onChange={(e) => setLanguages(e.currentTarget.checked ? [...languages, l] : languages.filter((x) => x !== l))} />
            {languageName(l)}
          </label>
        ))}
        <FieldError id={`${id}-languages-error`} error={error} field="languages" />
      </fieldset>
      <label for={`${id}-description`}>{t('profileEdit.description')}</label>
      <textarea id={`${id}-description`} rows={3} maxLength={2000} value={f.description} onInput={(e) => setF({ ...f, description: e.currentTarget.value })} {...invalidProps(error, 'description', `${id}-description-error`)} />
      <FieldError id={`${id}-description-error`} error={error} field="description" />
      <ContactFields id={`${id}-contact`} value={contact} onChange={setContact} error={error} />
      <div class="row">
        <button type="submit" class="button button-primary" disabled={busy || !changed}>
          {t('profileEdit.save')}
        </button>
        <button type="button" class="button" disabled={busy} onClick={onCancel}>
          {t('profileEdit.cancel')}
        </button>
      </div>
    </form>
  );
}
