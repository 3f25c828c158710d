import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import type {
  ApiParams,
  DashboardSnapshot,
  EngineApi,
  EngineEventName,
  EngineEvents,
  EngineResults,
  ExportProgress,
  ExportScope,
  KafkaOperations,
  QuarantineFilter,
  QuarantineSummary,
  StreamClock,
  WindowName,
} from '../../shared/engine-api.js';
import type { QuarantinedRecord } from '../../shared/events.js';
import { DEMO_CONNECTION_ID, type SettingsView } from '../../shared/settings.js';
import type { SourceStatus } from '../../shared/source-status.js';
import { DEFAULT_DEMO_RATE } from './demo/demo-live.js';
import { Engine } from './engine.js';
import { exportAggTable, exportLiveTable, writeCsvAtomically } from './export/csv-export.js';
import { describeOrigin, type QuarantineState, reasonKey } from './ingest/quarantine.js';
import { testKafkaConnection } from './kafka/connection-test.js';
import { resolveKafkaSettings } from './kafka/kafka-settings.js';
import { isAtRisk, type Profile } from './profile/profile.js';
import { type BaseReference, baseReference, churnContext } from './read/churn-context.js';
import { CustomerSearch } from './read/customer-search.js';
import {
  activeInAcc,
  allTimeAcc,
  churnCrossing,
  churnOverviewAcc,
  customer360,
  customerSummary,
  maskedSummary,
} from './read/customer-views.js';
import { LiveStats } from './read/live-stats.js';
import { type Accumulator, scanInSlices } from './read/profile-scan.js';
import type { ProfileTotals } from './read/profile-totals.js';
import { windowStart } from './read/windows.js';
import {
  type ActiveConnection,
  layerOf,
  type OutsideLayers,
  pickedConnection,
  startingConnection,
  storeDirOf,
} from './settings/connections.js';
import { FileVault, passwordKey, type SecretVault } from './settings/secret-vault.js';
import { SettingsFile } from './settings/settings-file.js';
import { DemoSource } from './sources/demo/demo-source.js';
import { KafkaSource } from './sources/kafka/kafka-source.js';
import { ProfilesSource } from './sources/profiles/profiles-source.js';
import type { Source } from './sources/source.js';
import { ProfileStore, STORE_FILE, type StoreGlance } from './store/profile-store.js';
import { UserError } from './user-error.js';

/**
 * The engine behind the dashboard: the engine API implemented once, over one running connection
 * (an Engine on that connection's store, and its source), for every transport (WebSocket for
 * `c360 serve`, IPC for the desktop worker). It owns the settings file and the secret vault, and
 * switches connections live: the old source stops after a checkpoint, the new connection's own
 * store opens, its source starts, and the window never restarts.
 */

export interface DemoOptions {
  rate: number;
  /** Simulated seconds per real second (24 by default: a simulated day an hour). */
  speed?: number;
  customers: number;
  seed: number;
  /** Events of history written first into an empty demo store. */
  history?: number;
}

export interface EngineServiceOptions {
  /** The app's data folder: settings.json, secrets, stores/<connection>/, exports/. */
  dataDir: string;
  /** Settings given outside the settings file (flags, environment, config file): they win at start. */
  outside?: OutsideLayers;
  demo?: DemoOptions;
  /** How often a snapshot is pushed; never more often than 10 times a second. */
  snapshotEveryMs?: number;
}

export const DEFAULT_DEMO: DemoOptions = {
  rate: DEFAULT_DEMO_RATE,
  customers: 5000,
  seed: 1,
  history: 100_000,
};

/** `topic:partition` keys in topic order, then partition number order. */
function byTopicAndPartition(a: string, b: string): number {
  const [ta, pa] = [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))];
  const [tb, pb] = [b.slice(0, b.lastIndexOf(':')), Number(b.slice(b.lastIndexOf(':') + 1))];
  return ta < tb ? -1 : ta > tb ? 1 : pa - pb;
}

type Listener<E extends EngineEventName> = (payload: EngineEvents[E]) => void;

/** One connection running: its engine, its source, and what the dashboard keeps about it. */
/** How long a read of every profile is shared with later calls (see #read). */
const READ_REUSE_MS = 1000;

interface Running {
  connection: ActiveConnection;
  engine: Engine;
  source: Source<unknown>;
  search: CustomerSearch;
  /** Settles when every customer the store held at opening is in the search index. */
  searchReady: Promise<void>;
  live: LiveStats;
  stopping: boolean;
  done: Promise<void>;
}

export class EngineService implements EngineApi {
  readonly #options: EngineServiceOptions;
  readonly #vault: SecretVault;
  #settings: SettingsFile | null = null;
  #run: Running | null = null;
  /** The connection being opened at start, until its store is read. */
  #starting: ActiveConnection | null = null;
  /** Settles when the starting connection's store is read (or could not be). */
  #opening: Promise<void> | null = null;
  /** The starting store's saved figures, from its first line, until its profiles are read. */
  #glance: StoreGlance | null = null;
  readonly #listeners = new Map<EngineEventName, Set<Listener<EngineEventName>>>();
  #status: SourceStatus;
  #timer: NodeJS.Timeout | null = null;
  #lastQuarantineTotal = -1;
  #perSecond = 0;
  #lastEvents = 0;
  #lastTick = Date.now();
  /** One switch at a time; a second waits for the first. */
  #switching: Promise<unknown> = Promise.resolve();
  #groupCache: { at: number; value: KafkaOperations['group'] } | null = null;
  #lagPushedAt = 0;

  constructor(options: EngineServiceOptions, vault?: SecretVault) {
    this.#options = options;
    this.#vault = vault ?? FileVault.inDataDir(options.dataDir);
    this.#status = {
      source: 'demo',
      state: 'connecting',
      target: '',
      detail: null,
      nextRetryAt: null,
      attempt: 0,
      lag: null,
      at: new Date().toISOString(),
    };
  }

  /**
   * Opens the settings and the starting connection's store, and starts its source. `answering`
   * hears which connection it is once the service can take calls, before its store is read (a
   * large store takes seconds), so `serve` can name it and let the window load meanwhile: the
   * snapshot, status and quarantine are those the store's last checkpoint saved until then, and
   * calls that need the profiles wait for them.
   */
  async start(answering?: (connection: ActiveConnection) => void): Promise<{ notice: string | null }> {
    const { settings, notice: settingsNotice } = await SettingsFile.open(this.#options.dataDir);
    this.#settings = settings;
    const connection = await startingConnection(settings, this.#vault, this.#options.outside ?? {});
    this.#setStatus({ source: connection.kind, state: 'connecting', detail: 'reading the store' });
    const glance = await ProfileStore.glance(storeDirOf(this.#options.dataDir, connection.id));
    // Counted at another threshold (changed since the last checkpoint): no figures beat wrong ones.
    if (glance && glance.summary.threshold === this.#threshold) this.#glance = glance;
    this.#starting = connection;
    const every = Math.max(100, this.#options.snapshotEveryMs ?? 200);
    this.#timer = setInterval(() => this.#tick(), every);
    let storeNotice: string | null;
    const opening = this.#open(connection);
    this.#opening = opening.then(
      () => {},
      () => {},
    );
    answering?.(connection);
    if (this.#glance) this.#emit('snapshot', this.#snapshot());
    try {
      storeNotice = await opening;
    } finally {
      this.#glance = null;
      this.#opening = null;
      this.#starting = null;
    }
    return { notice: [settingsNotice, storeNotice].filter(Boolean).join(' ') || null };
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#switching.catch(() => {});
    await this.#closeRunning();
  }

  /** Opens a connection's store and starts its source; returns the store's notice, if any. */
  async #open(connection: ActiveConnection): Promise<string | null> {
    // Made first: one that cannot be made (a CA file gone) must not leave an engine holding the store.
    const source: Source<unknown> =
      connection.kind === 'demo'
        ? new DemoSource({ ...DEFAULT_DEMO, ...this.#options.demo })
        : connection.kind === 'profiles'
          ? new ProfilesSource(connection.settings, { follow: true })
          : new KafkaSource(connection.settings, { follow: true });
    const engine = await Engine.open({
      storeDir: storeDirOf(this.#options.dataDir, connection.id),
      riskThreshold: this.#threshold,
    });
    const search = new CustomerSearch();
    // Indexed a slice at a time while the source starts and the window loads: indexing a
    // 100,000-customer store in one go held the first frame up by 1.5–2 s. Search waits for it;
    // customers whose events or CRM records arrive meanwhile are indexed as they come (below).
    const searchReady = scanInSlices(engine.state.profiles, [
      { add: (p: Profile) => search.update(p), result: () => undefined },
    ]);
    // A failure reaches the searches that wait for it; unawaited, it must not end the process.
    searchReady.catch(() => {});
    const live = new LiveStats();
    const state = engine.state;
    engine.session.onApplied = (events, replaced) => {
      live.observe(events);
      // Whole profiles from Kafka Streams: searchable as they arrive (a removed customer's entry
      // stays in the index, and search skips ids without a profile).
      for (const id of replaced) {
        const p = state.profiles.get(id);
        if (p) search.update(p);
      }
      const threshold = this.#threshold;
      for (const e of events) {
        if (e.kind === 'customer' || !search.has(e.customerId)) {
          const p = state.profiles.get(e.customerId);
          if (p) search.update(p);
        }
        if (e.kind !== 'prediction') continue;
        const p = state.profiles.get(e.customerId);
        const crossing = p && churnCrossing(p, threshold);
        if (crossing) live.noteCrossing(crossing);
      }
    };
    const run: Running = {
      connection,
      engine,
      source,
      search,
      searchReady,
      live,
      stopping: false,
      done: Promise.resolve(),
    };
    this.#status = {
      ...this.#status,
      source: source.kind,
      target: source.target,
      state: 'connecting',
      detail: null,
    };
    run.done = engine
      .run(source, {
        shouldStop: () => run.stopping,
        onStatus: (s) => {
          if (this.#run === run) this.#setStatus(s);
        },
      })
      .then(
        () => {
          if (this.#run === run) this.#setStatus({ state: 'stopped', detail: null });
        },
        (error: Error) => {
          if (this.#run === run) this.#setStatus({ state: 'failed', detail: error.message });
        },
      );
    this.#run = run;
    this.#lastQuarantineTotal = -1;
    this.#perSecond = 0;
    this.#lastEvents = 0;
    return engine.notice;
  }

  async #closeRunning(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    run.stopping = true;
    await run.done;
    await run.engine.close();
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

  /**
   * The running connection, once its store is read: calls that need the profiles (search, a
   * customer, statistics) made while a large store is being read wait for it rather than fail.
   */
  async #ready(): Promise<Running> {
    if (!this.#run && this.#opening) await this.#opening;
    return this.#running();
  }

  #running(): Running {
    if (!this.#run) throw new Error('the engine is not started');
    return this.#run;
  }

  #profiles(): Map<string, Profile> {
    return this.#running().engine.state.profiles;
  }

  get #threshold(): number {
    return this.#settings?.churnThreshold ?? 0.2;
  }

  #tick(): void {
    const run = this.#run;
    if (!run) {
      if (this.#glance) this.#emit('snapshot', this.#snapshot());
      return;
    }
    const now = Date.now();
    const t = run.live.totals;
    const events = t.listens + t.clicks + t.predictions;
    const instant = ((events - this.#lastEvents) * 1000) / Math.max(1, now - this.#lastTick);
    // Smoothed, so the big counter does not flicker with every tick.
    this.#perSecond = this.#perSecond === 0 ? instant : this.#perSecond * 0.7 + instant * 0.3;
    this.#lastEvents = events;
    this.#lastTick = now;
    if (run.source instanceof KafkaSource) {
      const lag = run.source.partitions?.lag() ?? null;
      run.source.metrics.tick(now, lag);
      // The lag moves with every batch, not only when the connection's state changes.
      if (lag !== this.#status.lag && now - this.#lagPushedAt >= 1000) {
        this.#lagPushedAt = now;
        this.#setStatus({ lag });
      }
    }
    this.#emit('snapshot', this.#snapshot());
    const q = run.engine.state.quarantine;
    if (q.total !== this.#lastQuarantineTotal) {
      this.#lastQuarantineTotal = q.total;
      this.#emit('quarantine', this.#quarantineSummary());
    }
  }

  /**
   * The snapshot a store's saved figures make, while its profiles are read: nothing live yet,
   * the base as the last checkpoint left it.
   */
  #glanceSnapshot(connection: ActiveConnection, { summary, windows }: StoreGlance): DashboardSnapshot {
    const now = windows.nowFor(Date.now());
    const day = windows.counts('24h', now || undefined);
    return {
      at: new Date().toISOString(),
      source: connection.kind,
      clock: { now: now > 0 ? new Date(now).toISOString() : null, simulated: false, speed: 1 },
      last24h: { events: day.listens + day.clicks + day.predictions, listens: day.listens },
      events: { total: 0, perSecond: 0, listens: 0, clicks: 0, predictions: 0 },
      customers: summary.customers,
      atRisk: summary.atRisk,
      flow: { web: 0, mobile: 0, desktop: 0, predictions: 0 },
      buckets: summary.buckets,
      latest: [],
      crossings: [],
    };
  }

  /** The running totals, counted again first if the churn threshold changed since. */
  #totals(run: Running): ProfileTotals {
    const totals = run.engine.state.totals;
    if (totals.threshold !== this.#threshold)
      totals.recount(run.engine.state.profiles.values(), this.#threshold);
    return totals;
  }

  #snapshot(): DashboardSnapshot {
    if (!this.#run && this.#glance && this.#starting)
      return this.#glanceSnapshot(this.#starting, this.#glance);
    const run = this.#running();
    const profiles = run.engine.state.profiles;
    const totals = this.#totals(run);
    const t = run.live.totals;
    const clock = this.#clock(run);
    const day = run.engine.state.windows.counts('24h', clock.now ? Date.parse(clock.now) : undefined);
    return {
      at: new Date().toISOString(),
      source: run.connection.kind,
      clock,
      last24h: { events: day.listens + day.clicks + day.predictions, listens: day.listens },
      events: { total: t.listens + t.clicks + t.predictions, perSecond: Math.round(this.#perSecond), ...t },
      customers: profiles.size,
      atRisk: totals.atRisk,
      flow: run.live.flow(),
      buckets: totals.buckets,
      latest: run.live.latest(),
      crossings: run.live.crossings(),
    };
  }

  /**
   * The base a customer is compared with (churn context): a sample, made again when 30 s old, when
   * the threshold changed or on another connection, so a lookup stays cheap at any size.
   */
  #baseRef: { run: Running; threshold: number; made: number; ref: BaseReference } | null = null;
  #base(run: Running, now: number): BaseReference {
    const b = this.#baseRef;
    if (b && b.run === run && b.threshold === this.#threshold && Date.now() - b.made < 30_000) return b.ref;
    const ref = baseReference(run.engine.state.profiles, now, this.#threshold);
    this.#baseRef = { run, threshold: this.#threshold, made: Date.now(), ref };
    return ref;
  }

  #nowOf(run: Running): number {
    return run.source.clock?.()?.now ?? run.engine.state.windows.nowFor(Date.now());
  }

  /** The stream's time: the source's own clock (the demo's), else the windows' (latest event). */
  #clock(run: Running): StreamClock {
    const own = run.source.clock?.() ?? null;
    const now = own?.now ?? run.engine.state.windows.nowFor(Date.now());
    return {
      now: now > 0 ? new Date(now).toISOString() : null,
      simulated: own !== null && own.speed !== 1,
      speed: own?.speed ?? 1,
    };
  }

  /** The window's [from, to] at the stream's now; null for all time. */
  #range(run: Running, window: WindowName): { from: number; to: number } | null {
    if (window === 'all') return null;
    const windows = run.engine.state.windows;
    const to = run.source.clock?.()?.now ?? windows.nowFor(Date.now());
    return { from: windowStart(window, to), to };
  }

  /** The running store's quarantine; while a store is read, the one its last checkpoint saved. */
  #quarantineState(): QuarantineState {
    if (!this.#run && this.#glance) return this.#glance.quarantine;
    return this.#running().engine.state.quarantine;
  }

  #quarantineSummary(): QuarantineSummary {
    const q = this.#quarantineState();
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
    const run = await this.#ready();
    await run.searchReady;
    const profiles = run.engine.state.profiles;
    const { ids, matches, total, more, didYouMean } = run.search.search(query, limit);
    const results = ids.flatMap((id, i) => {
      const p = profiles.get(id);
      return p ? [{ ...customerSummary(p, this.#threshold), match: matches[i] }] : [];
    });
    return {
      results,
      total,
      ...(more ? { more: true as const } : {}),
      ...(didYouMean === null ? {} : { didYouMean }),
    };
  }

  async customer360({ customerId }: ApiParams<'customer360'>): Promise<EngineResults['customer360']> {
    const run = await this.#ready();
    const p = run.engine.state.profiles.get(customerId);
    if (!p) return null;
    const now = this.#nowOf(run);
    return customer360(p, this.#threshold, churnContext(p, now, this.#base(run, now)));
  }

  async customerTimeline({
    customerId,
    kinds,
    from,
    to,
    before,
    limit = 50,
  }: ApiParams<'customerTimeline'>): Promise<EngineResults['customerTimeline']> {
    return (await this.#ready()).engine.timeline.query({
      customerId,
      kinds,
      from: from === undefined ? undefined : Date.parse(from),
      to: to === undefined ? undefined : Date.parse(to),
      before,
      limit,
    });
  }

  /** Kept current batch by batch (read/base-totals.ts): nothing is read per call. */
  async baseStatistics(): Promise<EngineResults['baseStatistics']> {
    const run = await this.#ready();
    const totals = this.#totals(run);
    return totals.base.statistics(run.engine.state.profiles, totals.buckets);
  }

  /**
   * A read model over every profile, read in slices (so ingest and lookups go on meanwhile) and
   * shared: calls for the same model while it is being read, or within READ_REUSE_MS after it
   * started, get the same answer. Booth screens and desks poll these every few seconds; at a
   * million customers one read is a few hundred milliseconds of work.
   */
  #reads = new Map<string, { at: number; run: Running; value: Promise<unknown> }>();
  #read<R>(key: string, make: () => Accumulator<R>): Promise<R> {
    const run = this.#running();
    const now = Date.now();
    for (const [k, r] of this.#reads) if (now - r.at >= READ_REUSE_MS || r.run !== run) this.#reads.delete(k);
    const hit = this.#reads.get(key);
    if (hit) return hit.value as Promise<R>;
    const acc = make();
    const value = scanInSlices(run.engine.state.profiles, [acc]).then(() => acc.result());
    this.#reads.set(key, { at: now, run, value });
    value.catch(() => this.#reads.delete(key));
    return value;
  }

  async churnOverview({
    top = 15,
    window = 'all',
    booth,
  }: ApiParams<'churnOverview'>): Promise<EngineResults['churnOverview']> {
    const run = await this.#ready();
    const threshold = this.#threshold;
    const range = this.#range(run, window);
    // All time is kept current batch by batch; a window's latest predictions are read from every
    // profile (in slices, shared by the calls of the same second).
    const overview = range
      ? await this.#read(`churn:${window}:${threshold}:${top}`, () => churnOverviewAcc(threshold, top, range))
      : this.#totals(run).churnFigures(top);
    const masked = this.#masks(booth);
    return {
      ...overview,
      topAtRisk: masked ? overview.topAtRisk.map(maskedSummary) : overview.topAtRisk,
      window,
      clock: this.#clock(run),
      masked,
    };
  }

  /**
   * Whether the booth screen gets identities masked: a live cluster's customers always are; the
   * demo's generated people as the page asks (its URL) or else as the booth settings say. Desk
   * views (no `booth`) are unchanged.
   */
  #masks(booth: { mask?: boolean } | undefined): boolean {
    if (!booth) return false;
    if (this.#running().connection.kind !== 'demo') return true;
    return booth.mask ?? this.#settingsFile().booth.mask;
  }

  async windowStats({ window }: ApiParams<'windowStats'>): Promise<EngineResults['windowStats']> {
    const run = await this.#ready();
    const range = this.#range(run, window);
    const clock = this.#clock(run);
    if (window === 'all' || !range) {
      // Predictions are not counted for all time (a profile keeps its latest 50).
      const all = await this.#read('window:all', allTimeAcc);
      return { window, from: null, clock, predictions: null, ...all };
    }
    const c = run.engine.state.windows.counts(window, range.to);
    const active = await this.#read(`active:${window}`, () => activeInAcc(range.from, range.to));
    const [morning, afternoon, evening, night] = c.tod;
    return {
      window,
      from: new Date(range.from).toISOString(),
      clock,
      listens: c.listens,
      mobile: c.mobile,
      clicks: c.clicks,
      predictions: c.predictions,
      buckets: { morning, afternoon, evening, night },
      dayHour: c.dayHour,
      active,
    };
  }

  async snapshot(): Promise<DashboardSnapshot> {
    // With no saved figures to show (a new or older store), it waits for the store like the rest.
    if (!this.#glance) await this.#ready();
    return this.#snapshot();
  }

  async status(): Promise<SourceStatus> {
    return this.#status;
  }

  #quarantined(filter: QuarantineFilter): QuarantinedRecord[] {
    const text = filter.text?.toLowerCase();
    return this.#quarantineState().recent.filter(
      (r) =>
        (filter.reason === undefined || reasonKey(r.reason) === filter.reason) &&
        (filter.origin === undefined || filter.origin in r.origin) &&
        (text === undefined ||
          `${describeOrigin(r.origin)}\n${r.reason}\n${r.raw}`.toLowerCase().includes(text)),
    );
  }

  async quarantine({
    limit = 200,
    ...filter
  }: ApiParams<'quarantine'>): Promise<EngineResults['quarantine']> {
    if (!this.#glance) await this.#ready();
    const matching = this.#quarantined(filter);
    return {
      summary: this.#quarantineSummary(),
      records: matching.slice(-limit).reverse(),
      matching: matching.length,
    };
  }

  // --- settings and connections ---

  #settingsFile(): SettingsFile {
    if (!this.#settings) throw new Error('the engine is not started');
    return this.#settings;
  }

  async #view(): Promise<SettingsView> {
    const settings = this.#settingsFile();
    const dataDir = this.#options.dataDir;
    const active = this.#run?.connection ?? this.#starting ?? this.#running().connection;
    const connections: SettingsView['connections'] = [
      {
        id: DEMO_CONNECTION_ID,
        kind: 'demo',
        name: 'Embedded demo',
        storeDir: storeDirOf(dataDir, DEMO_CONNECTION_ID),
      },
    ];
    for (const c of settings.data.connections) {
      const passwordSet = c.sasl ? (await this.#vault.get(passwordKey(c.id))) !== null : false;
      connections.push({ ...c, passwordSet, storeDir: storeDirOf(dataDir, c.id) });
    }
    return {
      churnThreshold: settings.churnThreshold,
      booth: settings.booth,
      connections,
      active: {
        id: active.id,
        name: active.name,
        kind: active.kind,
        origin: active.origin,
        storeDir: storeDirOf(dataDir, active.id),
      },
      dataDir,
      secrets: this.#vault.description,
    };
  }

  async #settingsChanged(): Promise<SettingsView> {
    const view = await this.#view();
    this.#emit('settings', view);
    return view;
  }

  async getSettings(): Promise<SettingsView> {
    return this.#view();
  }

  async updateSettings(change: ApiParams<'updateSettings'>): Promise<SettingsView> {
    await this.#settingsFile().update((s) => {
      if (change.churnThreshold !== undefined) s.churnThreshold = change.churnThreshold;
      if (change.booth !== undefined) s.booth = change.booth;
    });
    return this.#settingsChanged();
  }

  async saveConnection({
    connection,
    password,
  }: ApiParams<'saveConnection'>): Promise<EngineResults['saveConnection']> {
    await this.#ready(); // the running connection may be the one saved
    const settings = this.#settingsFile();
    const saved = await settings.saveConnection(connection);
    if (!saved.sasl) await this.#vault.delete(passwordKey(saved.id));
    else if (password !== undefined) await this.#vault.set(passwordKey(saved.id), password);
    // The connection in use, changed: it reconnects with the new settings, on the same store.
    if (this.#run?.connection.id === saved.id) await this.#switchTo(saved.id, true);
    return { id: saved.id, settings: await this.#settingsChanged() };
  }

  async deleteConnection({ id }: ApiParams<'deleteConnection'>): Promise<SettingsView> {
    await this.#ready();
    const settings = this.#settingsFile();
    if (!settings.connection(id)) throw new UserError(`no saved connection "${id}"`);
    if (this.#run?.connection.id === id) await this.#switchTo(DEMO_CONNECTION_ID, false);
    await settings.deleteConnection(id);
    await this.#vault.delete(passwordKey(id));
    return this.#settingsChanged();
  }

  async testConnection({
    connection,
    password,
  }: ApiParams<'testConnection'>): Promise<EngineResults['testConnection']> {
    const layer = await layerOf({ ...connection, id: connection.id ?? 'draft' }, this.#vault);
    // A typed password wins; else the saved one (a connection never saved has none).
    if (layer.sasl && password !== undefined) layer.sasl.password = password;
    if (layer.sasl && layer.sasl.password === undefined)
      return {
        ok: false,
        cluster: null,
        topics: [],
        steps: [
          {
            step: 'login',
            ok: false,
            message: 'SASL is on, but no password was given.',
            fix: 'Type the password.',
          },
        ],
      };
    let settings: ReturnType<typeof resolveKafkaSettings>;
    try {
      settings = resolveKafkaSettings([layer]);
    } catch (error) {
      return {
        ok: false,
        cluster: null,
        topics: [],
        steps: [{ step: 'reach', ok: false, message: (error as Error).message, fix: null }],
      };
    }
    const run = this.#run;
    const offsets = run && run.connection.id === connection.id ? run.engine.state.sources.kafka : null;
    return testKafkaConnection(settings, offsets);
  }

  async switchConnection({ id }: ApiParams<'switchConnection'>): Promise<EngineResults['switchConnection']> {
    await this.#ready();
    const notice = await this.#switchTo(id, false);
    return { notice, settings: await this.#settingsChanged() };
  }

  /**
   * Stops the running source after a checkpoint and starts `id`'s on its own store. `again`:
   * the same connection restarts (its settings changed).
   */
  #switchTo(id: string, again: boolean): Promise<string> {
    const next = this.#switching
      .catch(() => {})
      .then(async () => {
        const current = this.#run;
        if (current?.connection.id === id && !again) return `Already reading ${current.connection.name}.`;
        const connection = await pickedConnection(this.#settingsFile(), this.#vault, id);
        if (!connection) throw new UserError(`no saved connection "${id}"`);
        const storeDir = storeDirOf(this.#options.dataDir, id);
        const existed = existsSync(join(storeDir, STORE_FILE));
        await this.#closeRunning();
        let storeNotice: string | null;
        try {
          storeNotice = await this.#open(connection);
        } catch (error) {
          // Refused (its store in use by another c360, its folder unusable): back to the one
          // read before, rather than nothing running.
          const back =
            current &&
            (await this.#open(current.connection).then(
              () => true,
              () => false,
            ));
          // Nothing reads now: calls say so rather than reach the closed engine.
          if (!back) this.#run = null;
          throw error;
        }
        await this.#settingsFile().update((s) => {
          s.active = id;
        });
        const customers = this.#profiles().size;
        return [
          `Now reading ${connection.name}.`,
          existed
            ? `Its own store (${storeDir}) holds ${customers.toLocaleString('en-US')} customers.`
            : `It has a store of its own, new: ${storeDir}.`,
          storeNotice,
        ]
          .filter(Boolean)
          .join(' ');
      });
    this.#switching = next;
    return next;
  }

  async kafkaOperations(): Promise<KafkaOperations> {
    const run = await this.#ready();
    const source = run.source;
    if (!(source instanceof KafkaSource))
      return { kafka: false, brokers: null, group: null, partitions: [], samples: [], history: [] };
    const offsets = source.partitions;
    const partitions = (offsets?.partitions() ?? []).sort(byTopicAndPartition).map((k) => {
      const at = k.lastIndexOf(':');
      const next = offsets?.expected(k) ?? null;
      const end = offsets?.high(k) ?? null;
      return {
        topic: k.slice(0, at),
        partition: Number(k.slice(at + 1)),
        next: next === null ? null : String(next),
        end: end === null ? null : String(end),
        lag: next === null || end === null ? null : Number(end > next ? end - next : 0n),
      };
    });
    return {
      kafka: true,
      brokers: source.target,
      group: await this.#group(source),
      partitions,
      samples: source.metrics.samples(),
      history: source.metrics.history(),
    };
  }

  /** The consumer group and its members, asked of the cluster at most every 5 s. */
  async #group(source: KafkaSource): Promise<KafkaOperations['group']> {
    if (this.#groupCache && Date.now() - this.#groupCache.at < 5000) return this.#groupCache.value;
    const admin = source.admin();
    let value: KafkaOperations['group'];
    try {
      await admin.connect();
      const { groups } = await admin.describeGroups([source.group]);
      const g = groups[0];
      value = {
        id: source.group,
        state: g?.state ?? null,
        problem: null,
        members: (g?.members ?? []).map((m) => {
          const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {};
          return {
            clientId: m.clientId,
            host: m.clientHost.replace(/^\//, ''), // the broker writes it as /127.0.0.1
            partitions: Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}:${p}`)),
          };
        }),
      };
    } catch (error) {
      value = { id: source.group, state: null, members: [], problem: (error as Error).message };
    } finally {
      await admin.disconnect().catch(() => {});
    }
    this.#groupCache = { at: Date.now(), value };
    return value;
  }

  // --- exports ---

  async startExport({ scope }: ApiParams<'startExport'>): Promise<EngineResults['startExport']> {
    const run = await this.#ready();
    const exportId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
    const profiles = run.engine.state.profiles;
    const dir = join(this.exportsDir, exportId);
    const threshold = this.#threshold;
    const progress: ExportProgress = {
      exportId,
      scope: scope.kind,
      done: 0,
      total: 0,
      finished: false,
      files: [],
      error: null,
    };
    const href = (name: string) => `exports/${exportId}/${name}`;
    let lastEmit = 0;
    const onProgress = (done: number) => {
      progress.done = done;
      if (Date.now() - lastEmit > 100) {
        lastEmit = Date.now();
        this.#emit('exportProgress', { ...progress });
      }
    };
    let write: () => Promise<void>;
    if (scope.kind === 'quarantine') {
      const records = this.#quarantined(scope);
      progress.total = records.length;
      write = () => this.#writeQuarantine(records, dir, scope, onProgress, progress);
    } else {
      if (scope.kind === 'search') await run.searchReady;
      const chosen = this.#chosen(scope, profiles, run, threshold);
      progress.total = chosen.length;
      write = async () => {
        await exportLiveTable(chosen, join(dir, 'live_table.csv'), { threshold, onProgress });
        progress.files.push({ name: 'live_table.csv', href: href('live_table.csv') });
        if (scope.kind === 'all') {
          await exportAggTable(chosen, join(dir, 'agg_table.csv'));
          progress.files.push({ name: 'agg_table.csv', href: href('agg_table.csv') });
        }
      };
    }
    // Runs on after the call returns; progress arrives as exportProgress events.
    void (async () => {
      try {
        this.#emit('exportProgress', { ...progress });
        await write();
        progress.done = progress.total;
      } catch (error) {
        progress.error = (error as Error).message;
      }
      progress.finished = true;
      this.#emit('exportProgress', { ...progress, files: [...progress.files] });
    })();
    return { exportId };
  }

  #chosen(
    scope: Exclude<ExportScope, { kind: 'quarantine' }>,
    profiles: Map<string, Profile>,
    run: Running,
    threshold: number,
  ): Profile[] {
    if (scope.kind === 'search') {
      const { ids } = run.search.search(scope.query, Number.MAX_SAFE_INTEGER);
      return ids.flatMap((id) => profiles.get(id) ?? []);
    }
    if (scope.kind === 'at-risk') return [...profiles.values()].filter((p) => isAtRisk(p, threshold));
    return [...profiles.values()];
  }

  /** The quarantine as CSV (one row a record) or JSON lines, as the browser filters it. */
  async #writeQuarantine(
    records: QuarantinedRecord[],
    dir: string,
    scope: Extract<ExportScope, { kind: 'quarantine' }>,
    onProgress: (done: number) => void,
    progress: ExportProgress,
  ): Promise<void> {
    const name = scope.format === 'csv' ? 'quarantine.csv' : 'quarantine.jsonl';
    const path = join(dir, name);
    if (scope.format === 'csv') {
      await writeCsvAtomically(
        path,
        ['at', 'origin', 'reason', 'dead_letter', 'raw'],
        records.map((r) => [
          r.at,
          describeOrigin(r.origin),
          r.reason,
          r.deadLetter ? `${r.deadLetter.topic}[${r.deadLetter.partition}]@${r.deadLetter.offset}` : null,
          r.raw,
        ]),
        onProgress,
      );
    } else {
      await mkdir(dir, { recursive: true });
      await writeFile(`${path}.tmp`, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await rename(`${path}.tmp`, path);
    }
    progress.files.push({ name, href: `exports/${progress.exportId}/${name}` });
  }

  /** For transports that serve export files: the folder they live under. */
  get exportsDir(): string {
    return join(this.#options.dataDir, 'exports');
  }
}
