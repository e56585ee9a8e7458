/**
 * Post a need: service types grouped by the plan's key projects, with their
 * names from the catalog, and a service voucher to pay with when the SME
 * holds one that covers the service type and its province. Sent with an Idempotency-Key made once per form,
 * so a double click or a retry after a lost answer posts one need.
 */
import { useMemo, useState } from 'preact/hooks';
import type { CreateNeedBody } from '#domain/model.ts';
import { api } from '../api/index.ts';
import type { NeedView } from '../api/types.ts';
import { ErrorNotice, Loaded, StatusMessage } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { loadCatalog } from '../catalog.ts';
import { formatYuan, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { followLink } from '../router.ts';
import { loadOwnSmes } from './sme-profile.tsx';
import { loadVouchers } from './sme-vouchers.tsx';
import { ServiceTypeOptions } from '../components/service-type-options.tsx';
import { useAction } from '../components/action.ts';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

export function NewNeedPage() {
  const data = useResource(async () => {
    const [smes, cat] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    return { smes, cat, vouchers: await loadVouchers(smes.map((s) => s.id)) };
  }, []);
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const [smeId, setSmeId] = useState('');
  const [serviceType, setServiceType] = useState('');
  const [voucherId, setVoucherId] = useState('');
  const [description, setDescription] = useState('');
  const [remoteOk, setRemoteOk] = useState(true);
  const [budget, setBudget] = useState('');
  const [deadline, setDeadline] = useState(inDays(30));
  const { busy, error, run } = useAction();
  const [posted, setPosted] = useState<NeedView | null>(null);

  return (
    <section>
      <h1>{t('need.title')}</h1>
      <p class="muted">{t('need.intro')}</p>
      <StatusMessage message={posted ? t('need.posted') : null} />
      {posted && (
        <p>
          <a href={ROUTES.smeProfile} onClick={followLink}>
            {t('nav.profile')}
          </a>
        </p>
      )}
      <Loaded resource={data}>
        {({ smes, cat, vouchers }) => {
          if (smes.length === 0) return <p class="notice">{t('sme.none')}</p>;
          if (posted) return null;
          const chosenSme = smeId || smes[0]!.id;
          const province = smes.find((s) => s.id === chosenSme)!.region.province;
          // What the API would accept (api.md "Service vouchers"); one already paying for another open need is its 409 to say.
          const usable = vouchers.filter(
            (v) => v.smeId === chosenSme && v.status === 'ISSUED' && v.serviceTypes.includes(serviceType as never) && (!v.provinces.length || v.provinces.includes(province)),
          );
          const voucher = usable.some((v) => v.id === voucherId) ? voucherId : '';
          const submit = (e: Event) => {
            e.preventDefault();
            const body: CreateNeedBody = {
              serviceType: serviceType as CreateNeedBody['serviceType'],
              description: description.trim(),
              remoteOk,
              deadline,
              ...(budget.trim() !== '' ? { budgetMax: Number(budget) } : {}),
              ...(voucher ? { voucherId: voucher } : {}),
            };
            return run(async () => setPosted(await api.post<NeedView>(`/v1/smes/${chosenSme}/needs`, body, { 'idempotency-key': idempotencyKey })));
          };
          return (
            <form class="card stack" onSubmit={(e) => void submit(e)}>
              {error !== null && <ErrorNotice error={error} />}
              {smes.length > 1 && (
                <>
                  <label for="need-sme">{t('need.sme')}</label>
                  <select id="need-sme" value={chosenSme} onChange={(e) => setSmeId(e.currentTarget.value)}>
                    {smes.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </>
              )}
              <label for="need-service-type">{t('need.serviceType')}</label>
              <select id="need-service-type" required value={serviceType} onChange={(e) => setServiceType(e.currentTarget.value)}>
                <option value="">{t('need.chooseServiceType')}</option>
                <ServiceTypeOptions from={cat} />
              </select>
              {usable.length > 0 && (
                <>
                  <label for="need-voucher">{t('need.voucher')}</label>
                  <select id="need-voucher" value={voucher} onChange={(e) => setVoucherId(e.currentTarget.value)}>
                    <option value="">{t('need.noVoucher')}</option>
                    {usable.map((v) => (
                      <option key={v.id} value={v.id}>
                        {t('need.voucherOption', { name: v.programmeName, balance: formatYuan(v.balance), date: v.validUntil })}
                      </option>
                    ))}
                  </select>
                </>
              )}
              <label for="need-description">{t('need.description')}</label>
              <textarea
                id="need-description"
                rows={4}
                required
                maxLength={4000}
                aria-describedby="need-description-hint"
                value={description}
                onInput={(e) => setDescription(e.currentTarget.value)}
              />
              <p id="need-description-hint" class="muted hint">
                {t('need.descriptionHint')}
              </p>
              <label class="check">
                <input type="checkbox" checked={remoteOk} onChange={(e) => setRemoteOk(e.currentTarget.checked)} />
                {t('need.remoteOk')}
              </label>
              <label for="need-budget">{t('need.budgetMax')}</label>
              <input id="need-budget" type="number" inputMode="numeric" min={0} step={1} value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
              <label for="need-deadline">{t('need.deadline')}</label>
              <input id="need-deadline" type="date" required min={inDays(1)} value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
              <div class="row">
                <button type="submit" class="button button-primary" disabled={busy}>
                  {busy ? t('need.submitting') : t('need.submit')}
                </button>
              </div>
            </form>
          );
        }}
      </Loaded>
    </section>
  );
}
