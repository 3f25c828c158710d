import { BrainCircuit, Cpu, Laptop, Layers, ShoppingCart, Smartphone, Users } from 'lucide-static';
import type { DashboardSnapshot } from '../../../shared/engine-api';
import { fmt } from '../format';
import type { EChartsOption } from './EChart';

/**
 * The flow picture: events moving from where they happen (web shop, mobile and desktop apps, the
 * churn model) through the Kafka topics into the engine and the profiles. Each node carries its
 * icon and its live rate; each link's particles move faster and more densely as its rate grows,
 * and are a bright tint of the link's colour, so they stay visible on the line at any rate. When a
 * customer crosses into churn risk, the profiles node sends out a ripple.
 */

type Rates = DashboardSnapshot['flow'];
type Theme = 'booth' | 'desk';

interface FlowNode {
  name: string;
  x: number;
  y: number;
  kind: 'source' | 'topic' | 'engine';
  icon: string;
  color: string;
}

const NODES: FlowNode[] = [
  { name: 'Web shop', x: 17, y: 84, kind: 'source', icon: ShoppingCart, color: '#f59e0b' },
  { name: 'Mobile app', x: 17, y: 60, kind: 'source', icon: Smartphone, color: '#2ee6c5' },
  { name: 'Desktop app', x: 17, y: 36, kind: 'source', icon: Laptop, color: '#60a5fa' },
  { name: 'Churn model', x: 17, y: 12, kind: 'source', icon: BrainCircuit, color: '#f472b6' },
  { name: 'clickstream', x: 38, y: 60, kind: 'topic', icon: Layers, color: '#a78bfa' },
  { name: 'predictions', x: 38, y: 12, kind: 'topic', icon: Layers, color: '#f472b6' },
  { name: 'Engine', x: 64, y: 40, kind: 'engine', icon: Cpu, color: '#7cb3ff' },
  { name: 'Customer profiles', x: 89, y: 40, kind: 'engine', icon: Users, color: '#e8eef9' },
];

const node = (name: string) => NODES.find((n) => n.name === name) as FlowNode;

/** A lucide icon as an image ECharts can draw, stroked in `color`. */
function iconImage(svg: string, color: string): string {
  const coloured = svg.replace(/currentColor/g, color).replace(/stroke-width="2"/, 'stroke-width="1.75"');
  return `image://data:image/svg+xml;utf8,${encodeURIComponent(coloured)}`;
}

/** `#rrggbb` mixed with white by `t` (0–1): the particles' tint, brighter than their line. */
function tint(hex: string, t: number): string {
  const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const m = c.map((v) => Math.round(v + (255 - v) * t));
  return `rgb(${m[0]},${m[1]},${m[2]})`;
}

interface Edge {
  from: string;
  to: string;
  rate: number;
  color: string;
}

function edges(r: Rates): Edge[] {
  const clicks = r.web + r.mobile + r.desktop;
  return [
    { from: 'Web shop', to: 'clickstream', rate: r.web, color: '#f59e0b' },
    { from: 'Mobile app', to: 'clickstream', rate: r.mobile, color: '#2ee6c5' },
    { from: 'Desktop app', to: 'clickstream', rate: r.desktop, color: '#60a5fa' },
    { from: 'Churn model', to: 'predictions', rate: r.predictions, color: '#f472b6' },
    { from: 'clickstream', to: 'Engine', rate: clicks, color: '#a78bfa' },
    { from: 'predictions', to: 'Engine', rate: r.predictions, color: '#f472b6' },
    { from: 'Engine', to: 'Customer profiles', rate: clicks + r.predictions, color: '#7cb3ff' },
  ];
}

/** Rates move in steps, so the animation restarts only when the picture really changes. */
export function step(rate: number): number {
  return rate <= 0 ? 0 : Math.round(Math.log2(rate + 1) * 2) / 2;
}

/** The live rate written on each node. */
function nodeRates(r: Rates): Map<string, number> {
  const clicks = r.web + r.mobile + r.desktop;
  return new Map([
    ['Web shop', r.web],
    ['Mobile app', r.mobile],
    ['Desktop app', r.desktop],
    ['Churn model', r.predictions],
    ['clickstream', clicks],
    ['predictions', r.predictions],
    ['Engine', clicks + r.predictions],
    ['Customer profiles', clicks + r.predictions],
  ]);
}

export interface FlowPicture {
  /** Rates as shown (rounded), and the stepped ones that set the particles. */
  rates: Rates;
  stepped: Rates;
  theme: Theme;
  /** A crossing into churn risk in the last few seconds: the profiles node ripples. */
  burst: boolean;
  /** Sizes relative to the booth's full-HD design (a smaller screen, smaller discs and type). */
  scale?: number;
}

export function flowOption({ rates, stepped, theme, burst, scale = 1 }: FlowPicture): EChartsOption {
  const booth = theme === 'booth';
  const k = booth ? Math.max(0.6, Math.min(1.4, scale)) : 1;
  // Type shrinks less than the discs: it has to stay readable across a booth.
  const font = (px: number) => Math.round(px * Math.max(0.8, k));
  const text = booth ? '#e8eef9' : '#1f2937';
  const muted = booth ? '#a9b6cc' : '#4b5563';
  const face = booth ? '#101a30' : '#ffffff';
  const shown = nodeRates(rates);
  const size = (n: FlowNode) => Math.round((n.kind === 'source' ? (booth ? 62 : 46) : booth ? 84 : 60) * k);
  const series: unknown[] = [
    {
      // The nodes: a disc with a glowing ring…
      type: 'scatter',
      data: NODES.map((n) => ({
        name: n.name,
        value: [n.x, n.y],
        symbolSize: size(n),
        itemStyle: {
          color: face,
          borderColor: n.color,
          borderWidth: booth ? 3 : 2,
          shadowColor: n.color,
          shadowBlur: booth ? 22 : 6,
        },
        label: {
          show: true,
          // Sources, stacked in a column, are named on their left; the rest below.
          position: n.kind === 'source' ? 'left' : 'bottom',
          align: n.kind === 'source' ? 'right' : 'center',
          distance: booth ? 14 : 10,
          formatter: `{name|${n.kind === 'topic' ? `${n.name} topic` : n.name}}\n{rate|${fmt(shown.get(n.name) ?? 0)} /s}`,
          rich: {
            name: {
              color: text,
              fontSize: booth ? font(20) : 13,
              fontWeight: 600,
              lineHeight: booth ? font(26) : 17,
              align: n.kind === 'source' ? 'right' : 'center',
            },
            rate: {
              color: n.color === '#e8eef9' ? muted : n.color,
              fontSize: booth ? font(18) : 12,
              lineHeight: booth ? font(24) : 16,
              align: n.kind === 'source' ? 'right' : 'center',
            },
          },
        },
      })),
      z: 3,
      silent: true,
      animation: false,
    },
    {
      // …and its icon on top.
      type: 'scatter',
      data: NODES.map((n) => ({
        name: n.name,
        value: [n.x, n.y],
        symbol: iconImage(n.icon, n.color),
        symbolSize: Math.round(size(n) * 0.52),
      })),
      z: 4,
      silent: true,
      animation: false,
    },
  ];
  if (burst) {
    const p = node('Customer profiles');
    series.push({
      type: 'effectScatter',
      data: [{ value: [p.x, p.y] }],
      symbolSize: size(p),
      rippleEffect: { scale: 3.2, period: 1.6, brushType: 'stroke', color: booth ? '#ff6b4a' : '#c2410c' },
      itemStyle: { color: 'transparent' },
      z: 2,
      silent: true,
    });
  }
  for (const e of edges(stepped)) {
    const from = node(e.from);
    const to = node(e.to);
    const active = e.rate > 0;
    // More particles and faster as the rate grows, never so many or so fast they read as a line.
    const copies = active ? Math.min(6, 1 + Math.floor(e.rate / 2.5)) : 0;
    const period = Math.max(1.1, 4.2 - e.rate * 0.28);
    series.push({
      type: 'lines',
      coordinateSystem: 'cartesian2d',
      lineStyle: {
        color: e.color,
        width: 1.5 + Math.min(7, e.rate / 1.6),
        opacity: active ? (booth ? 0.32 : 0.4) : 0.1,
        curveness: 0.18,
        shadowColor: booth ? e.color : 'transparent',
        shadowBlur: booth ? 10 : 0,
      },
      // Always shown; an idle line's particle has no size. ECharts (6.1) swaps a lines series'
      // drawing when its effect is switched on or off and leaves the old, emptied group in the
      // chart: one more group each time, for good. Particles stop while the view is hidden by
      // pausing the chart (EChart's `paused`), not by switching the effect off.
      effect: {
        show: true,
        period,
        delay: (i: number) => (i * period * 1000) / Math.max(1, copies),
        trailLength: 0.28,
        symbol: 'circle',
        symbolSize: copies === 0 ? 0 : booth ? Math.round(11 * k) : 7,
        color: tint(e.color, booth ? 0.55 : 0.25),
      },
      // The lines stop at the discs' edge (the ends are inside the nodes, which are drawn over them).
      data: Array.from({ length: Math.max(1, copies) }, () => ({
        coords: [
          [from.x, from.y],
          [to.x, to.y],
        ],
      })),
      symbol: ['none', 'none'],
      z: 1,
      silent: true,
      animation: false,
    });
  }
  return {
    animation: false,
    grid: { left: 30, right: 30, top: 40, bottom: booth ? 70 : 56 },
    xAxis: { type: 'value', min: 0, max: 100, show: false },
    yAxis: { type: 'value', min: 0, max: 96, show: false },
    series,
  };
}
