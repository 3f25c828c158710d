import { Worker } from 'node:worker_threads';
import type { ApiMethod, EngineEventName, EngineEvents } from '../../shared/engine-api.js';
import type { EngineServiceOptions } from '../engine/engine-service.js';
import type { SecretVault } from '../engine/settings/secret-vault.js';
import type { EngineWorkerData, VaultReply, VaultRequest } from './engine-worker.js';

/**
 * The main side of the engine worker: calls become messages with ids, answers resolve them, and
 * pushed events reach listeners; the worker's questions to the secret vault are answered here.
 * No Electron here, so it runs (and is tested) under plain Node.
 */
export class EngineWorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Map<EngineEventName, Set<(payload: unknown) => void>>();
  #nextId = 1;
  #exited = false;
  readonly ready: Promise<{ notice: string | null; exportsDir: string }>;

  constructor(
    options: EngineServiceOptions,
    workerUrl = new URL('./engine-worker.js', import.meta.url),
    /** Keeps secrets for the engine (the desktop: safeStorage); absent, the engine's own file vault. */
    vault: SecretVault | null = null,
  ) {
    const data: EngineWorkerData = { options, vault: vault && { description: vault.description } };
    this.#worker = new Worker(workerUrl, { workerData: data });
    let ready: (v: { notice: string | null; exportsDir: string }) => void = () => {};
    let failed: (e: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    this.#worker.on('message', (m: Record<string, unknown>) => {
      if (typeof m.vault === 'string' && vault) {
        void this.#answerVault(vault, m as unknown as VaultRequest);
        return;
      }
      if (m.ready === true)
        ready({ notice: (m.notice as string | null) ?? null, exportsDir: m.exportsDir as string });
      else if (m.ready === false) failed(new Error(String(m.error)));
      else if (typeof m.event === 'string') {
        for (const l of this.#listeners.get(m.event as EngineEventName) ?? []) l(m.payload);
      } else if (typeof m.id === 'number') {
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        if ('error' in m) p.reject(new Error(String(m.error)));
        else p.resolve(m.result);
      }
    });
    // A worker that dies (a throw at load, an exit) fails whatever waits on it, start-up included.
    const fail = (error: Error) => {
      failed(error);
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => {
      this.#exited = true;
      fail(new Error(`the engine stopped (exit code ${code})`));
    });
    // Handled here so a failed start is never an unhandled rejection; callers still see it.
    this.ready.catch(() => {});
  }

  async #answerVault(vault: SecretVault, r: VaultRequest): Promise<void> {
    let reply: VaultReply;
    try {
      if (r.vault === 'get') reply = { vaultReply: r.id, value: await vault.get(r.key) };
      else if (r.vault === 'set') {
        await vault.set(r.key, r.value ?? '');
        reply = { vaultReply: r.id };
      } else {
        await vault.delete(r.key);
        reply = { vaultReply: r.id };
      }
    } catch (error) {
      reply = { vaultReply: r.id, error: (error as Error).message };
    }
    if (!this.#exited) this.#worker.postMessage(reply);
  }

  /** Unchecked here on purpose: the worker's dispatcher checks method and arguments. */
  call(method: ApiMethod | string, params: unknown): Promise<unknown> {
    if (this.#exited) return Promise.reject(new Error('the engine has stopped'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, params });
    });
  }

  on<E extends EngineEventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    this.#listeners.set(event, set);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  /** Saves and stops the engine, then ends the thread. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    await new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.on('message', (m: { stopped?: boolean }) => {
        if (m.stopped) resolve();
      });
      this.#worker.postMessage({ stop: true });
    });
    await this.#worker.terminate();
  }
}
