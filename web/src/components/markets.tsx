/**
 * What the markets page and the KPI dashboard share: the month they show
 * (a month picker, the current month by default) and how a market's total
 * row reads (its demand; only markets with anything in them).
 */
import type { MarketRow } from '../api/types.ts';
import { t } from '../i18n/index.ts';

export const thisMonth = () => new Date().toISOString().slice(0, 7);

/** Demand: every need of the month, waiting or already matched. */
export const demandOf = (r: MarketRow) => r.waiting + r.proposed + r.confirmed + r.completed;

/** The markets' total rows (no province), and only markets with demand or capacity. */
export const marketTotals = (rows: readonly MarketRow[]) => rows.filter((r) => r.province === undefined && (demandOf(r) > 0 || r.capacity > 0));

/** The month a report shows; a value that is not a whole month (a half-typed one) is ignored. */
export function MonthPicker({ id, value, onChange }: { id: string; value: string; onChange: (month: string) => void }) {
  return (
    <form class="row" onSubmit={(e) => e.preventDefault()}>
      <label for={id}>{t('markets.period')}</label>
      <input
        id={id}
        type="month"
        value={value}
        required
        onChange={(e) => {
          if (/^\d{4}-\d{2}$/.test(e.currentTarget.value)) onChange(e.currentTarget.value);
        }}
      />
    </form>
  );
}
