/**
 * The SME's own profile(s) and needs with their status. The declared tier is
 * shown as declared, next to what a register or an operator verified (the
 * only tier the matcher uses). A person without a profile gets the form; an
 * owner edits what PATCH /v1/smes/{smeId} takes (name, industry, city,
 * contact) — the USCC, province, size and tier are the platform's to verify.
 */
import { useState } from 'preact/hooks';
import type { PatchSmeBody } from '#domain/model.ts';
import { api } from '../api/index.ts';
import type { NeedView, OwnSmeView, Page } from '../api/types.ts';
import { Loaded, StatusMessage } from '../components/feedback.tsx';
import { FieldError, FormNotice, invalidProps } from '../components/field-errors.tsx';
import { ContactFields, contactChange, contactDraftOf } from '../components/profile-form.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatYuan, pick, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { provinceName } from '../regions.ts';
import { followLink } from '../router.ts';
import { SmeCreateForm } from './sme-create.tsx';
import { EditToggle, useProfileEditing } from '../components/edit-toggle.tsx';
import { useAction } from '../components/action.ts';

export async function loadOwnSmes(): Promise<OwnSmeView[]> {
  return (await api.get<Page<OwnSmeView>>('/v1/smes?limit=100')).items;
}

function Verification({ sme }: { sme: OwnSmeView }) {
  const v = sme.tierVerification;
  if (!v.source) return <span class="muted">{t('sme.unverified')}</span>;
  return (
    <>
      <span class="badge badge-approved">{t(`tier.${sme.tier}`)}</span>{' '}
      <span class="muted">
        {t(v.source === 'REGISTER' ? 'sme.byRegister' : 'sme.byOperator')}
        {v.batch && ` · ${v.batch}`}
        {v.validUntil && ` · ${t('sme.validUntil', { date: v.validUntil })}`}
      </span>
    </>
  );
}

export function SmeProfilePage() {
  const data = useResource(async () => {
    const [smes] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    return Promise.all(smes.map(async (sme) => ({ sme, needs: (await api.get<Page<NeedView>>(`/v1/smes/${sme.id}/needs?limit=100`)).items })));
  }, []);
  const edit = useProfileEditing(() => data.reload());
  void catalog.value;
  const declared = (verified: boolean) => <span class="muted"> · {t(verified ? 'sme.verified' : 'sme.declared')}</span>;

  return (
    <section>
      <h1>{t('sme.title')}</h1>
      <StatusMessage message={edit.status} />
      <Loaded resource={data}>
        {(list) =>
          list.length === 0 ? (
            <>
              <p class="notice">{t('sme.none')}</p>
              <SmeCreateForm onCreated={data.reload} />
            </>
          ) : (
            list.map(({ sme, needs }) => (
              <article key={sme.id} class="card" aria-labelledby={`sme-${sme.id}`}>
                <h2 id={`sme-${sme.id}`}>{sme.name}</h2>
                {sme.suspension && (
                  <p class="notice notice-error">{t('sme.suspended', { reason: sme.suspension.reason })}</p>
                )}
                <dl class="facts">
                  {sme.uscc && (
                    <>
                      <dt>{t('profile.usccShort')}</dt>
                      <dd>{sme.uscc}</dd>
                    </>
                  )}
                  <dt>{t('sme.industry')}</dt>
                  <dd>{sme.industry}</dd>
                  <dt>{t('sme.region')}</dt>
                  <dd>
                    {provinceName(sme.region.province)}
                    {sme.region.city ? ` ${sme.region.city}` : ''}
                  </dd>
                  <dt>{t('sme.size')}</dt>
                  <dd>
                    {t(`sizeClass.${sme.sizeClass}`)}
                    {declared(sme.verified.sizeClass)}
                  </dd>
                  {sme.weakFoundation && (
                    <>
                      <dt>{t('smeNew.weak')}</dt>
                      <dd>
                        {t('sme.yes')}
                        {declared(sme.verified.weakFoundation)}
                      </dd>
                    </>
                  )}
                  <dt>{t('sme.declaredTier')}</dt>
                  <dd>
                    {t(`tier.${sme.declaredTier}`)}
                    <span class="muted"> · {t('sme.declaredNotVerified')}</span>
                  </dd>
                  <dt>{t('sme.verifiedTier')}</dt>
                  <dd>
                    <Verification sme={sme} />
                  </dd>
                  {sme.contact && (
                    <>
                      <dt>{t('profile.contact')}</dt>
                      <dd>{[sme.contact.name, sme.contact.phone, sme.contact.email].filter(Boolean).join(' · ')}</dd>
                    </>
                  )}
                </dl>
                <EditToggle open={edit.isOpen(sme.id)} onOpen={() => edit.open(sme.id)}>
                  <SmeEditForm sme={sme} onSaved={edit.saved} onCancel={edit.cancel} />
                </EditToggle>
                <div class="card-head">
                  <h3>{t('sme.needs')}</h3>
                  <a class="button button-primary" href={`${ROUTES.smeNewNeed}`} onClick={followLink}>
                    {t('sme.postNeed')}
                  </a>
                </div>
                {needs.length === 0 ? (
                  <p class="muted">{t('app.empty')}</p>
                ) : (
                  <ul class="needs">
                    {needs.map((n) => (
                      <li key={n.id} class="need">
                        <div class="card-head">
                          <strong>{pick(serviceTypeNames(n.serviceType))}</strong>
                          <span class={`badge badge-need-${n.status.toLowerCase()}`}>{t(`needStatus.${n.status}`)}</span>
                        </div>
                        <p>{n.description}</p>
                        <p class="muted">
                          {t('sme.deadline')} {n.deadline}
                          {n.budgetMax !== undefined && (
                            <>
                              {' '}
                              · {t('sme.budget')} {formatYuan(n.budgetMax)}
                            </>
                          )}
                          {n.voucherId && <> · {t('sme.paidByVoucher')}</>}
                        </p>
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            ))
          )
        }
      </Loaded>
    </section>
  );
}

const SME_FIELDS = ['name', 'industry', 'region', 'contact'];

function SmeEditForm({ sme, onSaved, onCancel }: { sme: OwnSmeView; onSaved: (s: OwnSmeView) => void; onCancel: () => void }) {
  const id = `sme-edit-${sme.id}`;
  const [f, setF] = useState({ name: sme.name, industry: sme.industry, city: sme.region.city ?? '' });
  const [contact, setContact] = useState(contactDraftOf(sme.contact));
  // Its success closes the form.
  const { busy, error, run } = useAction('onError');
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  // Only what changed: a PATCH of nothing is a 400, and an unchanged field is no change to announce.
  const body: PatchSmeBody = {
    ...(f.name.trim() !== sme.name ? { name: f.name.trim() } : {}),
    ...(f.industry.trim() !== sme.industry ? { industry: f.industry.trim() } : {}),
    ...(f.city.trim() !== (sme.region.city ?? '') ? { region: { city: f.city.trim() } } : {}),
    ...contactChange(contact, sme.contact),
  };
  const changed = Object.keys(body).length > 0;

  const submit = (e: Event) => {
    e.preventDefault();
    return run(async () => onSaved(await api.patch<OwnSmeView>(`/v1/smes/${sme.id}`, body)));
  };

  return (
    <form class="stack edit-form" aria-labelledby={id} onSubmit={(e) => void submit(e)}>
      <h3 id={id}>{t('profileEdit.title')}</h3>
      <p class="muted hint">{t('profileEdit.smeIntro')}</p>
      <FormNotice error={error} fields={SME_FIELDS} />
      <label for={`${id}-name`}>{t('smeNew.name')}</label>
      <input id={`${id}-name`} required maxLength={200} autoComplete="organization" value={f.name} onInput={set('name')} {...invalidProps(error, 'name', `${id}-name-error`)} />
      <FieldError id={`${id}-name-error`} error={error} field="name" />
      <label for={`${id}-industry`}>{t('sme.industry')}</label>
      <input id={`${id}-industry`} required maxLength={100} value={f.industry} onInput={set('industry')} {...invalidProps(error, 'industry', `${id}-industry-error`)} />
      <FieldError id={`${id}-industry-error`} error={error} field="industry" />
      <label for={`${id}-city`}>{t('smeNew.city')}</label>
      <input id={`${id}-city`} maxLength={100} value={f.city} onInput={set('city')} {...invalidProps(error, 'region', `${id}-city-error`)} />
      <FieldError id={`${id}-city-error`} error={error} field="region" />
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
