/**
 * A provider publishes an offering (POST /v1/providers/{providerId}/offerings):
 * the service type chosen by the plan's key project with its Chinese name
 * from the catalog, where it is delivered in person or remotely, in which
 * languages and cross-border markets, for whom, how many SMEs a month, at
 * what price and lead time. The form sends what the person chose and lets
 * the server judge it: its 400 details are shown next to their fields.
 */
import { useState } from 'preact/hooks';
import { PROVINCES } from '#domain/regions.ts';
import type { CreateOfferingBody, SizeClass, Tier } from '#domain/model.ts';
import { api } from '../api/index.ts';
import type { OfferingView, ProviderView } from '../api/types.ts';
import { locale, pick, t } from '../i18n/index.ts';
import { useAction } from './action.ts';
import { describedProps, FieldError, FormNotice, invalidProps } from './field-errors.tsx';
import { ServiceTypeOptions } from './service-type-options.tsx';

export const LANGUAGES = ['zh-CN', 'en', 'ja', 'ko', 'ru', 'fr', 'de', 'es'];
export const languageName = (tag: string) => new Intl.DisplayNames([locale()], { type: 'language' }).of(tag) ?? tag;
/** Where Chinese SMEs export most (a cross-border offering names the markets it knows). */
const MARKETS = ['US', 'DE', 'JP', 'KR', 'GB', 'FR', 'NL', 'IT', 'SG', 'MY', 'TH', 'VN', 'ID', 'AE', 'SA', 'RU', 'BR', 'AU'];
const marketName = (code: string) => new Intl.DisplayNames([locale()], { type: 'region' }).of(code) ?? code;
// Spelt out, not imported: a value import of domain/model.ts would bring zod into the bundle.
const SIZE_CLASSES: readonly SizeClass[] = ['MEDIUM', 'SMALL', 'MICRO'];
const TIERS: readonly Tier[] = ['INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT', 'NONE'];

/** The body's keys the form has a field for: a server detail about any other stays in the form's notice. */
const FIELDS = ['serviceType', 'title', 'regions', 'remote', 'markets', 'languages', 'capacityPerMonth', 'priceMin', 'priceMax', 'publicWelfare', 'eligibility', 'leadTimeDays'];

const toggled = <T,>(list: readonly T[], v: T, on: boolean): T[] => (on ? [...list, v] : list.filter((x) => x !== v));

export function OfferingCreateForm({ provider, onCreated, onCancel }: { provider: ProviderView; onCreated: (o: OfferingView) => void; onCancel?: () => void }) {
  const id = `new-offering-${provider.id}`;
  const [f, setF] = useState({ serviceType: '', title: '', capacity: '10', priceMin: '', priceMax: '', leadTime: '7' });
  const [remote, setRemote] = useState(false);
  const [publicWelfare, setPublicWelfare] = useState(false);
  const [regions, setRegions] = useState<string[]>(provider.regions);
  const [languages, setLanguages] = useState<string[]>(provider.languages.filter((l) => LANGUAGES.includes(l)));
  const [markets, setMarkets] = useState<string[]>([]);
  const [sizeClasses, setSizeClasses] = useState<SizeClass[]>([]);
  const [tiers, setTiers] = useState<Tier[]>([]);
  // Its success replaces the form.
  const { busy, error, run } = useAction('onError');
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const err = (field: string) => `${id}-${field}-error`;

  const submit = (e: Event) => {
    e.preventDefault();
    const priceMin = num(f.priceMin);
    const priceMax = num(f.priceMax);
    const body: CreateOfferingBody = {
      serviceType: f.serviceType as CreateOfferingBody['serviceType'],
      title: f.title.trim(),
      regions: regions as CreateOfferingBody['regions'],
      remote,
      languages,
      capacityPerMonth: Number(f.capacity),
      publicWelfare,
      leadTimeDays: Number(f.leadTime),
      ...(markets.length ? { markets } : {}),
      ...(priceMin !== undefined ? { priceMin } : {}),
      ...(priceMax !== undefined ? { priceMax } : {}),
      ...(sizeClasses.length || tiers.length
        ? { eligibility: { ...(sizeClasses.length ? { sizeClasses } : {}), ...(tiers.length ? { tiers } : {}) } }
        : {}),
    };
    return run(async () => onCreated(await api.post<OfferingView>(`/v1/providers/${provider.id}/offerings`, body)));
  };

  return (
    <form class="card stack" aria-labelledby={id} onSubmit={(e) => void submit(e)}>
      <h3 id={id}>{t('offeringNew.title', { provider: provider.name })}</h3>
      <p class="muted">{t('offeringNew.intro')}</p>
      <FormNotice error={error} fields={FIELDS} />

      <label for={`${id}-type`}>{t('need.serviceType')}</label>
      <select id={`${id}-type`} required value={f.serviceType} onChange={set('serviceType')} {...invalidProps(error, 'serviceType', err('serviceType'))}>
        <option value="">{t('need.chooseServiceType')}</option>
        <ServiceTypeOptions />
      </select>
      <FieldError id={err('serviceType')} error={error} field="serviceType" />

      <label for={`${id}-title`}>{t('offeringNew.name')}</label>
      <input id={`${id}-title`} required maxLength={200} value={f.title} onInput={set('title')} {...invalidProps(error, 'title', err('title'))} />
      <FieldError id={err('title')} error={error} field="title" />

      <label class="check">
        <input type="checkbox" checked={remote} onChange={(e) => setRemote(e.currentTarget.checked)} />
        {t('offeringNew.remote')}
      </label>
      <fieldset class="choices" {...describedProps(error, 'regions', err('regions'), `${id}-regions-hint`)}>
        <legend>{t('offeringNew.regions')}</legend>
        <p id={`${id}-regions-hint`} class="muted hint wide">
          {t('offeringNew.regionsHint')}
        </p>
        {PROVINCES.map((p) => (
          <label key={p.code} class="check">
            <input type="checkbox" checked={regions.includes(p.code)} onChange={(e) => setRegions(toggled(regions, p.code, e.currentTarget.checked))} />
            {pick(p)}
          </label>
        ))}
        <FieldError id={err('regions')} error={error} field="regions" />
      </fieldset>

      <fieldset class="choices" {...describedProps(error, 'languages', err('languages'))}>
        <legend>{t('providerNew.languages')}</legend>
        {LANGUAGES.map((l) => (
          <label key={l} class="check">
            <input type="checkbox" checked={languages.includes(l)} onChange={(e) => setLanguages(toggled(languages, l, e.currentTarget.checked))} />
            {languageName(l)}
          </label>
        ))}
        <FieldError id={err('languages')} error={error} field="languages" />
      </fieldset>

      <fieldset class="choices" {...describedProps(error, 'markets', err('markets'), `${id}-markets-hint`)}>
        <legend>{t('offeringNew.markets')}</legend>
        <p id={`${id}-markets-hint`} class="muted hint wide">
          {t('offeringNew.marketsHint')}
        </p>
        {MARKETS.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" checked={markets.includes(c)} onChange={(e) => setMarkets(toggled(markets, c, e.currentTarget.checked))} />
            {marketName(c)}
          </label>
        ))}
        <FieldError id={err('markets')} error={error} field="markets" />
      </fieldset>

      <fieldset class="stack" {...describedProps(error, 'eligibility', err('eligibility'), `${id}-eligibility-hint`)}>
        <legend>{t('offeringNew.eligibility')}</legend>
        <p id={`${id}-eligibility-hint`} class="muted hint">
          {t('offeringNew.eligibilityHint')}
        </p>
        <div class="choices" role="group" aria-label={t('offeringNew.sizeClasses')}>
          {SIZE_CLASSES.map((s) => (
            <label key={s} class="check">
              <input type="checkbox" checked={sizeClasses.includes(s)} onChange={(e) => setSizeClasses(toggled(sizeClasses, s, e.currentTarget.checked))} />
              {t(`sizeClass.${s}`)}
            </label>
          ))}
        </div>
        <div class="choices" role="group" aria-label={t('offeringNew.tiers')}>
          {TIERS.map((x) => (
            <label key={x} class="check">
              <input type="checkbox" checked={tiers.includes(x)} onChange={(e) => setTiers(toggled(tiers, x, e.currentTarget.checked))} />
              {t(`tier.${x}`)}
            </label>
          ))}
        </div>
        <FieldError id={err('eligibility')} error={error} field="eligibility" />
      </fieldset>

      <CountField
        id={`${id}-capacity`}
        label={t('offeringNew.capacity')}
        hint={t('offeringNew.capacityHint')}
        value={f.capacity}
        onInput={set('capacity')}
        field="capacityPerMonth"
        errorId={err('capacityPerMonth')}
        error={error}
      />

      <fieldset class="stack">
        <legend>{t('offeringNew.price')}</legend>
        <div class="row">
          <label for={`${id}-price-min`}>{t('offeringNew.priceMin')}</label>
          <input id={`${id}-price-min`} class="narrow" type="number" inputMode="numeric" min={0} step={1} value={f.priceMin} onInput={set('priceMin')} {...invalidProps(error, 'priceMin', err('priceMin'))} />
          <label for={`${id}-price-max`}>{t('offeringNew.priceMax')}</label>
          <input id={`${id}-price-max`} class="narrow" type="number" inputMode="numeric" min={0} step={1} value={f.priceMax} onInput={set('priceMax')} {...invalidProps(error, 'priceMax', err('priceMax'))} />
        </div>
        <FieldError id={err('priceMin')} error={error} field="priceMin" />
        <FieldError id={err('priceMax')} error={error} field="priceMax" />
        <label class="check">
          <input type="checkbox" checked={publicWelfare} onChange={(e) => setPublicWelfare(e.currentTarget.checked)} />
          {t('offeringNew.publicWelfare')}
        </label>
      </fieldset>

      <CountField
        id={`${id}-lead`}
        label={t('offeringNew.leadTime')}
        hint={t('offeringNew.leadTimeHint')}
        value={f.leadTime}
        onInput={set('leadTime')}
        field="leadTimeDays"
        errorId={err('leadTimeDays')}
        error={error}
      />

      <div class="row">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? t('offeringNew.submitting') : t('offeringNew.submit')}
        </button>
        {onCancel && (
          <button type="button" class="button" disabled={busy} onClick={onCancel}>
            {t('offeringNew.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** A required whole number (0 or more) with its hint, and the server's message about it beside it. */
function CountField(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onInput: (e: { currentTarget: { value: string } }) => void;
  /** The body field the server names in its details. */
  field: string;
  errorId: string;
  error: unknown;
}) {
  const hintId = `${props.id}-hint`;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        class="narrow"
        type="number"
        inputMode="numeric"
        required
        min={0}
        step={1}
        value={props.value}
        onInput={props.onInput}
        {...invalidProps(props.error, props.field, props.errorId, hintId)}
      />
      <p id={hintId} class="muted hint">
        {props.hint}
      </p>
      <FieldError id={props.errorId} error={props.error} field={props.field} />
    </>
  );
}
