import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ENGINE_EVENTS } from '../../shared/engine-api.js';
import { EngineService, type EngineServiceOptions } from '../engine/engine-service.js';
import type { SecretVault } from '../engine/settings/secret-vault.js';
import { dispatch } from '../server/api-dispatch.js';

/**
 * The engine in a worker thread, so heavy ingest never blocks the Electron main thread. It speaks
 * the same messages as the WebSocket: requests in, responses and pushed events out, and every
 * request goes through the same dispatcher (checked against the contract). Secrets are kept by
 * the main process (Electron's safeStorage lives there): the worker asks for them by message.
 */

export interface EngineWorkerData {
  options: EngineServiceOptions;
  /** When set, secrets are asked of the main process, which keeps them as this says. */
  vault: { description: string } | null;
}

export type VaultRequest = { vault: 'get' | 'set' | 'delete'; id: number; key: string; value?: string };
export type VaultReply = { vaultReply: number; value?: string | null; error?: string };

/** The main process's vault, over the worker's port. */
class RemoteVault implements SecretVault {
  readonly #pending = new Map<number, { resolve: (v: string | null) => void; reject: (e: Error) => void }>();
  #next = 1;

  constructor(
    readonly description: string,
    readonly port: MessagePort,
  ) {}

  answer(reply: VaultReply): void {
    const p = this.#pending.get(reply.vaultReply);
    if (!p) return;
    this.#pending.delete(reply.vaultReply);
    if (reply.error !== undefined) p.reject(new Error(reply.error));
    else p.resolve(reply.value ?? null);
  }

  #ask(op: VaultRequest['vault'], key: string, value?: string): Promise<string | null> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.port.postMessage({ vault: op, id, key, value } satisfies VaultRequest);
    });
  }

  get(key: string) {
    return this.#ask('get', key);
  }
  async set(key: string, value: string) {
    await this.#ask('set', key, value);
  }
  async delete(key: string) {
    await this.#ask('delete', key);
  }
}

const port = parentPort;
if (!port) throw new Error('engine-worker runs as a worker thread');

const data = workerData as EngineWorkerData;
const vault = data.vault ? new RemoteVault(data.vault.description, port) : undefined;
const engine = new EngineService(data.options, vault);
for (const event of ENGINE_EVENTS) engine.on(event, (payload) => port.postMessage({ event, payload }));

// Calls are taken once the engine can answer them, before a large store's profiles are read
// (see EngineService.start); `ready` goes out when it is read. A start that fails is reported,
// not left pending: the app shows it instead of waiting forever.
let answer: (ok: boolean) => void = () => {};
const answering = new Promise<boolean>((resolve) => {
  answer = resolve;
});
const started = engine
  .start(() => answer(true))
  .then(
    ({ notice }) => {
      port.postMessage({ ready: true, notice, exportsDir: engine.exportsDir });
      return true;
    },
    (error: Error) => {
      answer(false);
      port.postMessage({ ready: false, error: error.message });
      return false;
    },
  );

port.on('message', async (message: unknown) => {
  if (typeof (message as VaultReply).vaultReply === 'number') {
    vault?.answer(message as VaultReply);
    return;
  }
  if ((message as { stop?: boolean }).stop) {
    if (await started) await engine.stop();
    port.postMessage({ stopped: true });
    return;
  }
  if (!(await answering)) return;
  const response = await dispatch(engine, message);
  if (response) port.postMessage(response);
});
