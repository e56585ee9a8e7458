/**
 * Service voucher programmes (服务券): each programme's ledger (budget,
 * allocated, held, redeemed, available), a form to create one, and issuing a
 * voucher to an SME the programme covers. The page offers the SMEs that look
 * eligible on their verified facts; the API decides (409 with its reason).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { OperatorSmeView, Page, ProgrammeView } from '../api/types.ts';
import { Facts } from '../components/facts.tsx';
import { ErrorNotice, Loaded, StatusMessage } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatYuan, listText, pick, t } from '../i18n/index.ts';
import { provinceName } from '../regions.ts';
import { PROVINCES } from '#domain/regions.ts';
import type { SizeClass, Tier } from '#domain/model.ts';
import { ServiceTypeOptions } from '../components/service-type-options.tsx';
import { useAction } from '../components/action.ts';

const SIZE_CLASSES: SizeClass[] = ['MEDIUM', 'SMALL', 'MICRO'];
const VERIFIED_TIERS: Tier[] = ['INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];
const selected = (el: HTMLSelectElement) => Array.from(el.selectedOptions, (o) => o.value);

/** The programme's rule on verified facts (domain/vouchers.ts ineligibility, restated: that module pulls zod). */
function looksEligible(p: ProgrammeView, s: OperatorSmeView): boolean {
  if (s.suspended) return false;
  if (p.provinces.length > 0 && !p.provinces.includes(s.region.province)) return false;
  const { tiers, sizeClasses } = p.eligibility;
  if (tiers && !tiers.includes(s.tier)) return false;
  if (sizeClasses && !(s.verified?.sizeClass && sizeClasses.includes(s.sizeClass))) return false;
  return true;
}

export function VoucherProgrammesPage() {
  const data = useResource(async () => {
    const [programmes, smes] = await Promise.all([
      api.get<Page<ProgrammeView>>('/v1/voucher-programmes?limit=100'),
      api.get<Page<OperatorSmeView>>('/v1/smes?limit=100'),
      loadCatalog(),
    ]);
    return { programmes: programmes.items, smes: smes.items };
  }, []);
  const [created, setCreated] = useState<ProgrammeView[]>([]);
  const [updated, setUpdated] = useState<Map<string, ProgrammeView>>(new Map());
  const [status, setStatus] = useState<string | null>(null);
  void catalog.value;

  return (
    <section>
      <h1>{t('vouchers.title')}</h1>
      <p class="muted">{t('vouchers.intro')}</p>
      <StatusMessage message={status} />
      <Loaded resource={data}>
        {({ programmes, smes }) => {
          const shown = [...created, ...programmes.filter((p) => !created.some((c) => c.id === p.id))].map((p) => updated.get(p.id) ?? p);
          return (
            <>
              <h2>{t('vouchers.programmes')}</h2>
              {shown.length === 0 ? (
                <p class="notice">{t('vouchers.empty')}</p>
              ) : (
                <ul class="cards">
                  {shown.map((p) => (
                    <li key={p.id}>
                      <ProgrammeCard
                        programme={p}
                        smes={smes}
                        onIssued={(next, smeName) => {
                          setUpdated((m) => new Map(m).set(next.id, next));
                          setStatus(t('vouchers.issued', { name: smeName, programme: next.name }));
                        }}
                      />
                    </li>
                  ))}
                </ul>
              )}
              <NewProgrammeForm
                onCreated={(p) => {
                  setCreated((c) => [p, ...c]);
                  setStatus(t('vouchers.created', { name: p.name }));
                }}
              />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function ProgrammeCard({
  programme: p,
  smes,
  onIssued,
}: {
  programme: ProgrammeView;
  smes: OperatorSmeView[];
  onIssued: (p: ProgrammeView, smeName: string) => void;
}) {
  const eligible = smes.filter((s) => looksEligible(p, s));
  const [smeId, setSmeId] = useState('');
  const { busy, error, run } = useAction();
  const headingId = `programme-${p.id}`;
  const selectId = `issue-${p.id}`;
  const ended = p.validUntil < new Date().toISOString().slice(0, 10);

  const issue = async () => {
    const sme = smes.find((s) => s.id === smeId);
    if (!sme) return;
    await run(async () => {
      await api.post(`/v1/voucher-programmes/${p.id}/vouchers`, { smeId });
      // The ledger as the API now keeps it (held and redeemed are summed from the vouchers).
      onIssued(await api.get<ProgrammeView>(`/v1/voucher-programmes/${p.id}`), sme.name);
      setSmeId('');
    });
  };

  const eligibility = [
    ...(p.eligibility.tiers ?? []).map((x) => t(`tier.${x}`)),
    ...(p.eligibility.sizeClasses ?? []).map((x) => t(`sizeClass.${x}`)),
  ];
  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <h3 id={headingId} class="h3">
          {p.name}
        </h3>
        {ended && <span class="badge badge-expired">{t('vouchers.ended')}</span>}
      </header>
      <Facts
        rows={[
          [t('vouchers.faceValue'), formatYuan(p.faceValue)],
          [t('vouchers.serviceTypes'), listText(p.serviceTypes.map((s) => pick(serviceTypeNames(s))))],
          [t('vouchers.provinces'), p.provinces.length === 0 ? t('vouchers.everywhere') : listText(p.provinces.map(provinceName))],
          [t('vouchers.eligibility'), eligibility.length === 0 ? t('vouchers.anySme') : listText(eligibility)],
          [t('vouchers.validUntil'), p.validUntil],
        ]}
      />
      <Ledger programme={p} />
      {error !== null && <ErrorNotice error={error} />}
      <form
        class="row issue-form"
        onSubmit={(e) => {
          e.preventDefault();
          void issue();
        }}
      >
        <label for={selectId}>{t('vouchers.issueTo')}</label>
        <select id={selectId} value={smeId} required onChange={(e) => setSmeId(e.currentTarget.value)}>
          <option value="">{eligible.length === 0 ? t('vouchers.noEligible') : t('vouchers.chooseSme')}</option>
          {eligible.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} · {provinceName(s.region.province)}
            </option>
          ))}
        </select>
        <button type="submit" class="button button-primary" disabled={busy || !smeId || ended}>
          {t('vouchers.issue')}
        </button>
      </form>
    </article>
  );
}

/** The ledger as figures, and the budget's use as one bar (allocated of budget), readable without the bar. */
function Ledger({ programme: p }: { programme: ProgrammeView }) {
  const id = `ledger-${p.id}`;
  return (
    <div class="ledger">
      <label for={id}>{t('vouchers.allocatedOf', { allocated: formatYuan(p.allocated), budget: formatYuan(p.budget) })}</label>
      <meter id={id} min={0} max={p.budget} value={p.allocated} />
      <dl class="ledger-figures">
        {(['budget', 'allocated', 'held', 'redeemed', 'available'] as const).map((k) => (
          <div key={k}>
            <dt>{t(`vouchers.ledger.${k}`)}</dt>
            <dd>{formatYuan(p[k])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function NewProgrammeForm({ onCreated }: { onCreated: (p: ProgrammeView) => void }) {
  const { busy, error, run } = useAction();

  const submit = async (form: HTMLFormElement) => {
    const f = form.elements as unknown as Record<string, HTMLInputElement & HTMLSelectElement>;
    const provinces = selected(f['programme-provinces']!);
    const tiers = selected(f['programme-tiers']!);
    const sizeClasses = selected(f['programme-sizes']!);
    const body = {
      name: f['programme-name']!.value.trim(),
      serviceTypes: selected(f['programme-service-types']!),
      ...(provinces.length > 0 ? { provinces } : {}),
      budget: Number(f['programme-budget']!.value),
      faceValue: Number(f['programme-face-value']!.value),
      ...(tiers.length > 0 || sizeClasses.length > 0
        ? { eligibility: { ...(tiers.length > 0 ? { tiers } : {}), ...(sizeClasses.length > 0 ? { sizeClasses } : {}) } }
        : {}),
      validUntil: f['programme-valid-until']!.value,
    };
    await run(async () => {
      onCreated(await api.post<ProgrammeView>('/v1/voucher-programmes', body));
      form.reset();
    });
  };

  return (
    <form
      class="card stack"
      aria-labelledby="new-programme-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(e.currentTarget);
      }}
    >
      <h2 id="new-programme-title">{t('vouchers.new')}</h2>
      <label for="programme-name">{t('vouchers.name')}</label>
      <input id="programme-name" name="programme-name" required maxLength={200} />
      <div class="form-grid">
        {(
          [
            ['programme-budget', 'vouchers.budget', 'number'],
            ['programme-face-value', 'vouchers.faceValueInput', 'number'],
            ['programme-valid-until', 'vouchers.validUntil', 'date'],
          ] as const
        ).map(([id, label, type]) => (
          <div class="stack" key={id}>
            <label for={id}>{t(label)}</label>
            <input id={id} name={id} type={type} required {...(type === 'number' ? { min: 1, step: 1, inputMode: 'numeric' as const } : {})} />
          </div>
        ))}
      </div>
      <MultiSelect id="programme-service-types" label={t('vouchers.serviceTypes')} size={6} required>
        <ServiceTypeOptions />
      </MultiSelect>
      <p id="multi-hint" class="hint muted">
        {t('vouchers.multiHint')}
      </p>
      <MultiSelect id="programme-provinces" label={t('vouchers.provincesInput')} size={5}>
        {PROVINCES.map((p) => (
          <option key={p.code} value={p.code}>
            {pick(p)}
          </option>
        ))}
      </MultiSelect>
      <div class="form-grid">
        <MultiSelect id="programme-tiers" label={t('vouchers.tiersInput')}>
          {VERIFIED_TIERS.map((x) => (
            <option key={x} value={x}>
              {t(`tier.${x}`)}
            </option>
          ))}
        </MultiSelect>
        <MultiSelect id="programme-sizes" label={t('vouchers.sizesInput')}>
          {SIZE_CLASSES.map((x) => (
            <option key={x} value={x}>
              {t(`sizeClass.${x}`)}
            </option>
          ))}
        </MultiSelect>
      </div>
      {error !== null && <ErrorNotice error={error} />}
      <div class="row">
        <button type="submit" class="button button-primary" disabled={busy}>
          {t('vouchers.create')}
        </button>
      </div>
    </form>
  );
}

function MultiSelect({ id, label, size = 3, required, children }: { id: string; label: string; size?: number; required?: boolean; children: ComponentChildren }) {
  return (
    <div class="stack">
      <label for={id}>{label}</label>
      <select id={id} name={id} multiple required={required} size={size} aria-describedby="multi-hint">
        {children}
      </select>
    </div>
  );
}
