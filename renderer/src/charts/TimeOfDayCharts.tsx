import { useEffect, useRef, useState } from 'react';
import { DAYS_OF_WEEK, TIME_OF_DAY_BUCKETS } from '../../../shared/time-of-day';
import { type BokehColumnDataSource, bokeh, showFigures } from './bokeh';

/**
 * Time-of-day listening with BokehJS: the share of listens per bucket and a 7×24 day × hour
 * heatmap for the whole base, with one customer overlaid for comparison (bars side by side;
 * the customer's hours as rings over the base heatmap).
 */

export interface TimeOfDayData {
  base: { buckets: Record<string, number>; dayHour: number[] };
  customer: { label: string; buckets: Record<string, number>; dayHour: number[] } | null;
  theme: 'booth' | 'desk';
}

const palette = {
  booth: {
    text: '#dbe4f3',
    grid: '#2a3550',
    base: '#3b82f6',
    customer: '#f59e0b',
    low: [16, 26, 46],
    high: [46, 230, 197],
  },
  desk: {
    text: '#1f2937',
    grid: '#e5e7eb',
    base: '#2563eb',
    customer: '#c2410c',
    low: [239, 246, 255],
    high: [30, 64, 175],
  },
};

function shares(buckets: Record<string, number>): number[] {
  const total = TIME_OF_DAY_BUCKETS.reduce((n, b) => n + (buckets[b] ?? 0), 0);
  return TIME_OF_DAY_BUCKETS.map((b) =>
    total === 0 ? 0 : Math.round(((buckets[b] ?? 0) * 1000) / total) / 10,
  );
}

function mix(low: number[], high: number[], t: number): string {
  const c = low.map((l, i) => Math.round(l + ((high[i] ?? l) - l) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function heatmapData(dayHour: number[], theme: 'booth' | 'desk') {
  const max = Math.max(1, ...dayHour);
  const p = palette[theme];
  const hour: string[] = [];
  const day: string[] = [];
  const count: number[] = [];
  const color: string[] = [];
  dayHour.forEach((n, i) => {
    hour.push(String(i % 24));
    day.push(DAYS_OF_WEEK[Math.floor(i / 24)] as string);
    count.push(n);
    color.push(mix(p.low, p.high, Math.sqrt(n / max)));
  });
  return { hour, day, count, color };
}

function overlayData(dayHour: number[] | undefined) {
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
    size.push(6 + 14 * (n / max));
  });
  return { hour, day, count, size };
}

function barData(data: TimeOfDayData) {
  const x: [string, string][] = [];
  const share: number[] = [];
  const color: string[] = [];
  const who: string[] = [];
  const p = palette[data.theme];
  const base = shares(data.base.buckets);
  const mine = data.customer ? shares(data.customer.buckets) : null;
  TIME_OF_DAY_BUCKETS.forEach((b, i) => {
    x.push([b, 'all']);
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

export function TimeOfDayCharts({ data }: { data: TimeOfDayData }) {
  const barsEl = useRef<HTMLDivElement>(null);
  const heatEl = useRef<HTMLDivElement>(null);
  const sources = useRef<{
    bars: BokehColumnDataSource;
    heat: BokehColumnDataSource;
    overlay: BokehColumnDataSource;
  } | null>(null);
  const hasCustomer = data.customer !== null;
  const [widths, setWidths] = useState<[number, number]>([0, 0]);

  // Bokeh's stretch sizing does not follow a CSS grid here: measure, and rebuild on a real change.
  useEffect(() => {
    const measure = () => {
      const w: [number, number] = [barsEl.current?.clientWidth ?? 0, heatEl.current?.clientWidth ?? 0];
      setWidths((old) => (Math.abs(old[0] - w[0]) > 8 || Math.abs(old[1] - w[1]) > 8 ? w : old));
    };
    measure();
    const observer = new ResizeObserver(measure);
    if (barsEl.current) observer.observe(barsEl.current);
    if (heatEl.current) observer.observe(heatEl.current);
    return () => observer.disconnect();
  }, []);

  // Figures are rebuilt when the layout changes (theme, customer or not, size); data updates in place.
  // biome-ignore lint/correctness/useExhaustiveDependencies: data is applied by the next effect, in place
  useEffect(() => {
    const bars = barsEl.current;
    const heat = heatEl.current;
    if (!bars || !heat || widths[0] === 0 || widths[1] === 0) return;
    const p = palette[data.theme];
    const common = {
      background_fill_alpha: 0,
      border_fill_alpha: 0,
      outline_line_color: null,
      toolbar_location: null,
    };
    const initialBars = barData(data);
    const barSource = new bokeh.ColumnDataSource({ data: initialBars });
    const factors = initialBars.x;
    const barFigure = bokeh.Plotting.figure({
      ...common,
      width: widths[0],
      height: 260,
      x_range: new bokeh.FactorRange({ factors }),
      y_axis_label: '% of listens',
      // Room above 100% for the legend.
      y_range: [0, 135],
    });
    barFigure.vbar({
      x: { field: 'x' },
      top: { field: 'share' },
      width: 0.8,
      fill_color: { field: 'color' },
      line_color: null,
      legend_field: 'who',
      source: barSource,
    });
    // The legend names the bars; the inner axis labels would only collide.
    for (const axis of barFigure.xaxis) axis.major_label_text_font_size = '0px';
    for (const legend of barFigure.legend) {
      legend.location = 'top_left';
      legend.background_fill_alpha = 0;
      legend.border_line_alpha = 0;
      legend.label_text_color = p.text;
    }
    barFigure.add_tools(
      new bokeh.HoverTool({
        tooltips: [
          ['', '@who'],
          ['share', '@share%'],
        ],
      }),
    );
    for (const g of barFigure.xgrid) g.grid_line_color = null;
    for (const g of barFigure.ygrid) g.grid_line_color = p.grid;

    const heatSource = new bokeh.ColumnDataSource({ data: heatmapData(data.base.dayHour, data.theme) });
    const overlaySource = new bokeh.ColumnDataSource({ data: overlayData(data.customer?.dayHour) });
    const hours = Array.from({ length: 24 }, (_, h) => String(h));
    const heatFigure = bokeh.Plotting.figure({
      ...common,
      width: widths[1],
      height: 300,
      x_range: new bokeh.FactorRange({ factors: hours }),
      y_range: new bokeh.FactorRange({ factors: [...DAYS_OF_WEEK].reverse() }),
      x_axis_label: 'hour of day',
    });
    heatFigure.rect({
      x: { field: 'hour' },
      y: { field: 'day' },
      width: 0.95,
      height: 0.95,
      fill_color: { field: 'color' },
      line_color: null,
      source: heatSource,
    });
    if (hasCustomer) {
      heatFigure.scatter({
        x: { field: 'hour' },
        y: { field: 'day' },
        size: { field: 'size' },
        marker: 'circle',
        fill_alpha: 0,
        line_color: p.customer,
        line_width: 2.5,
        source: overlaySource,
      });
    }
    heatFigure.add_tools(
      new bokeh.HoverTool({
        tooltips: [
          ['', '@day @hour:00'],
          ['listens', '@count'],
        ],
      }),
    );
    for (const g of [...heatFigure.xgrid, ...heatFigure.ygrid]) g.grid_line_color = null;
    sources.current = { bars: barSource, heat: heatSource, overlay: overlaySource };
    const release = showFigures([
      [barFigure, bars],
      [heatFigure, heat],
    ]);
    return () => {
      release();
      sources.current = null;
    };
  }, [data.theme, hasCustomer, data.customer?.label, widths]);

  useEffect(() => {
    if (!sources.current) return;
    sources.current.bars.data = barData(data);
    sources.current.heat.data = heatmapData(data.base.dayHour, data.theme);
    sources.current.overlay.data = overlayData(data.customer?.dayHour);
  }, [data]);

  return (
    <div className="tod-charts">
      <figure className="panel">
        <figcaption>
          Listening by time of day{data.customer ? ` — ${data.customer.label} vs all customers` : ''}
        </figcaption>
        <div ref={barsEl} className="bokeh" />
      </figure>
      <figure className="panel">
        <figcaption>Day × hour{data.customer ? ` — rings: ${data.customer.label}` : ''}</figcaption>
        <div ref={heatEl} className="bokeh" />
      </figure>
    </div>
  );
}
