import { type ReactNode, useEffect, useId, useState } from 'react';
import {
  boothSettingsSchema,
  type ConnectionTestReport,
  type ConnectionView,
  DEFAULT_BOOTH,
  fieldProblems,
  type KafkaConnection,
  kafkaConnectionSchema,
  SASL_MECHANISMS,
  type SettingsView as Settings,
} from '../../../shared/settings';
import { preloadBridge } from '../api/engine-client';
import { useConnectionEpoch, useEngine } from '../api/use-engine';
import { CallError } from '../components/CallError';
import { fmt } from '../format';

/**
 * Settings: the connections (the embedded demo, or Kafka clusters: tested, saved, switched to
 * live), the churn threshold, the booth, and where the data lives. Every field is checked with
 * the same schema the engine checks it with again, and a problem is shown next to its field.
 */

const BLANK: KafkaConnection = {
  kind: 'kafka',
  name: '',
  brokers: '',
  topics: {
    clickstream: 'clickstream',
    predictions: 'predictions',
    customers: 'customers',
    profiles: 'customer-profiles',
  },
  sasl: null,
  tls: null,
  group: '',
  from: 'earliest',
  deadLetterTopic: '',
};

const MECHANISM_LABELS: Record<(typeof SASL_MECHANISMS)[number], string> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

export function SettingsView() {
  const engine = useEngine();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ connection: KafkaConnection; passwordSet: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const epoch = useConnectionEpoch();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a retry or a reconnect asks again
  useEffect(() => {
    let live = true;
    setError(null);
    engine.api
      .getSettings({})
      .then((s) => live && setSettings(s))
      .catch((e: Error) => live && setError(e.message));
    const off = engine.on('settings', setSettings);
    return () => {
      live = false;
      off();
    };
  }, [engine, attempt, epoch]);

  const act = async (what: string, run: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const use = (c: ConnectionView) =>
    act(`use:${c.id}`, async () => {
      const r = await engine.api.switchConnection({ id: c.id });
      setSettings(r.settings);
      setNotice(r.notice);
    });

  const remove = (c: ConnectionView) =>
    act(`delete:${c.id}`, async () => {
      setSettings(await engine.api.deleteConnection({ id: c.id }));
      setNotice(`Deleted "${c.name}". Its store stays at ${c.storeDir}.`);
    });

  if (!settings)
    return (
      <section className="view settings-view" aria-labelledby="settings-title">
        <h2 id="settings-title" className="view-title">
          Settings
        </h2>
        {error ? (
          <CallError what="Settings" error={error} onRetry={() => setAttempt((n) => n + 1)} />
        ) : (
          <p className="empty">Loading…</p>
        )}
      </section>
    );

  return (
    <section className="view settings-view" aria-labelledby="settings-title">
      <h2 id="settings-title" className="view-title">
        Settings
      </h2>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="settings-grid">
        <section className="panel connections" aria-labelledby="connections-title">
          <h3 id="connections-title">Connections</h3>
          <p className="lede">
            In use: <strong>{settings.active.name}</strong>
            {settings.active.origin !== 'settings' && (
              <> (set by the {settings.active.origin}; it wins over saved ones at start)</>
            )}
            . Each connection keeps its own store, so switching never mixes data.
          </p>
          <ul className="connection-list">
            {settings.connections.map((c) => (
              <li key={c.id} className={c.id === settings.active.id ? 'connection active' : 'connection'}>
                <div>
                  <strong>{c.name}</strong>
                  {c.id === settings.active.id && (
                    <>
                      {' '}
                      <span className="tag">in use</span>
                    </>
                  )}
                  <div className="connection-meta">
                    {c.kind === 'demo'
                      ? 'Generated customers and events; no network needed.'
                      : `${c.kind === 'profiles' ? `Kafka Streams profiles (${c.topics.profiles}) · ` : ''}${c.brokers} · ${c.sasl ? `${MECHANISM_LABELS[c.sasl.mechanism]} as ${c.sasl.username}` : 'no login'}${c.tls ? ' · TLS' : ''}`}
                  </div>
                  <div className="connection-meta">Store: {c.storeDir}</div>
                </div>
                <div className="connection-actions">
                  <button
                    type="button"
                    onClick={() => void use(c)}
                    disabled={c.id === settings.active.id || busy !== null}
                    aria-label={`Use ${c.name}`}
                  >
                    {busy === `use:${c.id}` ? 'Switching…' : 'Use'}
                  </button>
                  {c.kind !== 'demo' && (
                    <>
                      <button
                        type="button"
                        onClick={() => setEditing({ connection: stripView(c), passwordSet: c.passwordSet })}
                        aria-label={`Edit ${c.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        onClick={() => void remove(c)}
                        disabled={busy !== null}
                        aria-label={`Delete ${c.name}`}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
          {!editing && (
            <button
              type="button"
              onClick={() => setEditing({ connection: structuredClone(BLANK), passwordSet: false })}
            >
              Add a Kafka connection
            </button>
          )}
          {editing && (
            <ConnectionEditor
              key={editing.connection.id ?? 'new'}
              initial={editing.connection}
              passwordSet={editing.passwordSet}
              onDone={(message) => {
                setEditing(null);
                if (message) setNotice(message);
              }}
              onSettings={setSettings}
            />
          )}
        </section>
        <div className="settings-side">
          <ChurnSettings settings={settings} onSettings={setSettings} />
          <BoothSettingsPanel settings={settings} onSettings={setSettings} />
          <DataPanel settings={settings} />
        </div>
      </div>
    </section>
  );
}

/** A saved connection as the form edits it (without what the view adds). */
function stripView(c: Exclude<ConnectionView, { kind: 'demo' }>): KafkaConnection {
  const { passwordSet: _p, storeDir: _s, ...connection } = c;
  return connection;
}

/** A labelled input with its problem under it. */
function Field({
  label,
  problem,
  hint,
  children,
}: {
  label: string;
  problem?: string;
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  return (
    <div className={problem ? 'form-field invalid' : 'form-field'}>
      <label htmlFor={id}>{label}</label>
      {children(id, problem || hint ? messageId : undefined)}
      {problem ? (
        <span id={messageId} className="field-problem">
          {problem}
        </span>
      ) : (
        hint && (
          <span id={messageId} className="field-hint">
            {hint}
          </span>
        )
      )}
    </div>
  );
}

function ConnectionEditor({
  initial,
  passwordSet,
  onDone,
  onSettings,
}: {
  initial: KafkaConnection;
  passwordSet: boolean;
  onDone: (message: string | null) => void;
  onSettings: (s: Settings) => void;
}) {
  const engine = useEngine();
  const bridge = preloadBridge();
  const [c, setC] = useState<KafkaConnection>(initial);
  const [password, setPassword] = useState<string>('');
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [report, setReport] = useState<ConnectionTestReport | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const problems = new Map(fieldProblems(kafkaConnectionSchema, c).map((p) => [p.path, p.message]));
  const needsPassword = c.sasl !== null && !passwordSet && password === '';
  if (needsPassword) problems.set('password', 'SASL needs a password');
  const show = (path: string) => (submitted || touched.has(path) ? problems.get(path) : undefined);
  const touch = (path: string) => setTouched((t) => new Set(t).add(path));
  const update = (change: (draft: KafkaConnection) => void) =>
    setC((old) => {
      const next = structuredClone(old);
      change(next);
      return next;
    });
  const input = { password: password === '' ? undefined : password };

  const test = async () => {
    setSubmitted(true);
    if (problems.size > 0) return;
    setBusy('test');
    setError(null);
    setReport(null);
    try {
      setReport(await engine.api.testConnection({ connection: c, ...input }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const save = async (andUse: boolean) => {
    setSubmitted(true);
    if (problems.size > 0) return;
    setBusy('save');
    setError(null);
    try {
      const saved = await engine.api.saveConnection({ connection: c, ...input });
      onSettings(saved.settings);
      if (andUse) {
        const r = await engine.api.switchConnection({ id: saved.id });
        onSettings(r.settings);
        onDone(r.notice);
      } else onDone(`Saved "${c.name}".`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    }
  };

  const tls = c.tls;
  const chooseFile = async (which: 'ca' | 'cert' | 'key') => {
    const path = await bridge?.chooseFile(`tls-${which}`);
    if (path)
      update((d) => {
        if (d.tls) d.tls[which] = path;
      });
  };

  return (
    <form
      className="connection-editor"
      aria-label={initial.id ? `Edit ${initial.name}` : 'New Kafka connection'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
    >
      <h4>{initial.id ? `Edit ${initial.name}` : 'New Kafka connection'}</h4>
      <div className="form-grid">
        <Field label="Name" problem={show('name')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              aria-invalid={Boolean(show('name'))}
              value={c.name}
              onChange={(e) =>
                update((x) => {
                  x.name = e.target.value;
                })
              }
              onBlur={() => touch('name')}
              placeholder="Production cluster"
            />
          )}
        </Field>
        <Field label="Bootstrap servers" problem={show('brokers')} hint="host:port, separated by commas">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              aria-invalid={Boolean(show('brokers'))}
              value={c.brokers}
              onChange={(e) =>
                update((x) => {
                  x.brokers = e.target.value;
                })
              }
              onBlur={() => touch('brokers')}
              placeholder="kafka-1.example.com:9093, kafka-2.example.com:9093"
              spellCheck={false}
            />
          )}
        </Field>
        <Field
          label="Reads"
          hint={
            c.kind === 'profiles'
              ? 'whole profiles computed by the Kafka Streams app (streams/README.md)'
              : 'the raw events, aggregated here'
          }
        >
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={c.kind}
              onChange={(e) =>
                update((x) => {
                  x.kind = e.target.value as KafkaConnection['kind'];
                  if (x.kind === 'profiles' && !x.topics.profiles) x.topics.profiles = 'customer-profiles';
                })
              }
            >
              <option value="kafka">Event topics (clickstream, predictions, customers)</option>
              <option value="profiles">Profiles from Kafka Streams</option>
            </select>
          )}
        </Field>
        {c.kind === 'profiles' ? (
          <Field
            label="Profiles topic"
            problem={show('topics.profiles')}
            hint="compacted, keyed by customer id"
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                aria-invalid={Boolean(show('topics.profiles'))}
                value={c.topics.profiles ?? ''}
                onChange={(e) =>
                  update((x) => {
                    x.topics.profiles = e.target.value;
                  })
                }
                onBlur={() => touch('topics.profiles')}
                spellCheck={false}
              />
            )}
          </Field>
        ) : (
          (['clickstream', 'predictions', 'customers'] as const).map((topic) => (
            <Field
              key={topic}
              label={`${topic[0]?.toUpperCase()}${topic.slice(1)} topic`}
              problem={show(`topics.${topic}`)}
              hint={topic === 'customers' ? 'optional: CRM records' : undefined}
            >
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  aria-invalid={Boolean(show(`topics.${topic}`))}
                  value={c.topics[topic]}
                  onChange={(e) =>
                    update((x) => {
                      x.topics[topic] = e.target.value;
                    })
                  }
                  onBlur={() => touch(`topics.${topic}`)}
                  spellCheck={false}
                />
              )}
            </Field>
          ))
        )}
        <Field label="Consumer group" problem={show('group')} hint="optional; by default one per store">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={c.group}
              onChange={(e) =>
                update((x) => {
                  x.group = e.target.value;
                })
              }
              onBlur={() => touch('group')}
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="A new store starts at">
          {(id) => (
            <select
              id={id}
              value={c.from}
              onChange={(e) =>
                update((x) => {
                  x.from = e.target.value as KafkaConnection['from'];
                })
              }
            >
              <option value="earliest">the oldest message kept</option>
              <option value="latest">new messages only</option>
            </select>
          )}
        </Field>
        <Field
          label="Dead-letter topic"
          problem={show('deadLetterTopic')}
          hint="optional: unreadable records are also sent here"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={c.deadLetterTopic}
              onChange={(e) =>
                update((x) => {
                  x.deadLetterTopic = e.target.value;
                })
              }
              onBlur={() => touch('deadLetterTopic')}
              spellCheck={false}
            />
          )}
        </Field>
      </div>
      <fieldset>
        <legend>Login (SASL)</legend>
        <div className="form-grid">
          <Field label="Mechanism">
            {(id) => (
              <select
                id={id}
                value={c.sasl?.mechanism ?? 'none'}
                onChange={(e) =>
                  update((x) => {
                    const v = e.target.value;
                    x.sasl =
                      v === 'none'
                        ? null
                        : {
                            mechanism: v as (typeof SASL_MECHANISMS)[number],
                            username: x.sasl?.username ?? '',
                          };
                  })
                }
              >
                <option value="none">none</option>
                {SASL_MECHANISMS.map((m) => (
                  <option key={m} value={m}>
                    {MECHANISM_LABELS[m]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {c.sasl && (
            <>
              <Field label="User name" problem={show('sasl.username')}>
                {(id, d) => (
                  <input
                    id={id}
                    aria-describedby={d}
                    aria-invalid={Boolean(show('sasl.username'))}
                    value={c.sasl?.username ?? ''}
                    autoComplete="off"
                    onChange={(e) =>
                      update((x) => {
                        if (x.sasl) x.sasl.username = e.target.value;
                      })
                    }
                    onBlur={() => touch('sasl.username')}
                  />
                )}
              </Field>
              <Field
                label="Password"
                problem={show('password')}
                hint={
                  passwordSet ? 'saved; type to change it' : 'kept in the vault, never in the settings file'
                }
              >
                {(id, d) => (
                  <input
                    id={id}
                    type="password"
                    aria-describedby={d}
                    aria-invalid={Boolean(show('password'))}
                    value={password}
                    autoComplete="new-password"
                    placeholder={passwordSet ? '••••••••' : ''}
                    onChange={(e) => setPassword(e.target.value)}
                    onBlur={() => touch('password')}
                  />
                )}
              </Field>
            </>
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>
          <label>
            <input
              type="checkbox"
              checked={tls !== null}
              onChange={(e) =>
                update(
                  (x) =>
                    (x.tls = e.target.checked
                      ? { ca: '', cert: '', key: '', rejectUnauthorized: true }
                      : null),
                )
              }
            />{' '}
            TLS
          </label>
        </legend>
        {tls && (
          <div className="form-grid">
            {(
              [
                ['ca', 'CA certificate (PEM)', 'optional: the system’s CAs otherwise'],
                ['cert', 'Client certificate (PEM)', 'optional: for mutual TLS'],
                ['key', 'Client key (PEM)', 'optional: for mutual TLS'],
              ] as const
            ).map(([which, label, hint]) => (
              <Field key={which} label={label} problem={show(`tls.${which}`)} hint={hint}>
                {(id, d) => (
                  <span className="file-field">
                    <input
                      id={id}
                      aria-describedby={d}
                      value={tls[which]}
                      onChange={(e) =>
                        update((x) => {
                          if (x.tls) x.tls[which] = e.target.value;
                        })
                      }
                      onBlur={() => touch(`tls.${which}`)}
                      placeholder={bridge ? '' : '/path/to/file.pem'}
                      spellCheck={false}
                    />
                    {bridge && (
                      <button type="button" onClick={() => void chooseFile(which)}>
                        Choose…
                      </button>
                    )}
                  </span>
                )}
              </Field>
            ))}
            <label className="checkbox">
              <input
                type="checkbox"
                checked={tls.rejectUnauthorized}
                onChange={(e) =>
                  update((x) => {
                    if (x.tls) x.tls.rejectUnauthorized = e.target.checked;
                  })
                }
              />{' '}
              Verify the broker’s certificate (turn off only to try a test cluster)
            </label>
          </div>
        )}
      </fieldset>
      <div className="form-actions">
        <button type="button" onClick={() => void test()} disabled={busy !== null}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" disabled={busy !== null}>
          Save
        </button>
        <button type="button" onClick={() => void save(true)} disabled={busy !== null}>
          Save and use
        </button>
        <button type="button" onClick={() => onDone(null)} disabled={busy === 'save'}>
          Cancel
        </button>
      </div>
      {submitted && problems.size > 0 && (
        <p className="error" role="alert">
          {problems.size === 1 ? 'One field needs' : `${problems.size} fields need`} a change before this can
          be tested or saved.
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {report && <TestReport report={report} />}
    </form>
  );
}

function TestReport({ report }: { report: ConnectionTestReport }) {
  const labels = { reach: 'Reach the cluster', login: 'Log in', topics: 'Find the topics' };
  return (
    <div className={report.ok ? 'test-report ok' : 'test-report failed'} role="status" aria-live="polite">
      <h5>{report.ok ? 'The connection works.' : 'The connection does not work yet.'}</h5>
      <ol>
        {report.steps.map((s) => (
          <li key={s.step} className={s.ok ? 'step ok' : 'step failed'}>
            <strong>
              {s.ok ? '✓' : '✗'} {labels[s.step]}:
            </strong>{' '}
            {s.message}
            {s.fix && <div className="fix">What to change: {s.fix}</div>}
          </li>
        ))}
      </ol>
      {report.topics.length > 0 && (
        <table className="topics-table">
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Role</th>
              <th scope="col">Partitions</th>
              <th scope="col">Messages</th>
              <th scope="col">Not read yet</th>
            </tr>
          </thead>
          <tbody>
            {report.topics.map((t) => (
              <tr key={t.role}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td>{t.found ? t.partitions : 'not found'}</td>
                <td>{t.messages === null ? '—' : fmt(t.messages)}</td>
                <td>{t.lag === null ? '—' : fmt(t.lag)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ChurnSettings({ settings, onSettings }: { settings: Settings; onSettings: (s: Settings) => void }) {
  const engine = useEngine();
  const [value, setValue] = useState(String(settings.churnThreshold));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setValue(String(settings.churnThreshold)), [settings.churnThreshold]);
  const save = async () => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      setProblem('Between 0 and 1');
      return;
    }
    setProblem(null);
    try {
      onSettings(await engine.api.updateSettings({ churnThreshold: n }));
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  return (
    <section className="panel" aria-labelledby="churn-settings-title">
      <h3 id="churn-settings-title">Churn</h3>
      <Field
        label="At risk from (churn risk, 0–1)"
        problem={problem ?? undefined}
        hint="labels, counts and exports all follow it"
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            aria-invalid={Boolean(problem)}
            inputMode="decimal"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onBlur={() => void save()}
            onKeyDown={(e) => e.key === 'Enter' && void save()}
          />
        )}
      </Field>
    </section>
  );
}

function BoothSettingsPanel({
  settings,
  onSettings,
}: {
  settings: Settings;
  onSettings: (s: Settings) => void;
}) {
  const engine = useEngine();
  const [draft, setDraft] = useState(settings.booth ?? DEFAULT_BOOTH);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const problems = new Map(fieldProblems(boothSettingsSchema, draft).map((p) => [p.path, p.message]));
  const views = [
    ['flow', 'Flow'],
    ['time', 'Time of day'],
    ['churn', 'Churn'],
  ] as const;
  const save = async () => {
    if (problems.size > 0) return;
    setError(null);
    try {
      onSettings(await engine.api.updateSettings({ booth: draft }));
      setSaved(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const change = (c: Partial<typeof draft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...c }));
  };
  return (
    <section className="panel" aria-labelledby="booth-settings-title">
      <h3 id="booth-settings-title">Booth</h3>
      <fieldset className="booth-views">
        <legend>Views, in turn</legend>
        {views.map(([id, label]) => (
          <label key={id} className="checkbox">
            <input
              type="checkbox"
              checked={draft.views.includes(id)}
              onChange={(e) =>
                change({
                  views: e.target.checked
                    ? views.map(([v]) => v).filter((v) => v === id || draft.views.includes(v))
                    : draft.views.filter((v) => v !== id),
                })
              }
            />{' '}
            {label}
          </label>
        ))}
        {problems.get('views') && <span className="field-problem">{problems.get('views')}</span>}
      </fieldset>
      <div className="form-grid">
        <Field label="Seconds per view" problem={problems.get('dwellSeconds')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              inputMode="numeric"
              value={String(draft.dwellSeconds)}
              onChange={(e) => change({ dwellSeconds: Number(e.target.value) })}
            />
          )}
        </Field>
        <Field
          label="Title on the screen"
          problem={problems.get('title')}
          hint="optional: your company or event"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={draft.title}
              onChange={(e) => change({ title: e.target.value })}
            />
          )}
        </Field>
        <Field label="QR code to" problem={problems.get('qrUrl')} hint="optional: a page visitors can open">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={draft.qrUrl}
              onChange={(e) => change({ qrUrl: e.target.value })}
              placeholder="https://example.com/demo"
            />
          )}
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={draft.mask} onChange={(e) => change({ mask: e.target.checked })} />{' '}
        Mask names, emails, phones and ids on the booth screen (a live cluster is always masked)
      </label>
      <div className="form-actions">
        <button type="button" onClick={() => void save()} disabled={problems.size > 0}>
          Save booth settings
        </button>
        {saved && <span className="saved">Saved.</span>}
      </div>
      {error && <p className="error">{error}</p>}
    </section>
  );
}

function DataPanel({ settings }: { settings: Settings }) {
  const bridge = preloadBridge();
  const [copied, setCopied] = useState(false);
  return (
    <section className="panel" aria-labelledby="data-title">
      <h3 id="data-title">Data</h3>
      <dl className="data-facts">
        <dt>Data folder</dt>
        <dd>
          <code>{settings.dataDir}</code>{' '}
          {bridge ? (
            <button type="button" onClick={() => bridge.requestShell('open-data-folder')}>
              Open
            </button>
          ) : (
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(settings.dataDir).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy path'}
            </button>
          )}
        </dd>
        <dt>Store in use</dt>
        <dd>
          <code>{settings.active.storeDir}</code>
        </dd>
        <dt>Passwords are kept in</dt>
        <dd>{settings.secrets}</dd>
      </dl>
    </section>
  );
}
