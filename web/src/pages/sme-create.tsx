/**
 * A new SME's profile (POST /v1/smes). The tier is what the firm declares:
 * the matcher uses it only once a register or an operator verifies it, and
 * the form says so before it is sent.
 */
import { useState } from 'preact/hooks';
import { PROVINCES } from '#domain/regions.ts';
import type { CreateSmeBody, SizeClass, Tier } from '#domain/model.ts';
import { api } from '../api/index.ts';
import { ContactFields, contactBody, emptyContact, FormError, normaliseUscc, usccProblem, usccShapeOk, UsccField } from '../components/profile-form.tsx';
import { pick, t } from '../i18n/index.ts';
import { useAction } from '../components/action.ts';

// Spelt out, not imported: a value import of domain/model.ts would bring zod into the bundle.
const SIZE_CLASSES: readonly SizeClass[] = ['MEDIUM', 'SMALL', 'MICRO'];
const TIERS: readonly Tier[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];

export function SmeCreateForm({ onCreated }: { onCreated: () => void }) {
  const [f, setF] = useState({ name: '', uscc: '', province: '', city: '', industry: '', sizeClass: 'SMALL', tier: 'NONE', weak: false });
  const [contact, setContact] = useState(emptyContact);
  const [shapeError, setShapeError] = useState(false);
  // Its success replaces the form with the new profile.
  const { busy, error, run, setError } = useAction('onError');
  const set = (k: keyof typeof f) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => setF({ ...f, [k]: e.currentTarget.value });

  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!usccShapeOk(f.uscc)) return setShapeError(true);
    setShapeError(false);
    const body: CreateSmeBody = {
      name: f.name.trim(),
      uscc: normaliseUscc(f.uscc),
      sizeClass: f.sizeClass as CreateSmeBody['sizeClass'],
      tier: f.tier as CreateSmeBody['tier'],
      industry: f.industry.trim(),
      region: { province: f.province as CreateSmeBody['region']['province'], ...(f.city.trim() ? { city: f.city.trim() } : {}) },
      weakFoundation: f.weak,
      ...contactBody(contact),
    };
    return run(async () => {
      await api.post('/v1/smes', body);
      onCreated();
    });
  };

  return (
    <form class="card stack" aria-labelledby="sme-new" onSubmit={(e) => void submit(e)}>
      <h2 id="sme-new">{t('smeNew.title')}</h2>
      <p class="muted">{t('smeNew.intro')}</p>
      <label for="sme-name">{t('smeNew.name')}</label>
      <input id="sme-name" required maxLength={200} autoComplete="organization" value={f.name} onInput={set('name')} />
      <UsccField id="sme-uscc" required value={f.uscc} onInput={(uscc) => setF({ ...f, uscc })} problem={shapeError ? t('profile.usccShape') : usccProblem(error)} />
      <label for="sme-province">{t('smeNew.province')}</label>
      <select id="sme-province" required value={f.province} onChange={set('province')}>
        <option value="">{t('smeNew.chooseProvince')}</option>
        {PROVINCES.map((p) => (
          <option key={p.code} value={p.code}>
            {pick(p)}
          </option>
        ))}
      </select>
      <label for="sme-city">{t('smeNew.city')}</label>
      <input id="sme-city" maxLength={100} value={f.city} onInput={set('city')} />
      <label for="sme-industry">{t('sme.industry')}</label>
      <input id="sme-industry" required maxLength={100} value={f.industry} onInput={set('industry')} />
      <label for="sme-size">{t('sme.size')}</label>
      <select id="sme-size" value={f.sizeClass} onChange={set('sizeClass')}>
        {SIZE_CLASSES.map((c) => (
          <option key={c} value={c}>
            {t(`sizeClass.${c}`)}
          </option>
        ))}
      </select>
      <label for="sme-tier">{t('sme.declaredTier')}</label>
      <select id="sme-tier" aria-describedby="sme-tier-hint" value={f.tier} onChange={set('tier')}>
        {TIERS.map((c) => (
          <option key={c} value={c}>
            {t(`tier.${c}`)}
          </option>
        ))}
      </select>
      <p id="sme-tier-hint" class="muted hint">
        {t('smeNew.tierHint')}
      </p>
      <label class="check">
        <input type="checkbox" checked={f.weak} onChange={(e) => setF({ ...f, weak: e.currentTarget.checked })} />
        {t('smeNew.weak')}
      </label>
      <ContactFields id="sme-contact" value={contact} onChange={setContact} />
      <FormError error={error} />
      <div class="row">
        <button type="submit" class="button button-primary" disabled={busy}>
          {t('smeNew.submit')}
        </button>
      </div>
    </form>
  );
}
