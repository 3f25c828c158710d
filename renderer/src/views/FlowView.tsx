import { useMemo } from 'react';
import type { DashboardSnapshot } from '../../../shared/engine-api';
import { EChart, type EChartsOption } from '../charts/EChart';
import { fmt } from '../format';

/**
 * The booth picture: events moving from where they happen (web shop, mobile and desktop apps,
 * the churn model) through the Kafka topics into the engine and the profiles. Particles move
 * faster and more densely as the live rate grows.
 */

type Rates = DashboardSnapshot['flow'];

const NODES: Array<{ name: string; x: number; y: number; kind: 'source' | 'topic' | 'engine' }> = [
  { name: 'Web shop', x: 8, y: 82, kind: 'source' },
  { name: 'Mobile app', x: 8, y: 58, kind: 'source' },
  { name: 'Desktop app', x: 8, y: 34, kind: 'source' },
  { name: 'Churn model', x: 8, y: 10, kind: 'source' },
  { name: 'clickstream topic', x: 40, y: 58, kind: 'topic' },
  { name: 'predictions topic', x: 40, y: 10, kind: 'topic' },
  { name: 'Engine', x: 68, y: 40, kind: 'engine' },
  { name: 'Customer profiles', x: 92, y: 40, kind: 'engine' },
];

const at = (name: string) => {
  const n = NODES.find((node) => node.name === name);
  return [n?.x ?? 0, n?.y ?? 0];
};

/** Rates move in steps, so the animation restarts only when the picture really changes. */
function step(rate: number): number {
  return rate <= 0 ? 0 : Math.round(Math.log2(rate + 1) * 2) / 2;
}

function edges(r: Rates): Array<{ from: string; to: string; rate: number; color: string }> {
  const clicks = r.web + r.mobile + r.desktop;
  return [
    { from: 'Web shop', to: 'clickstream topic', rate: r.web, color: '#f59e0b' },
    { from: 'Mobile app', to: 'clickstream topic', rate: r.mobile, color: '#2ee6c5' },
    { from: 'Desktop app', to: 'clickstream topic', rate: r.desktop, color: '#60a5fa' },
    { from: 'Churn model', to: 'predictions topic', rate: r.predictions, color: '#f472b6' },
    { from: 'clickstream topic', to: 'Engine', rate: clicks, color: '#a7f3d0' },
    { from: 'predictions topic', to: 'Engine', rate: r.predictions, color: '#f9a8d4' },
    { from: 'Engine', to: 'Customer profiles', rate: clicks + r.predictions, color: '#e8eef9' },
  ];
}

function flowOption(stepped: Rates, theme: 'booth' | 'desk'): EChartsOption {
  const text = theme === 'booth' ? '#e8eef9' : '#1f2937';
  const series: unknown[] = [
    {
      type: 'scatter',
      data: NODES.map((n) => ({ name: n.name, value: [n.x, n.y] })),
      symbolSize: (_: unknown, p: { dataIndex: number }) => (NODES[p.dataIndex]?.kind === 'source' ? 26 : 44),
      itemStyle: {
        color: theme === 'booth' ? '#1e2a44' : '#e0e7ff',
        borderColor: theme === 'booth' ? '#3b82f6' : '#1d4ed8',
        borderWidth: 3,
      },
      label: {
        show: true,
        position: 'bottom',
        color: text,
        fontSize: theme === 'booth' ? 18 : 13,
        formatter: '{b}',
        distance: 10,
      },
      z: 3,
    },
  ];
  for (const e of edges(stepped)) {
    const rate = 2 ** e.rate - 1;
    const copies = rate <= 0 ? 0 : Math.min(8, 1 + Math.floor(e.rate / 2));
    const period = Math.max(0.6, 4 - e.rate * 0.3);
    series.push({
      type: 'lines',
      coordinateSystem: 'cartesian2d',
      polyline: false,
      lineStyle: {
        color: e.color,
        width: 1 + Math.min(6, e.rate / 2),
        opacity: rate > 0 ? 0.45 : 0.12,
        curveness: 0.15,
      },
      effect: {
        show: copies > 0,
        period,
        delay: (i: number) => (i * period * 1000) / Math.max(1, copies),
        trailLength: 0.35,
        symbol: 'circle',
        symbolSize: theme === 'booth' ? 9 : 7,
        color: e.color,
      },
      data: Array.from({ length: Math.max(1, copies) }, () => ({ coords: [at(e.from), at(e.to)] })),
      z: 2,
    });
  }
  return {
    animation: false,
    grid: { left: 20, right: 40, top: 20, bottom: 50 },
    xAxis: { type: 'value', min: 0, max: 100, show: false },
    yAxis: { type: 'value', min: 0, max: 92, show: false },
    series,
  };
}

export function FlowView({
  snapshot,
  theme,
}: {
  snapshot: DashboardSnapshot | null;
  theme: 'booth' | 'desk';
}) {
  const r = snapshot?.flow ?? { web: 0, mobile: 0, desktop: 0, predictions: 0 };
  const stepped = {
    web: step(r.web),
    mobile: step(r.mobile),
    desktop: step(r.desktop),
    predictions: step(r.predictions),
  };
  const key = JSON.stringify(stepped);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the stepped rates
  const option = useMemo(() => flowOption(stepped, theme), [key, theme]);
  return (
    <section className="view flow-view" aria-labelledby="flow-title">
      <h2 id="flow-title" className="view-title">
        Live event flow
      </h2>
      <div className="counters">
        <div className="counter">
          <span className="counter-value" data-testid="events-per-second">
            {fmt(snapshot?.events.perSecond ?? 0)}
          </span>
          <span className="counter-label">events / s</span>
        </div>
        <div className="counter">
          <span className="counter-value" data-testid="customers">
            {fmt(snapshot?.customers ?? 0)}
          </span>
          <span className="counter-label">customers</span>
        </div>
        <div className="counter at-risk">
          <span className="counter-value" data-testid="at-risk">
            {fmt(snapshot?.atRisk ?? 0)}
          </span>
          <span className="counter-label">at risk of churn</span>
        </div>
        <div className="counter">
          <span className="counter-value" data-testid="events-total">
            {fmt(snapshot?.events.total ?? 0)}
          </span>
          <span className="counter-label">events in all</span>
        </div>
      </div>
      <EChart
        option={option}
        height="48vh"
        label="Events flowing from the web shop, apps and churn model through Kafka into customer profiles"
        className="flow-chart"
      />
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
    </section>
  );
}
