import { useMemo, useState } from 'react';
import type { WindowName } from '../../../shared/engine-api';
import { DAYS_OF_WEEK } from '../../../shared/time-of-day';
import { useEngine, usePolling } from '../api/use-engine';
import { useBokeh } from '../charts/bokeh';
import { TimeOfDayCharts, type TimeOfDayData } from '../charts/TimeOfDayCharts';
import { CallError } from '../components/CallError';
import { clockNote, WINDOW_LABELS, WindowPicker } from '../components/WindowPicker';
import { fmt } from '../format';

/**
 * Listening by time of day for the whole base, in a window of the stream's time, with the selected
 * customer overlaid (desk only: the booth shows no one). The booth shows the last 7 days, a window
 * that rolls with the stream, with each cell coloured by its share of its day: a week of rhythms
 * (commutes, evenings, weekend lie-ins) that reads the same whether a day was busy or quiet, so
 * it holds from a fresh demo store's first minute (thin history, a dense last day) on, forever.
 */
export const BOOTH_TOD_WINDOW: WindowName = '7d';

export function TimeOfDayView({
  theme,
  customerId,
  booth = false,
  active = true,
}: {
  theme: 'booth' | 'desk';
  customerId: string | null;
  booth?: boolean;
  active?: boolean;
}) {
  const engine = useEngine();
  const charts = useBokeh();
  const [deskWindow, setDeskWindow] = useState<WindowName>('all');
  const window = booth ? BOOTH_TOD_WINDOW : deskWindow;
  const polled = usePolling(() => engine.api.windowStats({ window }), 3000, `tod:${window}`, active);
  const stats = polled.value;
  const shownCustomer = booth ? null : customerId;
  const customer = usePolling(
    () => (shownCustomer ? engine.api.customer360({ customerId: shownCustomer }) : Promise.resolve(null)),
    3000,
    `customer:${shownCustomer}`,
    active,
  ).value;
  const data: TimeOfDayData | null = useMemo(
    () =>
      stats && {
        theme,
        heat: booth ? 'day-share' : 'listens',
        base: { buckets: stats.buckets, dayHour: stats.dayHour },
        customer: customer
          ? {
              label: String(customer.crm.name ?? `customer ${customer.customerId}`),
              buckets: customer.listening.buckets,
              dayHour: customer.listening.dayHour,
            }
          : null,
      },
    [stats, customer, theme, booth],
  );
  const peak = stats ? peakCell(stats.dayHour) : null;
  return (
    <section className={`view tod-view${booth ? ' booth-layout' : ''}`} aria-labelledby="tod-title">
      <div className="view-header">
        <h2 id="tod-title" className="view-title">
          Listening by time of day
        </h2>
        {!booth && <WindowPicker value={deskWindow} onChange={setDeskWindow} label="Listening window" />}
      </div>
      {stats && (
        <p className="lede" data-testid="tod-lede">
          <strong>{fmt(stats.listens)}</strong> listens by <strong>{fmt(stats.active)}</strong> customers,{' '}
          {WINDOW_LABELS[stats.window]}
          {stats.window === 'all' ? '' : clockNote(stats.clock)}
          {peak && (
            <>
              {' '}
              · busiest hour{' '}
              <strong>
                {peak.day} {String(peak.hour).padStart(2, '0')}:00
              </strong>
            </>
          )}
          {!booth && (
            <span className="lede-note">
              . Night 0–4 and 22–23, morning 5–11, afternoon 12–16, evening 17–21 (hours as written in each
              event).
              {!customer && ' Pick a customer in the Customer view to compare them with everyone.'}
            </span>
          )}
        </p>
      )}
      {polled.error && <CallError what="The statistics" error={polled.error} onRetry={polled.refresh} />}
      {charts.error && <CallError what="The charts" error={charts.error} onRetry={charts.retry} />}
      {data && charts.bokeh ? (
        <TimeOfDayCharts data={data} bokeh={charts.bokeh} />
      ) : (
        !polled.error && !charts.error && <p className="empty">Loading…</p>
      )}
    </section>
  );
}

/** The day × hour cell with the most listens, or null when there are none. */
function peakCell(dayHour: number[]): { day: string; hour: number } | null {
  let best = -1;
  let most = 0;
  dayHour.forEach((n, i) => {
    if (n > most) {
      most = n;
      best = i;
    }
  });
  return best < 0 ? null : { day: DAYS_OF_WEEK[Math.floor(best / 24)] as string, hour: best % 24 };
}
