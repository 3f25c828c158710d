// `npm start`: the engine on the embedded demo stream (or the configured brokers) with the
// dashboard served to a browser; it prints the URL to open. Extra arguments go to `c360 serve`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli', 'c360.js');
const child = spawn(process.execPath, [cli, 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl+C reaches the child through the terminal's process group; it saves and exits.
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
