// BokehJS from its standalone scripts (index.html loads them; see vite.config.ts): window.Bokeh.

/** The small part of BokehJS's API the dashboard uses, typed. */
export interface BokehColumnDataSource {
  data: Record<string, unknown[]>;
}
export interface BokehFigure {
  vbar(args: Record<string, unknown>): unknown;
  rect(args: Record<string, unknown>): unknown;
  scatter(args: Record<string, unknown>): unknown;
  add_tools(tool: unknown): void;
  xaxis: { major_label_orientation: number | string; major_label_text_font_size: string }[];
  xgrid: { grid_line_color: string | null }[];
  ygrid: { grid_line_color: string | null }[];
  legend: {
    location: string;
    background_fill_alpha: number;
    label_text_color: string;
    border_line_alpha: number;
  }[];
}
interface BokehModule {
  Plotting: {
    figure(args: Record<string, unknown>): BokehFigure;
    show(figure: BokehFigure, element: HTMLElement): Promise<{ remove(): void }>;
  };
  ColumnDataSource: new (args: { data: Record<string, unknown[]> }) => BokehColumnDataSource;
  FactorRange: new (args: { factors: unknown[] }) => unknown;
  HoverTool: new (args: { tooltips: Array<[string, string]> }) => unknown;
}

export const bokeh = (window as unknown as { Bokeh: BokehModule }).Bokeh;
