// BokehJS from its standalone scripts (index.html loads them; see vite.config.ts): window.Bokeh.

/** The small part of BokehJS's API the dashboard uses, typed. */
export interface BokehColumnDataSource {
  data: Record<string, unknown[]>;
}
/** An axis's visual properties (BokehJS's mixins: text, line, tick). */
export interface BokehAxis {
  major_label_orientation: number | string;
  major_label_text_font_size: string;
  major_label_text_color: string;
  axis_label_text_color: string;
  axis_label_text_font_size: string;
  axis_label_text_font_style: string;
  axis_line_color: string | null;
  major_tick_line_color: string | null;
  minor_tick_line_color: string | null;
}
export interface BokehFigure {
  width: number;
  height: number;
  vbar(args: Record<string, unknown>): unknown;
  rect(args: Record<string, unknown>): unknown;
  scatter(args: Record<string, unknown>): unknown;
  add_tools(tool: unknown): void;
  add_layout(annotation: unknown, place: 'left' | 'right' | 'above' | 'below' | 'center'): void;
  xaxis: BokehAxis[];
  yaxis: BokehAxis[];
  xgrid: { grid_line_color: string | null }[];
  ygrid: { grid_line_color: string | null }[];
  /** The figure's one Legend (made on first use): a model, not a list of them. */
  legend: {
    visible: boolean;
    location: string;
    background_fill_alpha: number;
    background_fill_color: string;
    label_text_color: string;
    label_text_font_size: string;
    border_line_alpha: number;
    orientation: string;
  };
}
export interface BokehRange1d {
  start: number;
  end: number;
}
export interface BokehColorMapper {
  low: number;
  high: number;
}
interface BokehView {
  remove(): void;
}
interface BokehDocument {
  add_root(model: BokehFigure): void;
  clear(): void;
}
interface BokehModule {
  Plotting: {
    figure(args: Record<string, unknown>): BokehFigure;
    show(document: BokehDocument, element: HTMLElement): Promise<BokehView[]>;
  };
  Document: new () => BokehDocument;
  /** Every Document BokehJS ever made: it never lets go of one by itself. */
  documents: BokehDocument[];
  ColumnDataSource: new (args: { data: Record<string, unknown[]> }) => BokehColumnDataSource;
  FactorRange: new (args: { factors: unknown[] }) => unknown;
  Range1d: new (args: { start: number; end: number }) => BokehRange1d;
  LinearColorMapper: new (args: { palette: string[]; low: number; high: number }) => BokehColorMapper;
  ColorBar: new (args: Record<string, unknown>) => unknown;
  HoverTool: new (args: { tooltips: Array<[string, string]> }) => unknown;
}

export const bokeh = (window as unknown as { Bokeh: BokehModule }).Bokeh;

/**
 * Shows figures in elements and returns what releases them. BokehJS keeps every Document it
 * makes in a global list (`Bokeh.documents`), and `Plotting.show(figure)` makes one per call, so
 * charts shown and removed on each visit to a view leaked their whole model graph and, through
 * its callbacks, their detached elements (measured: about 660 DOM nodes and 1 MiB a visit). Here
 * each figure gets a Document of ours, and releasing removes its views, clears it and takes it
 * out of that list.
 */
export function showFigures(pairs: Array<[BokehFigure, HTMLElement]>): () => void {
  const documents: BokehDocument[] = [];
  const views: BokehView[] = [];
  let released = false;
  let pending = pairs.length;
  const clear = () => {
    for (const doc of documents) {
      doc.clear();
      const at = bokeh.documents.indexOf(doc);
      if (at !== -1) bokeh.documents.splice(at, 1);
    }
  };
  for (const [figure, element] of pairs) {
    const doc = new bokeh.Document();
    doc.add_root(figure);
    documents.push(doc);
    const settle = () => {
      pending -= 1;
      // Released while BokehJS was still building views: the documents go once it is done with
      // them (clearing one under a view being built fails inside BokehJS).
      if (released && pending === 0) clear();
    };
    bokeh.Plotting.show(doc, element).then((shown) => {
      // A view that arrives after release (React may mount twice) is removed at once.
      if (released) for (const v of shown) v.remove();
      else views.push(...shown);
      settle();
    }, settle);
  }
  return () => {
    released = true;
    for (const v of views.splice(0)) v.remove();
    if (pending === 0) {
      clear();
      for (const [, element] of pairs) element.replaceChildren();
    }
  };
}
