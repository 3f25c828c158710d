import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type {
  ApiParams,
  DashboardSettings,
  DashboardSnapshot,
  EngineApi,
  EngineEventName,
  EngineEvents,
  EngineResults,
  ExportProgress,
  QuarantineSummary,
} from '../../shared/engine-api.js';
import { DEFAULT_CHURN_THRESHOLD } from '../../shared/profile-columns.js';
import type { SourceStatus } from '../../shared/source-status.js';
import type { EngineState } from './engine-state.js';
import { exportAggTable, exportLiveTable } from './export/csv-export.js';
import { IngestSession } from './ingest/ingest-session.js';
import type { KafkaSettings } from './kafka/kafka-settings.js';
import { isAtRisk, type Profile } from './profile/profile.js';
import { CustomerSearch } from './read/customer-search.js';
import {
  addBuckets,
  baseStats,
  churnOverview,
  customer360,
  customerSummary,
  emptyBuckets,
} from './read/customer-views.js';
import { LiveStats } from './read/live-stats.js';
import { ingestDemo } from './sources/demo/demo-source.js';
import { ingestKafka } from './sources/kafka/kafka-source.js';
import { ProfileStore } from './store/profile-store.js';

/**
 * The engine behind the dashboard: one store, one live source (the demo stream or Kafka), and the
 * engine API implemented once over them. Transports (WebSocket, Electron IPC) only carry calls
 * and events; they never reach into this class.
 */

export type EngineSource =
  | { kind: 'demo'; rate: number; customers: number; seed: number; history?: number }
  | { kind: 'kafka'; settings: KafkaSettings };

export interface EngineServiceOptions {
  dataDir: string;
  source: EngineSource;
  churnThreshold?: number;
  /** How often a snapshot is pushed; never more often than 10 times a second. */
  snapshotEveryMs?: number;
}

type Listener<E extends EngineEventName> = (payload: EngineEvents[E]) => void;

export class EngineService implements EngineApi {
  readonly #options: EngineServiceOptions;
  #state: EngineState | null = null;
  #session: IngestSession | null = null;
  readonly #search = new CustomerSearch();
  readonly #live = new LiveStats();
  readonly #listeners = new Map<EngineEventName, Set<Listener<EngineEventName>>>();
  #threshold: number;
  #status: SourceStatus;
  #stopping = false;
  #running: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastQuarantineTotal = -1;
  #perSecond = 0;
  #lastEvents = 0;
  #lastTick = Date.now();

  constructor(options: EngineServiceOptions) {
    this.#options = options;
    this.#threshold = options.churnThreshold ?? DEFAULT_CHURN_THRESHOLD;
    const target = options.source.kind === 'demo' ? 'demo' : options.source.settings.brokers.join(',');
    this.#status = {
      source: options.source.kind,
      state: 'connecting',
      target,
      detail: null,
      nextRetryAt: null,
      attempt: 0,
      lag: null,
      at: new Date().toISOString(),
    };
  }

  /** Opens the store and starts the source; resolves once the store is loaded. */
  async start(): Promise<{ notice: string | null }> {
    const { store, state, notice } = await ProfileStore.open(this.#options.dataDir);
    this.#state = state;
    for (const p of state.profiles.values()) this.#search.update(p);
    const session = new IngestSession(store, state);
    session.onApplied = (events) => {
      this.#live.observe(events);
      for (const e of events) {
        if (e.kind === 'customer' || !this.#search.has(e.customerId)) {
          const p = state.profiles.get(e.customerId);
          if (p) this.#search.update(p);
        }
      }
    };
    this.#session = session;
    this.#running = this.#runSource(session).catch((error) => {
      this.#setStatus({ state: 'failed', detail: (error as Error).message });
    });
    const every = Math.max(100, this.#options.snapshotEveryMs ?? 200);
    this.#timer = setInterval(() => this.#tick(), every);
    return { notice };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    if (this.#session?.unsaved) await this.#session.checkpoint();
  }

  async #runSource(session: IngestSession): Promise<void> {
    const source = this.#options.source;
    const shouldStop = () => this.#stopping;
    if (source.kind === 'demo') {
      this.#setStatus({ state: 'connected', detail: `embedded demo stream, ${source.rate} events/s` });
      await ingestDemo(session, {
        seed: source.seed,
        customers: source.customers,
        rate: source.rate,
        history: source.history,
        shouldStop,
      });
    } else {
      await ingestKafka(source.settings, session, {
        follow: true,
        shouldStop,
        onStatus: (s) => this.#setStatus(s),
      });
    }
    this.#setStatus({ state: 'stopped', detail: null });
  }

  #setStatus(change: Partial<SourceStatus>): void {
    this.#status = { ...this.#status, ...change, at: new Date().toISOString() };
    this.#emit('status', this.#status);
  }

  on<E extends EngineEventName>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as Listener<EngineEventName>);
    this.#listeners.set(event, set);
    return () => set.delete(listener as Listener<EngineEventName>);
  }

  #emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }

  #tick(): void {
    const now = Date.now();
    const events = this.#live.totals.listens + this.#live.totals.clicks + this.#live.totals.predictions;
    const instant = ((events - this.#lastEvents) * 1000) / Math.max(1, now - this.#lastTick);
    // Smoothed, so the big counter does not flicker with every tick.
    this.#perSecond = this.#perSecond === 0 ? instant : this.#perSecond * 0.7 + instant * 0.3;
    this.#lastEvents = events;
    this.#lastTick = now;
    this.#emit('snapshot', this.#snapshot());
    const q = this.#state?.quarantine;
    if (q && q.total !== this.#lastQuarantineTotal) {
      this.#lastQuarantineTotal = q.total;
      this.#emit('quarantine', this.#quarantineSummary());
    }
  }

  #profiles(): Map<string, Profile> {
    if (!this.#state) throw new Error('the engine is not started');
    return this.#state.profiles;
  }

  #snapshot(): DashboardSnapshot {
    const profiles = this.#profiles();
    let atRisk = 0;
    const buckets = emptyBuckets();
    for (const p of profiles.values()) {
      if (isAtRisk(p, this.#threshold)) atRisk += 1;
      addBuckets(buckets, p);
    }
    const t = this.#live.totals;
    return {
      at: new Date().toISOString(),
      source: this.#options.source.kind,
      events: { total: t.listens + t.clicks + t.predictions, perSecond: Math.round(this.#perSecond), ...t },
      customers: profiles.size,
      atRisk,
      flow: this.#live.flow(),
      buckets,
      latest: this.#live.latest(),
    };
  }

  #quarantineSummary(): QuarantineSummary {
    const q = this.#state?.quarantine;
    if (!q) return { total: 0, byReason: [] };
    const byReason = Object.entries(q.byReason)
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 10);
    return { total: q.total, byReason };
  }

  async searchCustomers({
    query,
    limit = 20,
  }: ApiParams<'searchCustomers'>): Promise<EngineResults['searchCustomers']> {
    const profiles = this.#profiles();
    const { ids, total } = this.#search.search(query, limit);
    const results = ids.flatMap((id) => {
      const p = profiles.get(id);
      return p ? [customerSummary(p, this.#threshold)] : [];
    });
    return { results, total };
  }

  async customer360({ customerId }: ApiParams<'customer360'>): Promise<EngineResults['customer360']> {
    const p = this.#profiles().get(customerId);
    return p ? customer360(p, this.#threshold, this.#live.recentFor(customerId)) : null;
  }

  async baseStatistics(): Promise<EngineResults['baseStatistics']> {
    return baseStats(this.#profiles().values());
  }

  async churnOverview({ top = 15 }: ApiParams<'churnOverview'>): Promise<EngineResults['churnOverview']> {
    return churnOverview(this.#profiles().values(), this.#threshold, top);
  }

  async snapshot(): Promise<DashboardSnapshot> {
    return this.#snapshot();
  }

  async status(): Promise<SourceStatus> {
    return this.#status;
  }

  async quarantine({ limit = 200 }: ApiParams<'quarantine'>): Promise<EngineResults['quarantine']> {
    const recent = this.#state?.quarantine.recent ?? [];
    return { summary: this.#quarantineSummary(), records: recent.slice(-limit).reverse() };
  }

  async getSettings(): Promise<DashboardSettings> {
    const s = this.#options.source;
    return {
      churnThreshold: this.#threshold,
      source:
        s.kind === 'demo'
          ? { kind: 'demo', rate: s.rate }
          : { kind: 'kafka', brokers: s.settings.brokers.join(',') },
    };
  }

  async updateSettings({ churnThreshold }: ApiParams<'updateSettings'>): Promise<DashboardSettings> {
    if (churnThreshold !== undefined) this.#threshold = churnThreshold;
    return this.getSettings();
  }

  async startExport({ scope }: ApiParams<'startExport'>): Promise<EngineResults['startExport']> {
    const exportId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
    const profiles = this.#profiles();
    let chosen: Profile[];
    if (scope.kind === 'search') {
      const { ids } = this.#search.search(scope.query, Number.MAX_SAFE_INTEGER);
      chosen = ids.flatMap((id) => profiles.get(id) ?? []);
    } else if (scope.kind === 'at-risk') {
      chosen = [...profiles.values()].filter((p) => isAtRisk(p, this.#threshold));
    } else {
      chosen = [...profiles.values()];
    }
    const dir = join(this.#options.dataDir, 'exports', exportId);
    const progress: ExportProgress = {
      exportId,
      scope: scope.kind,
      done: 0,
      total: chosen.length,
      finished: false,
      files: [],
      error: null,
    };
    const href = (name: string) => `exports/${exportId}/${name}`;
    let lastEmit = 0;
    const threshold = this.#threshold;
    // Runs on after the call returns; progress arrives as exportProgress events.
    void (async () => {
      try {
        this.#emit('exportProgress', { ...progress });
        await exportLiveTable(chosen, join(dir, 'live_table.csv'), {
          threshold,
          onProgress: (done) => {
            progress.done = done;
            if (Date.now() - lastEmit > 100) {
              lastEmit = Date.now();
              this.#emit('exportProgress', { ...progress });
            }
          },
        });
        progress.files.push({ name: 'live_table.csv', href: href('live_table.csv') });
        if (scope.kind === 'all') {
          await exportAggTable(chosen, join(dir, 'agg_table.csv'));
          progress.files.push({ name: 'agg_table.csv', href: href('agg_table.csv') });
        }
        progress.done = chosen.length;
      } catch (error) {
        progress.error = (error as Error).message;
      }
      progress.finished = true;
      this.#emit('exportProgress', { ...progress, files: [...progress.files] });
    })();
    return { exportId };
  }

  /** For transports that serve export files: the folder they live under. */
  get exportsDir(): string {
    return join(this.#options.dataDir, 'exports');
  }
}
