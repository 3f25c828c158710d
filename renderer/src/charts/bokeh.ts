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
  for (const [figure, element] of pairs) {
    const doc = new bokeh.Document();
    doc.add_root(figure);
    documents.push(doc);
    void bokeh.Plotting.show(doc, element).then((shown) => {
      // A view that arrives after release (React may mount twice) is removed at once.
      if (released) for (const v of shown) v.remove();
      else views.push(...shown);
    });
  }
  return () => {
    released = true;
    for (const v of views.splice(0)) v.remove();
    for (const doc of documents) {
      doc.clear();
      const at = bokeh.documents.indexOf(doc);
      if (at !== -1) bokeh.documents.splice(at, 1);
    }
    for (const [, element] of pairs) element.replaceChildren();
  };
}
