import { z } from 'zod';

/**
 * Settings, one schema for every side: the Settings form checks a field as it is typed, and the
 * engine checks the same values again when they arrive (over the WebSocket or IPC), so a bad
 * value gets the same message wherever it is caught. Secrets (the SASL password) are never part
 * of these shapes: they travel only into the engine, and are kept by its secret vault.
 */

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Kafka's own rule for topic names. */
const topicName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'A topic name is 1–249 letters, digits, dots, underscores or hyphens');
const optionalTopic = z.union([z.literal(''), topicName]);

const brokerList = z
  .string()
  .trim()
  .min(1, 'Name at least one bootstrap server')
  .max(2000)
  .refine(
    (v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .every((b) => /^[^\s:,]+:\d{1,5}$/.test(b) || /^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)),
    'Write each server as host:port, separated by commas',
  );

/** A file the client reads (PEM): a path; chosen with a file dialog on the desktop. */
const pemPath = z.string().trim().max(4096);

/** The fields of a connection; kafkaConnectionSchema adds the checks across them. */
export const kafkaConnectionObject = z
  .object({
    /** Given by the engine when the connection is first saved. */
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
    /** `kafka`: the event topics; `profiles`: the profiles the Kafka Streams app publishes. */
    kind: z.enum(['kafka', 'profiles']),
    name: z.string().trim().min(1, 'Give the connection a name').max(60, 'At most 60 characters'),
    brokers: brokerList,
    topics: z
      .object({
        clickstream: topicName,
        predictions: topicName,
        customers: optionalTopic,
        /** Read by a `profiles` connection (streams/PROFILE-FORMAT.md); absent in older settings. */
        profiles: optionalTopic.optional(),
      })
      .strict(),
    sasl: z
      .object({
        mechanism: z.enum(SASL_MECHANISMS, { error: 'Choose PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512' }),
        username: z.string().trim().min(1, 'SASL needs a user name').max(256),
      })
      .strict()
      .nullable(),
    tls: z
      .object({ ca: pemPath, cert: pemPath, key: pemPath, rejectUnauthorized: z.boolean() })
      .strict()
      .refine((t) => (t.cert === '') === (t.key === ''), {
        message: 'A client certificate needs its key, and a key its certificate',
        path: ['key'],
      })
      .nullable(),
    /** Empty: one group per store (`c360-<store id>`). */
    group: z
      .string()
      .trim()
      .max(249)
      .regex(/^[A-Za-z0-9._-]*$/, 'Letters, digits, dots, underscores or hyphens'),
    /** Where a new store starts reading. */
    from: z.enum(['earliest', 'latest']),
    deadLetterTopic: optionalTopic,
  })
  .strict();

/** A profiles connection names its topic. */
export function withProfilesTopic<T extends z.ZodType<{ kind: string; topics: { profiles?: string } }>>(
  schema: T,
) {
  return schema.refine((c) => c.kind !== 'profiles' || Boolean(c.topics.profiles), {
    message: 'Name the topic the Kafka Streams app publishes profiles to',
    path: ['topics', 'profiles'],
  });
}

export const kafkaConnectionSchema = withProfilesTopic(kafkaConnectionObject);

export type KafkaConnection = z.infer<typeof kafkaConnectionSchema>;

/** The connection as the form sends it: the password only when typed (absent: keep the saved one). */
export const connectionInputSchema = z
  .object({
    connection: kafkaConnectionSchema,
    password: z.string().max(1024).optional(),
  })
  .strict();
export type ConnectionInput = z.infer<typeof connectionInputSchema>;

export const DEMO_CONNECTION_ID = 'demo';

/** A connection as the Settings screen shows it. */
export type ConnectionView =
  | { id: typeof DEMO_CONNECTION_ID; kind: 'demo'; name: string; storeDir: string }
  | (KafkaConnection & {
      id: string;
      /** A password is kept for it (never sent back). */
      passwordSet: boolean;
      storeDir: string;
    });

/** Where the running connection came from, by the precedence flag > environment > settings file. */
export type ConnectionOrigin = 'settings' | 'command line' | 'environment' | 'config file';

export const boothSettingsSchema = z
  .object({
    /** Views in turn, in this order. */
    views: z
      .array(z.enum(['flow', 'time', 'churn']))
      .min(1, 'Choose at least one view')
      .max(3),
    dwellSeconds: z.number().int().min(5, 'At least 5 s').max(600, 'At most 600 s'),
    /** Names, emails, phones and ids masked on the booth screen (always for a live cluster). */
    mask: z.boolean(),
    title: z.string().trim().max(60),
    qrUrl: z
      .string()
      .trim()
      .max(500)
      .refine((v) => v === '' || /^https?:\/\/[^\s/]+\.[^\s]*$/.test(v), 'A full web address, https://…'),
  })
  .strict();
export type BoothSettings = z.infer<typeof boothSettingsSchema>;

export const DEFAULT_BOOTH: BoothSettings = {
  views: ['flow', 'time', 'churn'],
  dwellSeconds: 12,
  mask: true,
  title: '',
  qrUrl: '',
};

/** What updateSettings takes: any of these, checked one by one. */
export const settingsChangeSchema = z
  .object({
    churnThreshold: z.number().min(0, 'Between 0 and 1').max(1, 'Between 0 and 1').optional(),
    booth: boothSettingsSchema.optional(),
  })
  .strict();
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

/** Everything the Settings screen shows. */
export interface SettingsView {
  churnThreshold: number;
  booth: BoothSettings;
  connections: ConnectionView[];
  /** The connection running now (a saved one, the demo, or one set outside the settings file). */
  active: {
    id: string;
    name: string;
    kind: 'demo' | 'kafka' | 'profiles';
    origin: ConnectionOrigin;
    storeDir: string;
  };
  dataDir: string;
  /** How passwords are kept, in words ("the system keychain", "a file only you can read"). */
  secrets: string;
}

/** One checked field's problem, for a message next to it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The problems of a value against a schema, by field path (`topics.clickstream`). */
export function fieldProblems(schema: z.ZodType, value: unknown): FieldProblem[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** A result of "Test connection": each step in plain words, and what was found. */
export interface ConnectionTestReport {
  ok: boolean;
  steps: Array<{ step: 'reach' | 'login' | 'topics'; ok: boolean; message: string; fix: string | null }>;
  cluster: { id: string; brokers: number } | null;
  topics: Array<{
    role: 'clickstream' | 'predictions' | 'customers' | 'profiles' | 'dead letters';
    name: string;
    found: boolean;
    partitions: number | null;
    /** Messages on the topic now (end minus start offsets). */
    messages: number | null;
    /** Messages this connection's store has not read yet; null without a store for it. */
    lag: number | null;
  }>;
}
