import { useEffect, useMemo, useState } from 'react';
import type { ChurnCrossing, DashboardSnapshot, WindowName } from '../../../shared/engine-api';
import { useEngine, usePolling } from '../api/use-engine';
import { EChart } from '../charts/EChart';
import { flowOption, step } from '../charts/flow-chart';
import { useScreenScale } from '../charts/use-screen-scale';
import { clockNote, WINDOW_LABELS, WindowPicker } from '../components/WindowPicker';
import { fmt, risk } from '../format';

/**
 * The flow view (the booth's opening picture): the live counters, events flowing from where they
 * happen into the profiles, and the headline: the latest customer to cross into churn risk (on
 * the booth screen by initials and the id's last characters only).
 */

/** How long the profiles node ripples after a crossing. */
const BURST_MS = 4000;

export function FlowView({
  snapshot,
  theme,
  booth = false,
  masks = false,
  active = true,
}: {
  snapshot: DashboardSnapshot | null;
  theme: 'booth' | 'desk';
  booth?: boolean;
  /** Customers named by masked label (the booth screen, as its settings and the source say). */
  masks?: boolean;
  /** False while the booth shows another view: the particles stop. */
  active?: boolean;
}) {
  const r = snapshot?.flow ?? { web: 0, mobile: 0, desktop: 0, predictions: 0 };
  const stepped = {
    web: step(r.web),
    mobile: step(r.mobile),
    desktop: step(r.desktop),
    predictions: step(r.predictions),
  };
  const latestCrossing = snapshot?.crossings.at(-1) ?? null;
  const burst = useBurst(latestCrossing);
  // Rounded as the labels show them, so the option changes only when the picture does.
  const shown = {
    web: Math.round(r.web),
    mobile: Math.round(r.mobile),
    desktop: Math.round(r.desktop),
    predictions: Math.round(r.predictions),
  };
  const key = JSON.stringify([stepped, shown, burst]);
  const scale = useScreenScale();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the rates shown
  const option = useMemo(
    () => flowOption({ rates: shown, stepped, theme, burst, scale }),
    [key, theme, scale],
  );
  return (
    <section className={`view flow-view${booth ? ' booth-layout' : ''}`} aria-labelledby="flow-title">
      <h2 id="flow-title" className="view-title">
        Live event flow
      </h2>
      <div className="counters">
        <Counter value={snapshot?.events.perSecond ?? null} label="events / s" testId="events-per-second" />
        <Counter value={snapshot?.customers ?? null} label="customers" testId="customers" />
        <Counter
          value={snapshot?.atRisk ?? null}
          label="at risk of churn"
          testId="at-risk"
          className="at-risk"
        />
        {booth ? (
          <Counter
            value={snapshot?.last24h.events ?? null}
            label={`events, last 24 h${snapshot?.clock.simulated ? ' of demo time' : ''}`}
            testId="events-24h"
          />
        ) : (
          <Counter value={snapshot?.events.total ?? null} label="events since start" testId="events-total" />
        )}
      </div>
      <div className="flow-stage">
        <EChart
          option={option}
          height="100%"
          label="Events flowing from the web shop, apps and churn model through Kafka into customer profiles"
          className="flow-chart"
          paused={!active}
        />
        {latestCrossing && <Headline crossing={latestCrossing} masks={masks} fresh={burst} />}
      </div>
      {!booth && <WindowTotals active={active} />}
      {!booth && (
        <ol className="ticker" aria-label="Latest events">
          {(snapshot?.latest ?? [])
            .slice(-6)
            .reverse()
            .map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: events carry no id; the list is replaced whole
              <li key={i}>
                <span className={`kind kind-${e.kind}`}>{e.kind}</span> customer {e.customerId}: {e.detail}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}

function Counter({
  value,
  label,
  testId,
  className,
}: {
  /** Null until the first snapshot: a dash, not a zero that would read as "no customers". */
  value: number | null;
  label: string;
  testId: string;
  className?: string;
}) {
  return (
    <div className={`counter${className ? ` ${className}` : ''}`}>
      <span className="counter-value" data-testid={testId}>
        {value === null ? '—' : fmt(value)}
      </span>
      <span className="counter-label">{label}</span>
    </div>
  );
}

/** True for BURST_MS after a new crossing arrives. */
function useBurst(crossing: ChurnCrossing | null): boolean {
  const [burst, setBurst] = useState(false);
  const key = crossing ? `${crossing.customerId}@${crossing.at}` : null;
  useEffect(() => {
    if (!key) return;
    setBurst(true);
    const timer = setTimeout(() => setBurst(false), BURST_MS);
    return () => clearTimeout(timer);
  }, [key]);
  return burst;
}

/** The latest customer to cross into churn risk. */
function Headline({ crossing, masks, fresh }: { crossing: ChurnCrossing; masks: boolean; fresh: boolean }) {
  return (
    <aside className={`headline${fresh ? ' fresh' : ''}`} aria-live="polite" data-testid="headline">
      <span className="headline-kicker">Just crossed into churn risk</span>
      <strong className="headline-who">{masks ? crossing.label : `Customer ${crossing.customerId}`}</strong>
      <span className="headline-risk">
        {crossing.previousRisk !== null ? `${risk(crossing.previousRisk)} → ` : ''}
        {risk(crossing.risk)}
      </span>
      {crossing.model && <span className="headline-model">{crossing.model}</span>}
    </aside>
  );
}

/** The desk's counters for a window of the stream's time: what arrived, and who was active. */
function WindowTotals({ active }: { active: boolean }) {
  const engine = useEngine();
  const [window, setWindow] = useState<WindowName>('1h');
  const stats = usePolling(() => engine.api.windowStats({ window }), 2000, `flow:${window}`, active).value;
  return (
    <div className="window-totals" data-testid="window-totals">
      <WindowPicker value={window} onChange={setWindow} label="Counters window" />
      {stats && (
        <p>
          {WINDOW_LABELS[stats.window]}
          {stats.window === 'all' ? '' : clockNote(stats.clock)}: <strong>{fmt(stats.listens)}</strong>{' '}
          listens ({fmt(stats.mobile)} on mobile), <strong>{fmt(stats.clicks)}</strong> web clicks
          {stats.predictions !== null && (
            <>
              , <strong>{fmt(stats.predictions)}</strong> predictions
            </>
          )}
          , <strong>{fmt(stats.active)}</strong> active customers
        </p>
      )}
    </div>
  );
}
