import { useEffect, useRef } from 'react';
import { DAYS_OF_WEEK, TIME_OF_DAY_BUCKETS } from '../../../shared/time-of-day';
import {
  type BokehAxis,
  type BokehColorMapper,
  type BokehColumnDataSource,
  type BokehFigure,
  type BokehModule,
  type BokehRange1d,
  showFigures,
} from './bokeh';

/**
 * Time-of-day listening with BokehJS: the share of listens per bucket and a 7×24 day × hour
 * heatmap with its colour scale, for the whole base, with one customer overlaid for comparison
 * (bars side by side; the customer's hours as rings). The figures are made once per theme and
 * layout; data, the colour scale's range, the bar axis and the sizes change in place.
 */

export interface TimeOfDayData {
  base: { buckets: Record<string, number>; dayHour: number[] };
  customer: { label: string; buckets: Record<string, number>; dayHour: number[] } | null;
  theme: 'booth' | 'desk';
  /**
   * What a heatmap cell's colour says: its listens, or its share of that day's listens (the
   * booth: each day's rhythm reads the same whether the day was busy or quiet).
   */
  heat?: 'listens' | 'day-share';
}

const palette = {
  booth: {
    text: '#e8eef9',
    muted: '#a9b6cc',
    grid: '#26324d',
    panel: '#111a2e',
    base: '#7cb3ff',
    customer: '#f59e0b',
    // Dark navy to teal to a pale mint: each step visible on the dark panel.
    ramp: ['#16213a', '#183a5a', '#155e75', '#0e7c86', '#14a08f', '#2ec4a5', '#6ee7c8', '#c7f9e6'],
    ring: '#f59e0b',
  },
  desk: {
    text: '#1f2937',
    muted: '#4b5563',
    grid: '#e5e7eb',
    panel: '#ffffff',
    base: '#2563eb',
    customer: '#c2410c',
    ramp: ['#f1f5fd', '#dbe7fb', '#bcd3f7', '#93b6ef', '#6794e3', '#4272d1', '#2853b3', '#1b3a86'],
    ring: '#c2410c',
  },
};

function shares(buckets: Record<string, number>): number[] {
  const total = TIME_OF_DAY_BUCKETS.reduce((n, b) => n + (buckets[b] ?? 0), 0);
  return TIME_OF_DAY_BUCKETS.map((b) =>
    total === 0 ? 0 : Math.round(((buckets[b] ?? 0) * 1000) / total) / 10,
  );
}

function heatmapData(dayHour: number[]) {
  const hour: string[] = [];
  const day: string[] = [];
  const count: number[] = [];
  const share: number[] = [];
  const dayTotals = Array.from({ length: 7 }, (_, d) =>
    dayHour.slice(d * 24, d * 24 + 24).reduce((a, b) => a + b, 0),
  );
  dayHour.forEach((n, i) => {
    const total = dayTotals[Math.floor(i / 24)] as number;
    hour.push(String(i % 24));
    day.push(DAYS_OF_WEEK[Math.floor(i / 24)] as string);
    count.push(n);
    share.push(total === 0 ? 0 : Math.round((n * 1000) / total) / 10);
  });
  return { hour, day, count, share };
}

function overlayData(dayHour: number[] | undefined, booth: boolean) {
  const max = Math.max(1, ...(dayHour ?? [0]));
  const hour: string[] = [];
  const day: string[] = [];
  const count: number[] = [];
  const size: number[] = [];
  (dayHour ?? []).forEach((n, i) => {
    if (n === 0) return;
    hour.push(String(i % 24));
    day.push(DAYS_OF_WEEK[Math.floor(i / 24)] as string);
    count.push(n);
    size.push((booth ? 8 : 6) + (booth ? 18 : 14) * (n / max));
  });
  return { hour, day, count, size };
}

function barData(data: TimeOfDayData) {
  // Nested factors (bucket, who) only when there are two bars a bucket; otherwise the bucket alone.
  const x: Array<string | [string, string]> = [];
  const share: number[] = [];
  const color: string[] = [];
  const who: string[] = [];
  const p = palette[data.theme];
  const base = shares(data.base.buckets);
  const mine = data.customer ? shares(data.customer.buckets) : null;
  TIME_OF_DAY_BUCKETS.forEach((b, i) => {
    x.push(mine ? [b, 'all'] : b);
    share.push(base[i] ?? 0);
    color.push(p.base);
    who.push('all customers');
    if (mine) {
      x.push([b, 'customer']);
      share.push(mine[i] ?? 0);
      color.push(p.customer);
      who.push(data.customer?.label ?? 'customer');
    }
  });
  return { x, share, color, who };
}

/** Readable axes in either theme: label and tick colours and sizes set explicitly. */
function styleAxes(axes: BokehAxis[], theme: 'booth' | 'desk'): void {
  const p = palette[theme];
  const booth = theme === 'booth';
  for (const a of axes) {
    a.major_label_text_color = p.text;
    a.major_label_text_font_size = booth ? '15px' : '11px';
    a.axis_label_text_color = p.muted;
    a.axis_label_text_font_size = booth ? '15px' : '12px';
    a.axis_label_text_font_style = 'normal';
    a.axis_line_color = p.grid;
    a.major_tick_line_color = p.grid;
    a.minor_tick_line_color = null;
  }
}

interface Built {
  bars: BokehFigure;
  heat: BokehFigure;
  barSource: BokehColumnDataSource;
  heatSource: BokehColumnDataSource;
  overlaySource: BokehColumnDataSource;
  yRange: BokehRange1d;
  mapper: BokehColorMapper;
}

/** `bokeh`: the loaded module (see useBokeh); the charts are made only once it is. */
export function TimeOfDayCharts({
  data,
  height,
  bokeh,
}: {
  data: TimeOfDayData;
  height?: number;
  bokeh: BokehModule;
}) {
  const barsEl = useRef<HTMLDivElement>(null);
  const heatEl = useRef<HTMLDivElement>(null);
  const built = useRef<Built | null>(null);
  const hasCustomer = data.customer !== null;
  const booth = data.theme === 'booth';
  const byShare = data.heat === 'day-share';

  // The figures, made once for a theme and layout (with a customer or not); released on change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: data and sizes are applied by the effects below, in place
  useEffect(() => {
    const barsBox = barsEl.current;
    const heatBox = heatEl.current;
    if (!barsBox || !heatBox) return;
    const p = palette[data.theme];
    const common = {
      background_fill_alpha: 0,
      border_fill_alpha: 0,
      outline_line_color: null,
      toolbar_location: null,
      min_border_left: booth ? 56 : 44,
    };
    const initialBars = barData(data);
    const barSource = new bokeh.ColumnDataSource({ data: initialBars });
    const yRange = new bokeh.Range1d({ start: 0, end: 100 });
    const bars = bokeh.Plotting.figure({
      ...common,
      width: Math.max(200, barsBox.clientWidth),
      height: Math.max(160, barsBox.clientHeight),
      x_range: new bokeh.FactorRange({ factors: initialBars.x }),
      y_range: yRange,
      y_axis_label: '% of listens',
    });
    bars.vbar({
      x: { field: 'x' },
      top: { field: 'share' },
      width: 0.8,
      fill_color: { field: 'color' },
      line_color: null,
      legend_field: 'who',
      source: barSource,
    });
    styleAxes([...bars.xaxis, ...bars.yaxis], data.theme);
    const legend = bars.legend;
    // A legend only when there are two kinds of bar to tell apart.
    legend.visible = hasCustomer;
    legend.location = 'top_right';
    legend.orientation = 'horizontal';
    legend.background_fill_color = p.panel;
    legend.background_fill_alpha = 0.85;
    legend.border_line_alpha = 0;
    legend.label_text_color = p.text;
    legend.label_text_font_size = booth ? '15px' : '12px';
    bars.add_tools(
      new bokeh.HoverTool({
        tooltips: [
          ['', '@who'],
          ['share', '@share%'],
        ],
      }),
    );
    for (const g of bars.xgrid) g.grid_line_color = null;
    for (const g of bars.ygrid) g.grid_line_color = p.grid;

    const mapper = new bokeh.LinearColorMapper({ palette: p.ramp, low: 0, high: 1 });
    const heatSource = new bokeh.ColumnDataSource({ data: heatmapData(data.base.dayHour) });
    const overlaySource = new bokeh.ColumnDataSource({ data: overlayData(data.customer?.dayHour, booth) });
    const heat = bokeh.Plotting.figure({
      ...common,
      width: Math.max(300, heatBox.clientWidth),
      height: Math.max(180, heatBox.clientHeight),
      x_range: new bokeh.FactorRange({ factors: Array.from({ length: 24 }, (_, h) => String(h)) }),
      y_range: new bokeh.FactorRange({ factors: [...DAYS_OF_WEEK].reverse() }),
      x_axis_label: 'hour of day',
    });
    heat.rect({
      x: { field: 'hour' },
      y: { field: 'day' },
      width: 0.94,
      height: 0.92,
      fill_color: { field: byShare ? 'share' : 'count', transform: mapper },
      line_color: null,
      source: heatSource,
    });
    if (hasCustomer) {
      heat.scatter({
        x: { field: 'hour' },
        y: { field: 'day' },
        size: { field: 'size' },
        marker: 'circle',
        fill_alpha: 0,
        line_color: p.ring,
        line_width: booth ? 3 : 2.5,
        source: overlaySource,
      });
    }
    heat.add_layout(
      new bokeh.ColorBar({
        color_mapper: mapper,
        title: byShare ? "% of the day's listens" : 'listens',
        title_text_color: p.muted,
        title_text_font_size: booth ? '14px' : '11px',
        title_text_font_style: 'normal',
        major_label_text_color: p.text,
        major_label_text_font_size: booth ? '14px' : '11px',
        background_fill_alpha: 0,
        major_tick_line_color: p.grid,
        bar_line_color: null,
        width: booth ? 16 : 12,
        padding: 6,
        label_standoff: 8,
      }),
      'right',
    );
    heat.add_tools(
      new bokeh.HoverTool({
        tooltips: [
          ['', '@day @hour:00'],
          ['listens', '@count'],
          ["share of the day's", '@share%'],
        ],
      }),
    );
    styleAxes([...heat.xaxis, ...heat.yaxis], data.theme);
    for (const g of [...heat.xgrid, ...heat.ygrid]) g.grid_line_color = null;
    built.current = { bars, heat, barSource, heatSource, overlaySource, yRange, mapper };
    const release = showFigures([
      [bars, barsBox],
      [heat, heatBox],
    ]);
    // Sizes follow the boxes, in place (Bokeh's own stretch sizing does not follow a CSS grid).
    const resize = new ResizeObserver(() => {
      const b = built.current;
      if (!b) return;
      const bw = Math.max(200, barsBox.clientWidth);
      const bh = Math.max(160, barsBox.clientHeight);
      const hw = Math.max(300, heatBox.clientWidth);
      const hh = Math.max(180, heatBox.clientHeight);
      if (Math.abs(b.bars.width - bw) > 4 || Math.abs(b.bars.height - bh) > 4)
        Object.assign(b.bars, { width: bw, height: bh });
      if (Math.abs(b.heat.width - hw) > 4 || Math.abs(b.heat.height - hh) > 4)
        Object.assign(b.heat, { width: hw, height: hh });
    });
    resize.observe(barsBox);
    resize.observe(heatBox);
    return () => {
      resize.disconnect();
      release();
      built.current = null;
    };
  }, [data.theme, hasCustomer, data.customer?.label, byShare]);

  // Data in place: the sources, the colour scale's top, the bar axis's top.
  useEffect(() => {
    const b = built.current;
    if (!b) return;
    const barsNow = barData(data);
    b.barSource.data = barsNow;
    b.yRange.end = Math.max(10, Math.ceil((Math.max(...barsNow.share) * 1.15) / 5) * 5);
    const heatNow = heatmapData(data.base.dayHour);
    b.heatSource.data = heatNow;
    b.mapper.high = Math.max(byShare ? 0.1 : 1, ...(byShare ? heatNow.share : heatNow.count));
    b.overlaySource.data = overlayData(data.customer?.dayHour, booth);
  }, [data, booth, byShare]);

  return (
    <div className="tod-charts" style={height ? { height } : undefined}>
      <figure className="panel">
        <figcaption>
          Listening by time of day{data.customer ? ` — ${data.customer.label} vs all customers` : ''}
        </figcaption>
        <div ref={barsEl} className="bokeh" />
      </figure>
      <figure className="panel">
        <figcaption>
          Day × hour{data.customer ? ` — rings: ${data.customer.label}` : ''}
          {byShare ? " — colour: each hour's share of its day" : ''}
        </figcaption>
        <div ref={heatEl} className="bokeh" />
      </figure>
    </div>
  );
}
