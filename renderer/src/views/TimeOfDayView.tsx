import { useMemo } from 'react';
import { useEngine, usePolling } from '../api/use-engine';
import { TimeOfDayCharts, type TimeOfDayData } from '../charts/TimeOfDayCharts';
import { fmt } from '../format';

/** Listening by time of day for the whole base, with the selected customer overlaid. */
export function TimeOfDayView({ theme, customerId }: { theme: 'booth' | 'desk'; customerId: string | null }) {
  const engine = useEngine();
  const basePolled = usePolling(() => engine.api.baseStatistics({}), 3000, 'base');
  const base = basePolled.value;
  const customer = usePolling(
    () => (customerId ? engine.api.customer360({ customerId }) : Promise.resolve(null)),
    3000,
    `customer:${customerId}`,
  ).value;
  const data: TimeOfDayData | null = useMemo(
    () =>
      base && {
        theme,
        base: { buckets: base.buckets, dayHour: base.dayHour },
        customer: customer
          ? {
              label: String(customer.crm.name ?? `customer ${customer.customerId}`),
              buckets: customer.listening.buckets,
              dayHour: customer.listening.dayHour,
            }
          : null,
      },
    [base, customer, theme],
  );
  return (
    <section className="view tod-view" aria-labelledby="tod-title">
      <h2 id="tod-title" className="view-title">
        Listening by time of day
      </h2>
      {base && (
        <p className="lede">
          {fmt(base.buckets.morning + base.buckets.afternoon + base.buckets.evening + base.buckets.night)}{' '}
          listens by {fmt(base.active)} customers. Night 0–4 and 22–23, morning 5–11, afternoon 12–16, evening
          17–21 (hours as written in each event).
          {!customer && ' Pick a customer in the Customer view to compare them with everyone.'}
        </p>
      )}
      {basePolled.error && <p className="error">The statistics could not be read: {basePolled.error}</p>}
      {data ? <TimeOfDayCharts data={data} /> : !basePolled.error && <p className="empty">Loading…</p>}
    </section>
  );
}
