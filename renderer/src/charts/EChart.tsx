import {
  BarChart,
  EffectScatterChart,
  GaugeChart,
  LineChart,
  LinesChart,
  ScatterChart,
} from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  PolarComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  BarChart,
  EffectScatterChart,
  GaugeChart,
  LineChart,
  LinesChart,
  ScatterChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  PolarComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type EChartsOption = echarts.EChartsCoreOption;

interface Props {
  option: EChartsOption;
  /** Read out by screen readers; the canvas itself says nothing. */
  label: string;
  height: number | string;
  className?: string;
  onClick?: (params: { dataIndex: number; name: string; seriesIndex?: number }) => void;
  /** Stops the chart's animations and drawing (a booth view waiting for its turn); true resumes them. */
  paused?: boolean;
}

/** One ECharts instance per element, updated in place as the option changes. */
export function EChart({ option, label, height, className, onClick, paused = false }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // zrender's frame loop draws and runs the animators (and applies lazy option updates): paused,
    // a hidden chart costs nothing; resumed, it catches up on the next frame.
    const animation = chart.current?.getZr().animation;
    if (paused) animation?.pause();
    else animation?.resume();
  }, [paused]);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: false }, ...option }, { notMerge: false, lazyUpdate: true });
  }, [option]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || !onClick) return;
    const handler = (p: unknown) => onClick(p as { dataIndex: number; name: string; seriesIndex?: number });
    instance.on('click', handler);
    return () => {
      instance.off('click', handler);
    };
  }, [onClick]);

  return (
    <div
      ref={element}
      className={className}
      style={{ height, width: '100%' }}
      role="img"
      aria-label={label}
    />
  );
}
