import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built lock module, for holders in processes of their own (npm test builds first). */
export const BUILT_LOCK = fileURLToPath(
  new URL('../../dist/main/engine/store/store-lock.js', import.meta.url),
);

/** Another process holding the store folder `dir` (as another c360 would), until killed. */
export async function holderProcess(dir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { StoreLock } = await import(${JSON.stringify(BUILT_LOCK)});
       await StoreLock.take(${JSON.stringify(dir)});
       process.stdout.write('held\\n');
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => String(d).includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}
