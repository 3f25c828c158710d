import { z } from 'zod';
import type { CrmValue, QuarantinedRecord } from './events.js';
import type { ExportFile } from './ipc-contract.js';
import type { StatisticColumn } from './profile-columns.js';
import {
  type ConnectionTestReport,
  connectionInputSchema,
  type SettingsView,
  settingsChangeSchema,
} from './settings.js';
import type { SourceStatus } from './source-status.js';
import type { TimeOfDayBucket } from './time-of-day.js';

/**
 * The engine API: one contract, implemented once by the engine and reached through two
 * transports (WebSocket for `c360 serve`, Electron IPC for the desktop app). Requests map a
 * method name to its parameters and result; events are pushed by the engine. The parameter
 * schemas let every transport check what arrives before the engine sees it.
 */

export interface CustomerSummary {
  customerId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  zip: string | null;
  level: string | null;
  listens: number;
  churnRisk: number | null;
  churnLabel: 0 | 1 | null;
}

/** How a search result matched the query, best first: see README's Desk section. */
export type SearchMatch = 'id' | 'word' | 'prefix' | 'inside' | 'typo';

export interface SearchResults {
  results: Array<CustomerSummary & { match?: SearchMatch }>;
  /** Matches counted: all of them, unless `more`. */
  total: number;
  /**
   * Set when more customers match than a search counts (a short or common query): `total` is
   * how many were counted, and `results` are the best of those.
   */
  more?: true;
  /**
   * Set when nothing matched exactly and the results are matches with typos forgiven: the query
   * spelled as the best of them matches it exactly.
   */
  didYouMean?: string;
}

/** The kinds of event a customer's timeline holds, in the order the filter offers them. */
export const TIMELINE_KINDS = ['listen', 'click', 'prediction', 'crm'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One field a CRM record changed: `from` is null when the customer did not have it before. */
export interface CrmChange {
  field: string;
  from: CrmValue | null;
  to: CrmValue;
}

/**
 * One event of a customer's timeline. `at` is ISO 8601 UTC (the event's instant; a prediction
 * without a time of its own and a CRM change carry the stream's clock when they arrived); `id`
 * is unique within the customer's timeline and is what `before` pages from.
 */
export type TimelineEvent =
  | { kind: 'listen'; id: string; at: string; trackId: string; mobile: boolean; zip: string | null }
  | {
      kind: 'click';
      id: string;
      at: string;
      product: string | null;
      url: string | null;
      os: string | null;
      browser: string | null;
      responseTimeMs: number | null;
    }
  | {
      kind: 'prediction';
      id: string;
      at: string;
      churnRisk: number | null;
      label: 0 | 1 | null;
      model: string | null;
    }
  | { kind: 'crm'; id: string; at: string; changes: CrmChange[] };

export interface CustomerTimeline {
  /** Newest first. */
  events: TimelineEvent[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextBefore: string | null;
}

/** A timeline position, `epochMs.batch.index` (an event's `id`): pages continue strictly below it. */
export const TIMELINE_CURSOR = /^\d{1,15}\.\d{1,15}\.\d{1,7}$/;

/** The ticker's event kinds (a CRM record is not shown there). */
export type TickerKind = 'listen' | 'click' | 'prediction' | 'customer';

export interface Customer360 {
  customerId: string;
  /** Every CRM field this customer has, including ones only some customers have. */
  crm: Record<string, CrmValue>;
  listening: {
    listens: number;
    uniqueTracks: number;
    mobile: number;
    buckets: Record<TimeOfDayBucket, number>;
    /** 7×24 listens, Monday first, day-major. */
    dayHour: number[];
    firstSeen: string | null;
    lastSeen: string | null;
    /** The same instants as ISO UTC (the events' own wall clock in UTC fields), for display. */
    firstSeenAt: string | null;
    lastSeenAt: string | null;
  };
  web: {
    clicks: number;
    responseTimes: { count: number; meanMs: number; minMs: number; maxMs: number } | null;
    products: Array<{ product: string; clicks: number }>;
  };
  churn: {
    risk: number | null;
    label: 0 | 1 | null;
    model: string | null;
    ts: string | null;
    /** When it was made, ISO UTC (the prediction's own time, or its arrival on the stream's clock). */
    at: string | null;
    history: Array<{ risk: number | null; ts: string | null; at: string | null; model: string | null }>;
  } | null;
  /** The signals the profile holds, beside the score: context, not the model's explanation. */
  context: ChurnContext | null;
}

export type ChurnSignalName = 'trend' | 'daysSinceLastSeen' | 'meanResponseMs' | 'mobileShare';

export interface ChurnSignal {
  name: ChurnSignalName;
  /** The customer's figure; null when the profile cannot say (no earlier listening, no clicks). */
  value: number | null;
  baseMedian: number | null;
  /** Where the customer stands among the base's customers, 0–100 (mid-rank). */
  percentile: number | null;
  /** Which way usually goes with leaving; null where neither does. */
  riskier: 'higher' | 'lower' | null;
}

export interface GroupContext {
  key: string;
  customers: number;
  atRiskShare: number | null;
}

export interface ChurnContext {
  /** The stream's time the signals were read at. */
  asOf: string | null;
  signals: ChurnSignal[];
  level: GroupContext;
  campaign: GroupContext;
  /** The base compared with: a sample of `sampled` of `customers`, refreshed every 30 s. */
  base: { atRiskShare: number; sampled: number; customers: number };
}

/** The windows statistics can be shown for: the stream's last 15 minutes … 7 days, or all time. */
export const WINDOW_NAMES = ['15m', '1h', '24h', '7d', 'all'] as const;
export type WindowName = (typeof WINDOW_NAMES)[number];

/** The stream's time: the demo's simulated clock, or the latest event time of a real stream. */
export interface StreamClock {
  /** Now on the stream, as written (UTC fields = the events' own wall clock). */
  now: string | null;
  /** The demo's simulated time (`speed` times the wall clock). */
  simulated: boolean;
  speed: number;
}

/** Listening and events in a window of the stream's time (or all time). */
export interface WindowStats {
  window: WindowName;
  /** First instant counted (as written); null for all time. */
  from: string | null;
  clock: StreamClock;
  listens: number;
  mobile: number;
  clicks: number;
  /** Predictions made in the window; null for all time (a profile keeps only its latest 50). */
  predictions: number | null;
  buckets: Record<TimeOfDayBucket, number>;
  dayHour: number[];
  /** Customers with a listen in the window (all time: with any event). */
  active: number;
}

/** A customer whose churn label just turned 1: the booth's headline. */
export interface ChurnCrossing {
  at: string;
  customerId: string;
  /** As the booth may show it: initials and the id's last characters. */
  label: string;
  risk: number | null;
  previousRisk: number | null;
  model: string | null;
}

export interface ColumnStats {
  count: number;
  mean: number | null;
  variance: number | null;
  min: number | null;
  max: number | null;
}

export interface BaseStats {
  customers: number;
  /** Customers with at least one listen or click. */
  active: number;
  columns: Record<StatisticColumn, ColumnStats>;
  buckets: Record<TimeOfDayBucket, number>;
  dayHour: number[];
}

export interface GroupRisk {
  key: string;
  customers: number;
  atRisk: number;
}

/** Churn over the customers' latest predictions (all time, or the latest in a window). */
export interface ChurnFigures {
  threshold: number;
  /** Customers with any prediction: a risk score or a label only. */
  predicted: number;
  /** Customers with a risk score (those the histogram can place). */
  scored: number;
  /** Customers whose churn label is 1 at the threshold: the same count everywhere. */
  atRisk: number;
  /** Scored customers per tenth of risk: [0,0.1), [0.1,0.2), … [0.9,1]. */
  histogram: number[];
  byLevel: GroupRisk[];
  byCampaign: GroupRisk[];
  topAtRisk: CustomerSummary[];
}

export interface ChurnOverview extends ChurnFigures {
  window: WindowName;
  clock: StreamClock;
  /** Names and ids in `topAtRisk` are masked (asked by the booth screen). */
  masked: boolean;
}

/** Pushed at most 10 times a second; its size does not grow with the number of customers. */
export interface DashboardSnapshot {
  at: string;
  source: 'demo' | 'kafka' | 'profiles';
  clock: StreamClock;
  events: { total: number; perSecond: number; listens: number; clicks: number; predictions: number };
  customers: number;
  atRisk: number;
  /** Events in the last 24 hours of the stream's time. */
  last24h: { events: number; listens: number };
  /** Events per second over the last few seconds, by where they came from: drives the flow animation. */
  flow: { web: number; mobile: number; desktop: number; predictions: number };
  buckets: Record<TimeOfDayBucket, number>;
  /**
   * The latest few events, for the live ticker (at most 12); `label` is the booth's masked id and
   * `boothDetail` the detail without web addresses.
   */
  latest: Array<{
    customerId: string;
    label: string;
    kind: TickerKind;
    detail: string;
    boothDetail: string;
  }>;
  /** The latest customers to cross into churn risk (at most 5, latest last). */
  crossings: ChurnCrossing[];
}

export interface QuarantineSummary {
  total: number;
  byReason: Array<{ reason: string; count: number }>;
}

/** Which quarantined records: by reason (as grouped in the summary) and where they came from. */
export interface QuarantineFilter {
  reason?: string;
  origin?: 'file' | 'topic' | 'demo';
  /** Text the record's origin, reason or raw text contains. */
  text?: string;
}

export type ExportScope =
  | { kind: 'all' }
  | { kind: 'search'; query: string }
  | { kind: 'at-risk' }
  | ({ kind: 'quarantine'; format: 'csv' | 'jsonl' } & QuarantineFilter);

export interface ExportProgress {
  exportId: string;
  scope: ExportScope['kind'];
  done: number;
  total: number;
  finished: boolean;
  /** File name → where to fetch it (a URL in the browser, a path on the desktop). */
  files: Array<{ name: ExportFile; href: string }>;
  error: string | null;
}

export interface KafkaOperations {
  /** False when the running connection is not Kafka (the rest is then empty). */
  kafka: boolean;
  brokers: string | null;
  group: {
    id: string;
    state: string | null;
    members: Array<{ clientId: string; host: string; partitions: string[] }>;
    /** Why the members could not be read, if they could not. */
    problem: string | null;
  } | null;
  /** Per topic and partition: the store's next offset, the end offset seen, and the lag. */
  partitions: Array<{
    topic: string;
    partition: number;
    next: string | null;
    end: string | null;
    lag: number | null;
  }>;
  /** Lag and throughput over the last hour, a sample every 10 s. */
  samples: Array<{ at: string; lag: number | null; perSecond: number }>;
  /** Connection state changes, latest first. */
  history: Array<{ at: string; state: SourceStatus['state']; detail: string | null; attempt: number }>;
}

export const apiSchemas = {
  searchCustomers: z
    .object({ query: z.string().max(200), limit: z.number().int().min(1).max(200).optional() })
    .strict(),
  customer360: z.object({ customerId: z.string().min(1).max(64) }).strict(),
  customerTimeline: z
    .object({
      customerId: z.string().min(1).max(64),
      /** Only these kinds; all when absent. */
      kinds: z.array(z.enum(TIMELINE_KINDS)).max(TIMELINE_KINDS.length).optional(),
      /** Events at or after this instant (ISO 8601 with Z or an offset). */
      from: z.iso.datetime({ offset: true }).optional(),
      /** Events at or before this instant. */
      to: z.iso.datetime({ offset: true }).optional(),
      /** A previous page's `nextBefore`: events strictly older than it. */
      before: z.string().regex(TIMELINE_CURSOR).optional(),
      limit: z.number().int().min(1).max(200).optional(),
    })
    .strict(),
  baseStatistics: z.object({}).strict(),
  churnOverview: z
    .object({
      top: z.number().int().min(1).max(100).optional(),
      window: z.enum(WINDOW_NAMES).optional(),
      /**
       * Asked by the booth screen: names, emails, phones and ids masked, as `mask` (the page's
       * wish, from its URL) or else the booth settings say; a live cluster's always are.
       */
      booth: z.object({ mask: z.boolean().optional() }).strict().optional(),
    })
    .strict(),
  windowStats: z.object({ window: z.enum(WINDOW_NAMES) }).strict(),
  snapshot: z.object({}).strict(),
  status: z.object({}).strict(),
  quarantine: z
    .object({
      limit: z.number().int().min(1).max(1000).optional(),
      reason: z.string().max(200).optional(),
      origin: z.enum(['file', 'topic', 'demo']).optional(),
      text: z.string().max(200).optional(),
    })
    .strict(),
  startExport: z
    .object({
      scope: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('all') }).strict(),
        z.object({ kind: z.literal('search'), query: z.string().max(200) }).strict(),
        z.object({ kind: z.literal('at-risk') }).strict(),
        z
          .object({
            kind: z.literal('quarantine'),
            format: z.enum(['csv', 'jsonl']),
            reason: z.string().max(200).optional(),
            origin: z.enum(['file', 'topic', 'demo']).optional(),
            text: z.string().max(200).optional(),
          })
          .strict(),
      ]),
    })
    .strict(),
  getSettings: z.object({}).strict(),
  updateSettings: settingsChangeSchema,
  saveConnection: connectionInputSchema,
  deleteConnection: z.object({ id: z.string().max(64) }).strict(),
  testConnection: connectionInputSchema,
  switchConnection: z.object({ id: z.string().max(100) }).strict(),
  kafkaOperations: z.object({}).strict(),
} as const;

export type ApiMethod = keyof typeof apiSchemas;

export interface EngineResults {
  searchCustomers: SearchResults;
  customer360: Customer360 | null;
  customerTimeline: CustomerTimeline;
  baseStatistics: BaseStats;
  churnOverview: ChurnOverview;
  windowStats: WindowStats;
  snapshot: DashboardSnapshot;
  status: SourceStatus;
  /** `matching`: how many kept records pass the filter (records holds the latest `limit` of them). */
  quarantine: { summary: QuarantineSummary; records: QuarantinedRecord[]; matching: number };
  startExport: { exportId: string };
  getSettings: SettingsView;
  updateSettings: SettingsView;
  /** `id`: the saved connection's (given on its first save). */
  saveConnection: { id: string; settings: SettingsView };
  deleteConnection: SettingsView;
  testConnection: ConnectionTestReport;
  /** `notice` says what happened to the stores (which one is now in use, and whether it is new). */
  switchConnection: { notice: string; settings: SettingsView };
  kafkaOperations: KafkaOperations;
}

export type ApiParams<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>;

/** What the renderer codes against; each transport provides it. */
export type EngineApi = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<EngineResults[M]> };

export interface EngineEvents {
  snapshot: DashboardSnapshot;
  status: SourceStatus;
  quarantine: QuarantineSummary;
  exportProgress: ExportProgress;
  /** The settings changed (another window, a switch of connection): views re-read what they show. */
  settings: SettingsView;
}

/** Every pushed event, for transports that forward them all. */
export const ENGINE_EVENTS: EngineEventName[] = [
  'snapshot',
  'status',
  'quarantine',
  'exportProgress',
  'settings',
];

export type EngineEventName = keyof EngineEvents;

/** Messages on the wire (WebSocket frames, IPC payloads). */
export type ApiRequest = { id: number; method: ApiMethod; params: unknown };
export type ApiResponse = { id: number; result: unknown } | { id: number; error: string };
export type ApiPush = { event: EngineEventName; payload: unknown };

/** Checks a request's method and parameters; returns the reason when they are not acceptable. */
export function checkRequest(
  method: unknown,
  params: unknown,
): { ok: true; method: ApiMethod; params: unknown } | { ok: false; reason: string } {
  if (typeof method !== 'string' || !Object.hasOwn(apiSchemas, method))
    return { ok: false, reason: `unknown method ${JSON.stringify(method)}` };
  const parsed = apiSchemas[method as ApiMethod].safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${method}: ${issue?.path.join('.') || 'params'}: ${issue?.message}` };
  }
  return { ok: true, method: method as ApiMethod, params: parsed.data };
}
