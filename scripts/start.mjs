// `npm start`: the most complete job the project has today — the engine running live on the
// embedded demo stream into the default store, until Ctrl+C. Extra arguments go to `c360 ingest`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli', 'c360.js');
const args = ['ingest', '--demo', '--rate', '2000', ...process.argv.slice(2)];
process.stderr.write(
  'Customer 360: engine on the embedded demo stream (2,000 events/s). Ctrl+C stops after a checkpoint;\n' +
    'then "npm run c360 -- export --out ./export" writes live_table.csv and agg_table.csv.\n',
);
const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
// Ctrl+C reaches the child through the terminal's process group; the child checkpoints and exits.
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
