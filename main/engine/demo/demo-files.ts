import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify';
import { generateDemoHistory } from './demo-batch.js';
import { CRM_COLUMNS, DemoWorld } from './demo-world.js';

/** `c360 demo-data`: the demo history as the files the field sends (DESIGN §3). */

export const DEMO_FILES = {
  tracks: 'tracks.csv',
  clicks: 'clicks.jsonl',
  predictions: 'predictions.jsonl',
  customers: 'customers.csv',
} as const;

export interface DemoDataOptions {
  out: string;
  customers: number;
  events: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoDataSummary {
  files: string[];
  customers: number;
  listens: number;
  clicks: number;
  predictions: number;
}

/** Buffers lines and respects back-pressure, so writing a million lines stays fast and bounded. */
class LineWriter {
  #buffer: string[] = [];
  #size = 0;
  readonly #out: WriteStream;
  constructor(path: string) {
    this.#out = createWriteStream(path);
  }
  async line(text: string): Promise<void> {
    this.#buffer.push(text);
    this.#size += text.length;
    if (this.#size > 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const chunk = `${this.#buffer.join('\n')}\n`;
    this.#buffer = [];
    this.#size = 0;
    if (!this.#out.write(chunk)) await once(this.#out, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.#out.end();
    await once(this.#out, 'close');
  }
}

export async function writeDemoData(options: DemoDataOptions): Promise<DemoDataSummary> {
  await mkdir(options.out, { recursive: true });
  const world = new DemoWorld({ seed: options.seed, customers: options.customers });
  const paths = Object.fromEntries(
    Object.entries(DEMO_FILES).map(([k, f]) => [k, join(options.out, f)]),
  ) as Record<keyof typeof DEMO_FILES, string>;

  const customersOut = createWriteStream(paths.customers);
  const csv = stringify({ header: true, columns: [...CRM_COLUMNS], record_delimiter: '\r\n' });
  csv.pipe(customersOut);
  for (const c of world.customers) if (!csv.write(c.crm)) await once(csv, 'drain');
  csv.end();
  await once(customersOut, 'close');

  const tracks = new LineWriter(paths.tracks);
  const clicks = new LineWriter(paths.clicks);
  const predictions = new LineWriter(paths.predictions);
  const summary: DemoDataSummary = {
    files: Object.values(paths),
    customers: world.customers.length,
    listens: 0,
    clicks: 0,
    predictions: 0,
  };
  for (const r of generateDemoHistory(world, options.events)) {
    if (r.kind === 'listen') {
      const l = r.record;
      await tracks.line(`${l.eventId},${l.customerId},${l.trackId},${l.ts},${l.mobile ? 1 : 0},${l.zip}`);
      summary.listens += 1;
    } else if (r.kind === 'click') {
      await clicks.line(JSON.stringify(r.record));
      summary.clicks += 1;
    } else {
      await predictions.line(JSON.stringify(r.record));
      summary.predictions += 1;
    }
    const done = summary.listens + summary.clicks;
    if (done % 50_000 === 0) options.onProgress?.(done, options.events);
  }
  await Promise.all([tracks.close(), clicks.close(), predictions.close()]);
  options.onProgress?.(options.events, options.events);
  return summary;
}
