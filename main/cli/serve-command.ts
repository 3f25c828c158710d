import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineService } from '../engine/engine-service.js';
import { UserError } from '../engine/user-error.js';
import { DashboardServer, isLoopback } from '../server/dashboard-server.js';
import { stopOnInterrupt } from './cli-output.js';
import { type KafkaFlags, outsideLayers } from './kafka-options.js';

export interface ServeFlags extends KafkaFlags {
  dataDir: string;
  host: string;
  port: number;
  rate: number;
  speed: number;
  customers: number;
  seed: number;
  history: number;
  token?: string;
  allowedHosts?: string;
}

/** The built renderer, beside the compiled CLI in dist/. */
export const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));

export async function runServe(flags: ServeFlags): Promise<void> {
  if (!existsSync(`${RENDERER_DIR}/index.html`)) {
    throw new UserError(
      `the dashboard is not built (${RENDERER_DIR} has no index.html); run "npm run build" first`,
    );
  }
  // Off loopback a token is always needed; on loopback only when one is given (a shared machine).
  const token = flags.token ?? (isLoopback(flags.host) ? null : randomBytes(16).toString('hex'));
  const engine = new EngineService({
    dataDir: flags.dataDir,
    outside: outsideLayers(flags),
    demo: {
      rate: flags.rate,
      speed: flags.speed,
      customers: flags.customers,
      seed: flags.seed,
      history: flags.history,
    },
  });
  // The server listens before the store is read, so the page loads while a large store opens
  // (seconds at 100,000 customers); its API calls wait until the engine can take them, which is
  // before the profiles are read (see EngineService.start).
  let engineStarted: (ok: boolean) => void = () => {};
  const server = new DashboardServer(engine, {
    host: flags.host,
    port: flags.port,
    rendererDir: RENDERER_DIR,
    token,
    allowedHosts: flags.allowedHosts
      ?.split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    engineReady: new Promise((resolve) => {
      engineStarted = resolve;
    }),
  });
  let address: { url: string };
  try {
    address = await server.listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot listen on ${flags.host}:${flags.port} (${code}); choose another --port or --host`,
    );
  }
  let notice: string | null;
  try {
    ({ notice } = await engine.start((active) => {
      const from =
        active.kind === 'demo'
          ? `the embedded demo stream (${flags.rate} events/s${flags.speed !== 1 ? `, simulated time at ${flags.speed}×` : ''})`
          : `${active.kind === 'profiles' ? 'Kafka Streams profiles' : 'Kafka'} at ${active.settings.brokers.join(',')} (${active.origin === 'settings' ? `saved connection "${active.name}"` : `from the ${active.origin}`})`;
      process.stdout.write(`Customer 360 dashboard on ${from}: ${address.url}\n`);
      if (token)
        process.stdout.write(`The page and API need the token ${token} (already in the URL above).\n`);
      engineStarted(true);
    }));
  } catch (error) {
    engineStarted(false);
    await server.close();
    throw error;
  }
  if (notice) process.stderr.write(`${notice}\n`);
  const shouldStop = stopOnInterrupt();
  await new Promise<void>((done) => {
    const poll = setInterval(() => {
      if (shouldStop()) {
        clearInterval(poll);
        done();
      }
    }, 100);
  });
  await server.close();
  await engine.stop();
}
