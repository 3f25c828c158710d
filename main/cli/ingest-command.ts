import { basename } from 'node:path';
import { DEFAULT_CHURN_THRESHOLD } from '../../shared/profile-columns.js';
import { Engine } from '../engine/engine.js';
import type { IngestSession } from '../engine/ingest/ingest-session.js';
import { isAtRisk } from '../engine/profile/profile.js';
import { DemoSource } from '../engine/sources/demo/demo-source.js';
import { type FileResult, FileSource } from '../engine/sources/file/file-source.js';
import { UserError } from '../engine/user-error.js';
import { count, fmt, progressBar, stopOnInterrupt } from './cli-output.js';
import { ingestSummary } from './ingest-summary.js';

export interface IngestFlags {
  dataDir: string;
  force?: boolean;
  demo?: number | true;
  rate: number;
  speed: number;
  seed: number;
  customers: number;
  checkpointEvery: number;
  threads: number;
}

export async function runIngest(files: string[], flags: IngestFlags): Promise<void> {
  if (files.length === 0 && flags.demo === undefined) {
    throw new UserError('name the files to ingest (tracks CSV, JSON lines, customers CSV), or pass --demo');
  }
  if (files.length > 0 && flags.demo !== undefined) throw new UserError('give files or --demo, not both');
  const engine = await Engine.open({
    storeDir: flags.dataDir,
    checkpoint: { everyRecords: flags.checkpointEvery },
  });
  if (engine.notice) process.stderr.write(`${engine.notice}\n`);
  const shouldStop = stopOnInterrupt();
  const started = performance.now();

  let results: FileResult[] = [];
  if (flags.demo !== undefined) {
    await runDemo(engine, flags, shouldStop);
  } else {
    const bar = progressBar('Ingesting [{bar}] {percentage}% | {value}/{total} MB | ETA {eta_formatted}');
    bar?.start(1, 0);
    const source = new FileSource(files, {
      force: flags.force,
      threads: flags.threads,
      onProgress: (done, total) => {
        bar?.setTotal(Math.max(1, Math.round(total / 1e6)));
        bar?.update(Math.round(done / 1e6));
      },
    });
    try {
      results = await engine.run(source, { shouldStop });
    } finally {
      bar?.stop();
    }
  }
  await engine.close({ whole: true }); // a run ends with the store in one file
  const { session, store } = engine;
  const quarantinePath = engine.quarantinePath;
  const elapsed = performance.now() - started;

  const lines: string[] = [];
  for (const r of results) {
    if (r.outcome === 'skipped') {
      const when = r.previously?.completedAt ? ` on ${r.previously.completedAt}` : ' earlier in this run';
      const as = r.previously && r.previously.path !== r.path ? ` as ${r.previously.path}` : '';
      lines.push(
        `Skipped ${basename(r.path)}: the same content was ingested${as}${when}; pass --force to count it again.`,
      );
    } else if (r.outcome === 'resumed') {
      lines.push(
        `Resumed ${basename(r.path)} where the last run stopped (${count(r.records, 'more record')}).`,
      );
    } else if (r.outcome === 'forced') {
      lines.push(`Counted ${basename(r.path)} again (--force): its events are now in the profiles twice.`);
    }
  }
  const source = flags.demo !== undefined ? 'the demo source' : count(results.length, 'file');
  lines.push(
    ...ingestSummary(session, { source, elapsedMs: elapsed, storePath: store.path, quarantinePath }),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runDemo(engine: Engine, flags: IngestFlags, shouldStop: () => boolean): Promise<void> {
  const limit = flags.demo === true ? undefined : flags.demo;
  const bar = progressBar('Demo {value} events | {rate} events/s | {customers} customers | {atRisk} at risk');
  bar?.start(limit ?? 0, 0, { rate: 0, customers: 0, atRisk: 0 });
  // Without a terminal there is no bar: a plain status line every 10 s shows the engine is alive.
  const every = bar ? 500 : 10_000;
  let lastReport = performance.now();
  let lastEvents = 0;
  const source = new DemoSource({
    seed: flags.seed,
    customers: flags.customers,
    rate: flags.rate,
    speed: flags.speed,
    limit,
  });
  await engine.run(source, {
    shouldStop,
    onBatch: (s: IngestSession) => {
      const now = performance.now();
      if (now - lastReport < every) return;
      const events = s.counts.listens + s.counts.clicks;
      const rate = Math.round(((events - lastEvents) * 1000) / (now - lastReport));
      let atRisk = 0;
      for (const p of s.state.profiles.values()) if (isAtRisk(p, DEFAULT_CHURN_THRESHOLD)) atRisk += 1;
      const values = { rate: fmt(rate), customers: fmt(s.state.profiles.size), atRisk: fmt(atRisk) };
      if (bar) bar.update(events, values);
      else
        process.stderr.write(
          `${fmt(events)} events, ${values.rate} events/s, ${values.customers} customers, ${values.atRisk} at risk\n`,
        );
      lastReport = now;
      lastEvents = events;
    },
  });
  bar?.stop();
}
