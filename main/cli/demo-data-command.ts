import { writeDemoData } from '../engine/demo/demo-files.js';
import { UserError } from '../engine/user-error.js';
import { fmt, progressBar } from './cli-output.js';

export interface DemoDataFlags {
  out: string;
  customers: number;
  events: number;
  seed: number;
}

export async function runDemoData(flags: DemoDataFlags): Promise<void> {
  const bar = progressBar('Generating [{bar}] {percentage}% | {value}/{total} events');
  bar?.start(flags.events, 0);
  let summary: Awaited<ReturnType<typeof writeDemoData>>;
  try {
    summary = await writeDemoData({ ...flags, onProgress: (done) => bar?.update(done) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`cannot write to ${flags.out} (${code}); choose another --out`);
    throw error;
  } finally {
    bar?.stop();
  }
  process.stdout.write(
    `Wrote ${fmt(summary.customers)} customers, ${fmt(summary.listens)} listens, ${fmt(summary.clicks)} clicks and ${fmt(summary.predictions)} predictions (seed ${flags.seed}):\n${summary.files.map((f) => `  ${f}`).join('\n')}\n`,
  );
}
