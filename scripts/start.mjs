// `npm start`: the desktop app on the demo stream (or C360_BROKERS). Where no Electron binary is
// installed, it says so in one line and serves the same dashboard to a browser instead.
// Extra arguments go to `c360 serve` in that case.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electron = electronBinary();
const [command, args] = electron
  ? [electron, [root]]
  : [process.execPath, [join(root, 'dist', 'main', 'cli', 'c360.js'), 'serve', ...process.argv.slice(2)]];
if (!electron)
  process.stderr.write(
    'No Electron binary installed here; serving the same dashboard to a browser instead.\n',
  );
const child = spawn(command, args, { stdio: 'inherit' });
// Ctrl+C reaches the child through the terminal's process group; it saves and exits.
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
