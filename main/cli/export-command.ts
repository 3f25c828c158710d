import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exportAggTable, exportLiveTable } from '../engine/export/csv-export.js';
import { ProfileStore, STORE_FILE } from '../engine/store/profile-store.js';
import { UserError } from '../engine/user-error.js';
import { count, progressBar } from './cli-output.js';

export interface ExportFlags {
  out: string;
  dataDir: string;
  threshold: number;
}

export async function runExport(flags: ExportFlags): Promise<void> {
  if (!existsSync(join(flags.dataDir, STORE_FILE))) {
    throw new UserError(`no store in ${flags.dataDir}; run "c360 ingest" first or pass --data-dir`);
  }
  try {
    await mkdir(flags.out, { recursive: true });
  } catch (error) {
    throw new UserError(
      `cannot write to ${flags.out} (${(error as NodeJS.ErrnoException).code}); choose another --out`,
    );
  }
  // Read-only, and without the store's lock: the last checkpoint, also of a store that `serve` or
  // `ingest` is writing now (whole writes are renamed into place, appended ones count only once
  // closed). A damaged store is reported, not moved aside: it is its writer's to judge.
  const { state } = await ProfileStore.open(flags.dataDir, undefined, { readOnly: true });
  const profiles = [...state.profiles.values()];
  const live = join(flags.out, 'live_table.csv');
  const agg = join(flags.out, 'agg_table.csv');
  const bar = progressBar('Exporting [{bar}] {value}/{total} customers');
  bar?.start(profiles.length, 0);
  try {
    await exportLiveTable(profiles, live, {
      threshold: flags.threshold,
      onProgress: (done) => bar?.update(done),
    });
    await exportAggTable(profiles, agg);
  } catch (error) {
    throw new UserError(
      `cannot write to ${flags.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); choose another --out`,
    );
  } finally {
    bar?.stop();
  }
  process.stdout.write(
    `Wrote ${count(profiles.length, 'customer')} to ${live}\nWrote base statistics to ${agg}\n`,
  );
}
