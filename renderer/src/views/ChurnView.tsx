import { useMemo, useState } from 'react';
import type { ChurnOverview, GroupRisk } from '../../../shared/engine-api';
import { useEngine, usePolling } from '../api/use-engine';
import { EChart, type EChartsOption } from '../charts/EChart';
import { ExportButton } from '../components/ExportButton';
import { fmt, pct, risk } from '../format';

/** Churn for the base: risk distribution, share above the threshold, by level and campaign, top at risk. */

function colors(theme: 'booth' | 'desk') {
  return theme === 'booth'
    ? { text: '#dbe4f3', safe: '#3b82f6', risk: '#f97316', grid: '#2a3550' }
    : { text: '#1f2937', safe: '#2563eb', risk: '#c2410c', grid: '#e5e7eb' };
}

function histogramOption(o: ChurnOverview, theme: 'booth' | 'desk'): EChartsOption {
  const c = colors(theme);
  const labels = o.histogram.map((_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`);
  return {
    grid: { left: 50, right: 20, top: 20, bottom: 40 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { color: c.text },
      name: 'churn risk',
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: { color: c.text },
    },
    yAxis: { type: 'value', axisLabel: { color: c.text }, splitLine: { lineStyle: { color: c.grid } } },
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

function shareOption(o: ChurnOverview, theme: 'booth' | 'desk'): EChartsOption {
  const c = colors(theme);
  const share = o.predicted === 0 ? 0 : (o.atRisk / o.predicted) * 100;
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        progress: { show: true, width: 16, itemStyle: { color: c.risk } },
        axisLine: { lineStyle: { width: 16, color: [[1, c.grid]] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        detail: { formatter: '{value}%', color: c.text, fontSize: 30, offsetCenter: [0, '10%'] },
        title: { color: c.text, offsetCenter: [0, '45%'] },
        data: [{ value: Math.round(share * 10) / 10, name: `at or above ${o.threshold.toFixed(2)}` }],
      },
    ],
  };
}

function groupOption(groups: GroupRisk[], theme: 'booth' | 'desk'): EChartsOption {
  const c = colors(theme);
  return {
    grid: { left: 100, right: 20, top: 30, bottom: 30 },
    tooltip: { trigger: 'axis' },
    legend: { textStyle: { color: c.text }, top: 0 },
    xAxis: { type: 'value', axisLabel: { color: c.text }, splitLine: { lineStyle: { color: c.grid } } },
    yAxis: { type: 'category', data: groups.map((g) => g.key), axisLabel: { color: c.text } },
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
  onSelectCustomer,
}: {
  theme: 'booth' | 'desk';
  booth: boolean;
  onSelectCustomer: (id: string) => void;
}) {
  const engine = useEngine();
  const polled = usePolling(() => engine.api.churnOverview({ top: 12 }), 2000, 'churn');
  const overview = polled.value;
  const [thresholdError, setThresholdError] = useState<string | null>(null);
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
        share: shareOption(overview, theme),
        level: groupOption(overview.byLevel, theme),
        campaign: groupOption(overview.byCampaign, theme),
      },
    [overview, theme],
  );
  return (
    <section className="view churn-view" aria-labelledby="churn-title">
      <div className="view-header">
        <h2 id="churn-title" className="view-title">
          Churn risk
        </h2>
        {overview && !booth && (
          <>
            <ThresholdControl value={overview.threshold} onChange={setThreshold} />
            {thresholdError && <span className="error">{thresholdError}</span>}
            <ExportButton scope={{ kind: 'at-risk' }} label="Export at-risk customers" />
          </>
        )}
      </div>
      {polled.error && <p className="error">The churn overview could not be read: {polled.error}</p>}
      {!overview || !options ? (
        !polled.error && <p className="empty">Waiting for predictions…</p>
      ) : (
        <div className="grid churn-grid">
          <figure className="panel wide">
            <figcaption>
              Risk distribution — {fmt(overview.predicted)} customers with a prediction
              {overview.scored < overview.predicted ? ` (${fmt(overview.scored)} with a score)` : ''},{' '}
              {fmt(overview.atRisk)} at risk
            </figcaption>
            <EChart
              option={options.histogram}
              height={260}
              label={`Churn risk distribution; ${overview.atRisk} of ${overview.predicted} customers with a prediction are at risk (threshold ${overview.threshold})`}
            />
          </figure>
          <figure className="panel">
            <figcaption>Share at risk</figcaption>
            <EChart
              option={options.share}
              height={260}
              label={`Share of customers at risk: ${pct(overview.predicted ? overview.atRisk / overview.predicted : 0)}`}
            />
          </figure>
          <figure className="panel">
            <figcaption>By level</figcaption>
            <EChart option={options.level} height={220} label="Customers at risk by subscription level" />
          </figure>
          <figure className="panel">
            <figcaption>By campaign</figcaption>
            <EChart option={options.campaign} height={220} label="Customers at risk by sign-up campaign" />
          </figure>
          <div className="panel wide">
            <h3>Top at-risk customers</h3>
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
                {overview.topAtRisk.map((c) => (
                  <tr key={c.customerId}>
                    <td>
                      <button type="button" className="link" onClick={() => onSelectCustomer(c.customerId)}>
                        {c.customerId}
                      </button>
                    </td>
                    <td>{c.name ?? '—'}</td>
                    <td>{c.level ?? '—'}</td>
                    <td>{fmt(c.listens)}</td>
                    <td className="risk-cell">{c.churnRisk === null ? 'label only' : risk(c.churnRisk)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
