import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import type { ChurnOverview, GroupRisk, WindowName } from '../../../shared/engine-api';
import { useEngine, usePolling } from '../api/use-engine';
import { EChart, type EChartsOption } from '../charts/EChart';
import { useScreenScale } from '../charts/use-screen-scale';
import { CallError } from '../components/CallError';
import { ExportButton } from '../components/ExportButton';
import { clockNote, WINDOW_LABELS, WindowPicker } from '../components/WindowPicker';
import { fmt, pct, risk } from '../format';

/**
 * Churn for the base: risk distribution, share above the threshold, by level and campaign, top at
 * risk; for each customer their latest prediction (in the chosen window of the stream's time).
 * The booth shows the last 7 days, which always holds a full round of the demo's nightly scoring,
 * with identities masked as the engine decides, and as many table rows as fit the screen.
 */
export const BOOTH_CHURN_WINDOW: WindowName = '7d';
const TOP = 12;

function colors(theme: 'booth' | 'desk') {
  return theme === 'booth'
    ? { text: '#dbe4f3', safe: '#3b82f6', risk: '#f97316', grid: '#2a3550' }
    : { text: '#1f2937', safe: '#2563eb', risk: '#c2410c', grid: '#e5e7eb' };
}

function histogramOption(o: ChurnOverview, theme: 'booth' | 'desk'): EChartsOption {
  const c = colors(theme);
  const big = theme === 'booth';
  const labels = o.histogram.map((_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`);
  return {
    grid: { left: big ? 70 : 50, right: 20, top: 20, bottom: big ? 56 : 40 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { color: c.text, fontSize: big ? 15 : 12 },
      name: 'churn risk',
      nameLocation: 'middle',
      nameGap: big ? 36 : 28,
      nameTextStyle: { color: c.text, fontSize: big ? 15 : 12 },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: c.text, fontSize: big ? 15 : 12 },
      splitLine: { lineStyle: { color: c.grid } },
    },
    series: [
      {
        type: 'bar',
        name: 'customers',
        data: o.histogram.map((n, i) => ({
          value: n,
          itemStyle: { color: (i + 1) / 10 > o.threshold ? c.risk : c.safe },
        })),
      },
    ],
  };
}

function shareOption(o: ChurnOverview, theme: 'booth' | 'desk', scale: number): EChartsOption {
  const c = colors(theme);
  const big = theme === 'booth';
  const share = o.predicted === 0 ? 0 : (o.atRisk / o.predicted) * 100;
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        radius: big ? '88%' : '75%',
        center: ['50%', big ? '52%' : '55%'],
        progress: { show: true, width: big ? Math.round(22 * scale) : 16, itemStyle: { color: c.risk } },
        axisLine: { lineStyle: { width: big ? Math.round(22 * scale) : 16, color: [[1, c.grid]] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        detail: {
          formatter: '{value}%',
          color: c.text,
          // The booth's type follows the screen, as its CSS does.
          fontSize: big ? Math.round(60 * scale) : 30,
          offsetCenter: [0, '0%'],
        },
        // In the gap at the bottom of the arc, clear of the ring.
        title: {
          color: c.text,
          fontSize: big ? Math.round(17 * Math.max(0.8, scale)) : 13,
          offsetCenter: [0, '80%'],
        },
        data: [{ value: Math.round(share * 10) / 10, name: `at or above ${o.threshold.toFixed(2)}` }],
      },
    ],
  };
}

function groupOption(groups: GroupRisk[], theme: 'booth' | 'desk'): EChartsOption {
  const c = colors(theme);
  const big = theme === 'booth';
  const font = big ? 15 : 12;
  return {
    grid: { left: big ? 120 : 100, right: 20, top: big ? 36 : 30, bottom: 30 },
    tooltip: { trigger: 'axis' },
    legend: { textStyle: { color: c.text, fontSize: font }, top: 0 },
    xAxis: {
      type: 'value',
      axisLabel: { color: c.text, fontSize: font },
      splitLine: { lineStyle: { color: c.grid } },
    },
    yAxis: { type: 'category', data: groups.map((g) => g.key), axisLabel: { color: c.text, fontSize: font } },
    series: [
      {
        type: 'bar',
        name: 'at risk',
        stack: 'all',
        data: groups.map((g) => g.atRisk),
        itemStyle: { color: c.risk },
      },
      {
        type: 'bar',
        name: 'not at risk',
        stack: 'all',
        data: groups.map((g) => g.customers - g.atRisk),
        itemStyle: { color: c.safe },
      },
    ],
  };
}

/** The churn threshold, a setting of the engine: labels, counts and exports all follow it. */
function ThresholdControl({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  return (
    <label className="threshold">
      At risk from
      <input
        type="number"
        min={0.05}
        max={0.95}
        step={0.05}
        value={value}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && v >= 0 && v <= 1) onChange(v);
        }}
      />
    </label>
  );
}

export function ChurnView({
  theme,
  booth,
  active = true,
  maskWish,
  onSelectCustomer,
}: {
  theme: 'booth' | 'desk';
  booth: boolean;
  /** False while the booth shows another view: no polling. */
  active?: boolean;
  /** The booth page's own wish for masking (its URL); the engine has the last word. */
  maskWish?: boolean;
  onSelectCustomer: (id: string) => void;
}) {
  const engine = useEngine();
  const [deskWindow, setDeskWindow] = useState<WindowName>('all');
  const window = booth ? BOOTH_CHURN_WINDOW : deskWindow;
  const polled = usePolling(
    () =>
      engine.api.churnOverview({
        top: TOP,
        window,
        ...(booth ? { booth: maskWish === undefined ? {} : { mask: maskWish } } : {}),
      }),
    2000,
    `churn:${window}:${booth}:${maskWish}`,
    active,
  );
  const overview = polled.value;
  const [thresholdError, setThresholdError] = useState<string | null>(null);
  const scale = useScreenScale();
  const setThreshold = (churnThreshold: number) => {
    engine.api.updateSettings({ churnThreshold }).then(
      () => {
        setThresholdError(null);
        polled.refresh();
      },
      (e: Error) => setThresholdError(e.message),
    );
  };
  const options = useMemo(
    () =>
      overview && {
        histogram: histogramOption(overview, theme),
        share: shareOption(overview, theme, scale),
        level: groupOption(overview.byLevel, theme),
        campaign: groupOption(overview.byCampaign, theme),
      },
    [overview, theme, scale],
  );
  const tableBox = useRef<HTMLDivElement>(null);
  const fit = useRowsThatFit(tableBox, booth);
  const rows = overview ? overview.topAtRisk.slice(0, booth ? fit : TOP) : [];
  const chartHeight = (desk: number) => (booth ? '100%' : desk);
  return (
    <section className={`view churn-view${booth ? ' booth-layout' : ''}`} aria-labelledby="churn-title">
      <div className="view-header">
        <h2 id="churn-title" className="view-title">
          Churn risk
        </h2>
        {!booth && <WindowPicker value={deskWindow} onChange={setDeskWindow} label="Predictions window" />}
        {overview && !booth && (
          <>
            <ThresholdControl value={overview.threshold} onChange={setThreshold} />
            {thresholdError && <span className="error">{thresholdError}</span>}
            <ExportButton scope={{ kind: 'at-risk' }} label="Export at-risk customers" />
          </>
        )}
      </div>
      {booth && overview && (
        <p className="lede">
          Each customer's latest prediction, {WINDOW_LABELS[window]}
          {clockNote(overview.clock)} · at risk from {overview.threshold.toFixed(2)}
        </p>
      )}
      {polled.error && <CallError what="The churn overview" error={polled.error} onRetry={polled.refresh} />}
      {!overview || !options ? (
        // Not "waiting for predictions": a large store's are there, being read.
        !polled.error && <p className="empty">Loading…</p>
      ) : (
        <div className="grid churn-grid">
          <figure className="panel wide histogram-panel">
            <figcaption>
              Risk distribution — {fmt(overview.predicted)} customers with a prediction
              {window === 'all' || booth ? '' : ` ${WINDOW_LABELS[window]}`}
              {overview.scored < overview.predicted ? ` (${fmt(overview.scored)} with a score)` : ''},{' '}
              {fmt(overview.atRisk)} at risk
            </figcaption>
            <EChart
              option={options.histogram}
              height={chartHeight(260)}
              label={`Churn risk distribution; ${overview.atRisk} of ${overview.predicted} customers with a prediction are at risk (threshold ${overview.threshold})`}
            />
          </figure>
          <figure className="panel share-panel">
            <figcaption>Share at risk</figcaption>
            <EChart
              option={options.share}
              height={chartHeight(260)}
              label={`Share of customers at risk: ${pct(overview.predicted ? overview.atRisk / overview.predicted : 0)}`}
            />
          </figure>
          <figure className="panel level-panel">
            <figcaption>By level</figcaption>
            <EChart
              option={options.level}
              height={chartHeight(220)}
              label="Customers at risk by subscription level"
            />
          </figure>
          <figure className="panel campaign-panel">
            <figcaption>By campaign</figcaption>
            <EChart
              option={options.campaign}
              height={chartHeight(220)}
              label="Customers at risk by sign-up campaign"
            />
          </figure>
          <div className="panel wide top-panel" ref={tableBox}>
            <h3>Top at-risk customers{booth && overview.masked ? ' (names and ids masked)' : ''}</h3>
            {rows.length === 0 ? (
              <p className="empty">
                No customer is at risk{window === 'all' ? '' : ` ${WINDOW_LABELS[window]}`}.
              </p>
            ) : (
              <table className="at-risk-table">
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Name</th>
                    <th scope="col">Level</th>
                    <th scope="col">Listens</th>
                    <th scope="col">Risk</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c, i) => (
                    // Masked ids may repeat ("#…42"), so the booth's rows go by position.
                    <tr key={booth ? i : c.customerId}>
                      <td>
                        {booth ? (
                          c.customerId
                        ) : (
                          <button
                            type="button"
                            className="link"
                            onClick={() => onSelectCustomer(c.customerId)}
                          >
                            {c.customerId}
                          </button>
                        )}
                      </td>
                      <td>{c.name ?? '—'}</td>
                      <td>{c.level ?? '—'}</td>
                      <td>{fmt(c.listens)}</td>
                      <td className="risk-cell">{c.churnRisk === null ? 'label only' : risk(c.churnRisk)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * How many table rows fit the booth's table panel without scrolling or cutting: measured from the
 * panel's height and the first row's, as the screen and its fonts make them (desk: all of them).
 */
function useRowsThatFit(box: RefObject<HTMLDivElement | null>, booth: boolean): number {
  const [rows, setRows] = useState(booth ? 3 : TOP);
  useEffect(() => {
    const el = box.current;
    if (!booth || !el) return;
    const measure = () => {
      const heading = el.querySelector('h3')?.getBoundingClientRect().height ?? 0;
      const head = el.querySelector('thead')?.getBoundingClientRect().height ?? 0;
      const row = el.querySelector('tbody tr')?.getBoundingClientRect().height ?? 0;
      if (row <= 0) return;
      const style = getComputedStyle(el);
      const inner =
        el.clientHeight - Number.parseFloat(style.paddingTop) - Number.parseFloat(style.paddingBottom);
      setRows(Math.max(1, Math.min(TOP, Math.floor((inner - heading - head - 8) / row))));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  });
  return rows;
}
