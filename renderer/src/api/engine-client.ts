import {
  type ApiMethod,
  type ApiParams,
  type ApiPush,
  type ApiResponse,
  apiSchemas,
  type EngineApi,
  type EngineEventName,
  type EngineEvents,
  type EngineResults,
} from '../../../shared/engine-api';
import type { PreloadBridge } from '../../../shared/ipc-contract';

/**
 * The renderer's way to the engine: the same EngineApi over a WebSocket (browser, `c360 serve`)
 * or over Electron IPC (the preload's `window.c360`). Views see only EngineConnection.
 */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface EngineConnection {
  api: EngineApi;
  on<E extends EngineEventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly state: ConnectionState;
}

/** The Electron preload's `window.c360` (shared/ipc-contract.ts); absent in a browser. */
export function preloadBridge(): PreloadBridge | undefined {
  return (window as unknown as { c360?: PreloadBridge }).c360;
}

/** How long a call waits for the connection before it fails (and the view says so). */
const CONNECT_WAIT_MS = 10_000;
/** A call the engine has not answered in this long fails (and the view offers a retry). */
const ANSWER_WAIT_MS = 20_000;

class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }
  emit(value: T): void {
    for (const l of this.#set) l(value);
  }
}

function apiOver(call: (method: ApiMethod, params: unknown) => Promise<unknown>): EngineApi {
  const api = {} as Record<ApiMethod, (params: unknown) => Promise<unknown>>;
  for (const method of Object.keys(apiSchemas) as ApiMethod[])
    api[method] = (params) => call(method, params ?? {});
  return api as unknown as EngineApi;
}

export class WebSocketConnection implements EngineConnection {
  readonly api: EngineApi;
  #socket: WebSocket | null = null;
  #state: ConnectionState = 'connecting';
  #nextId = 1;
  #retryMs = 500;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #events = new Map<EngineEventName, Listeners<unknown>>();
  readonly #connection = new Listeners<ConnectionState>();

  constructor(readonly url: string) {
    this.api = apiOver((method, params) => this.#call(method, params));
    this.#open();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#connection.emit(state);
  }

  #open(): void {
    const socket = new WebSocket(this.url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#retryMs = 500;
      this.#setState('open');
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as ApiResponse | ApiPush;
      if ('event' in data) {
        this.#events.get(data.event)?.emit(data.payload);
        return;
      }
      const pending = this.#pending.get(data.id);
      if (!pending) return;
      this.#pending.delete(data.id);
      if ('error' in data) pending.reject(new Error(data.error));
      else pending.resolve(data.result);
    };
    socket.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new Error('connection lost'));
      this.#pending.clear();
      this.#setState('reconnecting');
      // Back off up to 5 s; a booth screen must come back by itself, however long the outage.
      setTimeout(() => this.#open(), this.#retryMs);
      this.#retryMs = Math.min(5000, this.#retryMs * 2);
    };
  }

  /**
   * A call made before the socket is open (a view opened directly, a reconnect under way) waits
   * for it, up to CONNECT_WAIT_MS, instead of failing: the first request of a page is always
   * made before its socket has opened.
   */
  async #call(method: ApiMethod, params: unknown): Promise<unknown> {
    const socket = await this.#open_();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the engine did not answer ${method} within ${ANSWER_WAIT_MS / 1000} s`));
      }, ANSWER_WAIT_MS);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  }

  #open_(): Promise<WebSocket> {
    const now = this.#socket;
    if (now && now.readyState === WebSocket.OPEN) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('no connection to the engine'));
      }, CONNECT_WAIT_MS);
      const off = this.#connection.add((state) => {
        const socket = this.#socket;
        if (state !== 'open' || !socket) return;
        clearTimeout(timer);
        off();
        resolve(socket);
      });
    });
  }

  on<E extends EngineEventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    let set = this.#events.get(event);
    if (!set) {
      set = new Listeners();
      this.#events.set(event, set);
    }
    return set.add(listener as (payload: unknown) => void);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.#connection.add(listener);
  }
}

export class PreloadConnection implements EngineConnection {
  readonly api: EngineApi;
  readonly state: ConnectionState = 'open';
  constructor(readonly bridge: PreloadBridge) {
    this.api = apiOver((method, params) => bridge.call(method, params));
  }
  on<E extends EngineEventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    return this.bridge.on(event, listener as (payload: unknown) => void);
  }
  onConnection(): () => void {
    return () => {};
  }
}

export function connectEngine(): EngineConnection {
  const bridge = preloadBridge();
  if (bridge) return new PreloadConnection(bridge);
  const token = new URLSearchParams(location.search).get('token');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return new WebSocketConnection(url);
}

export type { ApiParams, EngineResults };
