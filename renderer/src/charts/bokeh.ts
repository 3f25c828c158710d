// BokehJS from its standalone scripts (see vite.config.ts), loaded when a chart first needs it:
// window.Bokeh. In the page's head they were 1.5 MB of script run before the app could start.
import { useEffect, useState } from 'react';

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
export interface BokehModule {
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

let loaded: BokehModule | null = null;
let loading: Promise<BokehModule> | null = null;

function addScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = src;
    el.async = false;
    el.onload = () => resolve();
    el.onerror = () => reject(new Error(`the charts library (${src}) could not be loaded`));
    document.head.append(el);
  });
}

/** BokehJS, loaded once (its API script needs the main one first); a failed load is tried again. */
export function loadBokeh(): Promise<BokehModule> {
  loading ??= addScript('./vendor/bokeh.min.js')
    .then(() => addScript('./vendor/bokeh-api.min.js'))
    .then(() => {
      loaded = (window as unknown as { Bokeh: BokehModule }).Bokeh;
      return loaded;
    })
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}

/** BokehJS once loaded (null until then; what went wrong if it could not be); starts the load. */
export function useBokeh(): { bokeh: BokehModule | null; error: string | null; retry: () => void } {
  const [state, setState] = useState<{ bokeh: BokehModule | null; error: string | null }>({
    bokeh: loaded,
    error: null,
  });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a retry is a new attempt
  useEffect(() => {
    if (loaded) return;
    let live = true;
    loadBokeh().then(
      (bokeh) => live && setState({ bokeh, error: null }),
      (error: Error) => live && setState({ bokeh: null, error: error.message }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  return {
    ...state,
    retry: () => {
      setState({ bokeh: null, error: null });
      setAttempt((n) => n + 1);
    },
  };
}

/** The loaded module, for code that runs only once it is (the charts, under useBokeh). */
function bokehModule(): BokehModule {
  if (!loaded) throw new Error('BokehJS is not loaded yet');
  return loaded;
}

/**
 * Shows figures in elements and returns what releases them. BokehJS keeps every Document it
 * makes in a global list (`Bokeh.documents`), and `Plotting.show(figure)` makes one per call, so
 * charts shown and removed on each visit to a view leaked their whole model graph and, through
 * its callbacks, their detached elements (measured: about 660 DOM nodes and 1 MiB a visit). Here
 * each figure gets a Document of ours, and releasing removes its views, clears it and takes it
 * out of that list.
 */
export function showFigures(pairs: Array<[BokehFigure, HTMLElement]>): () => void {
  const bokeh = bokehModule();
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
