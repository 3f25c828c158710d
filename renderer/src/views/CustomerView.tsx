import {
  forwardRef,
  type KeyboardEvent as ReactKeyboardEvent,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ChurnContext, ChurnSignal, Customer360, EngineResults } from '../../../shared/engine-api';
import { useConnectionEpoch, useEngine, usePolling } from '../api/use-engine';
import { EChart, type EChartsOption } from '../charts/EChart';
import { CallError } from '../components/CallError';
import { CustomerTimeline } from '../components/CustomerTimeline';
import { ExportButton } from '../components/ExportButton';
import { ago, fmt, pct, risk, when } from '../format';

/** The support desk: search by id, name, email, phone or zip, then one screen about the customer. */

const FIELD_ORDER = [
  'name',
  'email',
  'phone',
  'gender',
  'address',
  'zip',
  'level',
  'campaign',
  'status',
  'sign_date',
  'linked_with_apps',
];

/** Yes/No for the flags the CRM writes as 1/0 or true/false; everything else as written. */
function fieldValue(name: string, v: unknown): string {
  if (
    /^(linked_with_apps|is_|has_)/i.test(name) &&
    ['1', '0', 'true', 'false'].includes(String(v).toLowerCase())
  )
    return ['1', 'true'].includes(String(v).toLowerCase()) ? 'Yes' : 'No';
  return String(v);
}

function fieldLabel(name: string): string {
  return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function clockOption(c: Customer360, theme: 'booth' | 'desk'): EChartsOption {
  const byHour = Array.from({ length: 24 }, (_, h) => {
    let n = 0;
    for (let d = 0; d < 7; d++) n += c.listening.dayHour[d * 24 + h] ?? 0;
    return n;
  });
  const text = theme === 'booth' ? '#dbe4f3' : '#1f2937';
  return {
    polar: { radius: ['18%', '80%'] },
    angleAxis: {
      type: 'category',
      data: byHour.map((_, h) => String(h)),
      startAngle: 90,
      axisLabel: { color: text },
    },
    radiusAxis: { axisLabel: { show: false }, splitLine: { show: false } },
    tooltip: {},
    series: [
      {
        type: 'bar',
        coordinateSystem: 'polar',
        data: byHour,
        name: 'listens',
        itemStyle: { color: theme === 'booth' ? '#2ee6c5' : '#0f766e' },
      },
    ],
  };
}

function churnOption(c: Customer360, theme: 'booth' | 'desk'): EChartsOption {
  const text = theme === 'booth' ? '#dbe4f3' : '#1f2937';
  const value = c.churn?.risk ?? 0;
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 1,
        radius: '95%',
        axisLine: {
          lineStyle: {
            width: 14,
            color: [
              [0.2, '#16a34a'],
              [0.5, '#eab308'],
              [1, '#dc2626'],
            ],
          },
        },
        pointer: { itemStyle: { color: text }, width: 5 },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { color: text, distance: -30, fontSize: 10 },
        detail: {
          formatter: () => risk(c.churn?.risk ?? null),
          color: text,
          fontSize: 26,
          offsetCenter: [0, '60%'],
        },
        data: [{ value }],
      },
    ],
  };
}

/** Every prediction kept, oldest first, one line per model (a new model version shows as its own line). */
function trendOption(c: Customer360, theme: 'booth' | 'desk'): EChartsOption {
  const points = (c.churn?.history ?? []).filter((h) => h.risk !== null);
  const text = theme === 'booth' ? '#dbe4f3' : '#1f2937';
  const models = [...new Set(points.map((p) => p.model ?? 'unknown model'))];
  const colours = ['#f97316', '#7c3aed', '#0891b2', '#be123c'];
  return {
    grid: { left: 36, right: 10, top: models.length > 1 ? 26 : 10, bottom: 24 },
    legend: models.length > 1 ? { top: 0, textStyle: { color: text, fontSize: 10 } } : undefined,
    xAxis: {
      type: 'category',
      data: points.map((p, i) => (p.at ? when(p.at).replace(/:\d\d$/, '') : String(i + 1))),
      axisLabel: { color: text, fontSize: 10 },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      axisLabel: { color: text, fontSize: 10 },
      splitLine: { show: false },
    },
    tooltip: { trigger: 'axis' },
    series: models.map((m, i) => ({
      type: 'line' as const,
      name: m,
      data: points.map((p) => ((p.model ?? 'unknown model') === m ? p.risk : null)),
      connectNulls: true,
      lineStyle: { color: colours[i % colours.length] },
      itemStyle: { color: colours[i % colours.length] },
    })),
  };
}

type SearchAnswer = EngineResults['searchCustomers'];

/**
 * The search as a combobox (WAI-ARIA): focus stays in the box while ArrowUp/ArrowDown move through
 * the results, Enter opens the active one (the best match unless arrows moved), Escape clears.
 * Enter pressed before the answer for what was typed has come is remembered and honoured when it
 * does, so a fast typist's Enter is never lost either.
 */
function useCustomerSearch(onOpen: (id: string) => void) {
  const engine = useEngine();
  const epoch = useConnectionEpoch();
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<{ query: string; value: SearchAnswer } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const enterPending = useRef<string | null>(null);
  // The latest answer as soon as it comes, before React shows it: an Enter pressed in between (a
  // fast typist on a busy machine) read the answer of the last render, found none for what was
  // typed, and waited for one that had already come, so the customer never opened.
  const latest = useRef<{ query: string; value: SearchAnswer } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a reconnect (epoch) or a retry asks again
  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      latest.current = null;
      setAnswer(null);
      setError(null);
      return;
    }
    let live = true;
    // Every keystroke asks; only the answer to the latest question is kept.
    engine.api.searchCustomers({ query, limit: 25 }).then(
      (value) => {
        if (!live) return;
        latest.current = { query, value };
        setAnswer(latest.current);
        setError(null);
        setActive(0);
        if (enterPending.current === query) {
          enterPending.current = null;
          const first = value.results[0];
          if (first) onOpen(first.customerId);
        }
      },
      (e: Error) => {
        if (live) setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [engine, query, epoch, attempt]);

  const current = answer && answer.query === query ? answer.value : null;
  const results = answer?.value.results ?? [];
  const onKeyDown = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (results.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + results.length) % results.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (query.trim() === '') return;
      const fresh = latest.current?.query === query ? latest.current.value : null;
      // An answer not shown yet has had no arrows moved over it: its best match.
      const index = fresh === current ? active : 0;
      const chosen = fresh ? fresh.results[Math.min(index, fresh.results.length - 1)] : undefined;
      if (chosen) onOpen(chosen.customerId);
      else if (!fresh) enterPending.current = query;
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      enterPending.current = null;
      if (query !== '') setQuery('');
      else e.currentTarget.blur();
    }
  };
  return {
    query,
    setQuery: (q: string) => {
      enterPending.current = null;
      setQuery(q);
    },
    answer: answer?.value ?? null,
    waiting: query.trim() !== '' && !current && !error,
    error,
    retry: () => setAttempt((n) => n + 1),
    active,
    setActive,
    onKeyDown,
  };
}

const LISTBOX = 'customer-search-results';
const optionId = (i: number) => `customer-search-option-${i}`;

function SignalRow({ s }: { s: ChurnSignal }) {
  const shown = (v: number | null) => {
    if (v === null) return '—';
    switch (s.name) {
      case 'trend':
        return `${v < 10 ? v.toFixed(2) : Math.round(v)}×`;
      case 'daysSinceLastSeen':
        return v < 1 ? `${Math.round(v * 24)} h` : `${v.toFixed(1)} days`;
      case 'meanResponseMs':
        return `${fmt(v)} ms`;
      case 'mobileShare':
        return `${Math.round(v * 100)}%`;
    }
  };
  const label = {
    trend: 'Listening trend (7 days ÷ 28 before)',
    daysSinceLastSeen: 'Since last heard',
    meanResponseMs: 'Mean page response',
    mobileShare: 'Listening on mobile',
  }[s.name];
  const p = s.percentile;
  // "Riskier than most" only where the figure has a direction and sits in the base's outer fifth.
  const flag =
    p !== null && s.riskier !== null && (s.riskier === 'higher' ? p >= 80 : p <= 20) ? 'signal-flag' : '';
  return (
    <tr className={flag} data-signal={s.name}>
      <th scope="row">{label}</th>
      <td className="num">{shown(s.value)}</td>
      <td className="num">{shown(s.baseMedian)}</td>
      <td>
        {p === null ? (
          '—'
        ) : (
          <span className="percentile" title={`higher than ${Math.round(p)}% of customers`}>
            <span className="percentile-bar" style={{ width: `${Math.max(2, p)}%` }} />
            <span className="percentile-text">{Math.round(p)}th</span>
          </span>
        )}
      </td>
    </tr>
  );
}

/** Context beside the score, labelled as such: what the profile holds, against the base. */
function WhyAtRisk({ context }: { context: ChurnContext }) {
  const group = (title: string, g: ChurnContext['level']) => (
    <tr data-signal={title.toLowerCase()}>
      <th scope="row">
        {title}: {g.key}
      </th>
      <td className="num">{g.atRiskShare === null ? '—' : pct(g.atRiskShare)} at risk</td>
      <td className="num">{pct(context.base.atRiskShare)}</td>
      <td>{fmt(g.customers)} customers</td>
    </tr>
  );
  return (
    <div className="panel why" data-testid="why-at-risk">
      <h3>Signals beside the score</h3>
      <p className="why-note">
        Context from this customer's profile, compared with the base. Not the model's explanation: the model
        may weigh none of these.
      </p>
      <table className="signals">
        <thead>
          <tr>
            <th scope="col">Signal</th>
            <th scope="col" className="num">
              This customer
            </th>
            <th scope="col" className="num">
              Base median
            </th>
            <th scope="col">Place in the base</th>
          </tr>
        </thead>
        <tbody>
          {context.signals.map((s) => (
            <SignalRow key={s.name} s={s} />
          ))}
          {group('Level', context.level)}
          {group('Campaign', context.campaign)}
        </tbody>
      </table>
      <p className="why-foot">
        Base:{' '}
        {context.base.sampled === context.base.customers
          ? 'all'
          : `a sample of ${fmt(context.base.sampled)} of`}{' '}
        {fmt(context.base.customers)} customers, as of {when(context.asOf)}.
      </p>
    </div>
  );
}

export const CustomerView = forwardRef<
  HTMLInputElement,
  { theme: 'booth' | 'desk'; customerId: string | null; onSelectCustomer: (id: string) => void }
>(function CustomerView({ theme, customerId, onSelectCustomer }, searchRef) {
  const engine = useEngine();
  // The query typed since the customer on screen was opened: while there is one, that customer
  // is marked as the previous one, so nobody reads them out by mistake.
  const [typedSinceOpen, setTypedSinceOpen] = useState(false);
  const open = (id: string) => {
    setTypedSinceOpen(false);
    onSelectCustomer(id);
  };
  const search = useCustomerSearch(open);
  const results = search.answer;

  const polled = usePolling(
    () => (customerId ? engine.api.customer360({ customerId }) : Promise.resolve(null)),
    1000,
    `customer:${customerId}`,
  );
  const customer = polled.value;
  const previous = typedSinceOpen && search.query.trim() !== '';
  const options = useMemo(
    () =>
      customer && {
        clock: clockOption(customer, theme),
        churn: churnOption(customer, theme),
        trend: trendOption(customer, theme),
      },
    [customer, theme],
  );
  const fields = customer
    ? Object.keys(customer.crm).sort((a, b) => {
        const ia = FIELD_ORDER.indexOf(a);
        const ib = FIELD_ORDER.indexOf(b);
        return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
      })
    : [];
  const list = results?.results ?? [];
  const expanded = search.query.trim() !== '' && list.length > 0;

  return (
    <section className="view customer-view" aria-labelledby="customer-title">
      <h2 id="customer-title" className="view-title">
        Customer
      </h2>
      <div className="customer-layout">
        <div className="panel search-panel">
          <div className="search">
            <label htmlFor="customer-search">Find a customer</label>
            <input
              id="customer-search"
              ref={searchRef}
              type="search"
              role="combobox"
              aria-expanded={expanded}
              aria-controls={LISTBOX}
              aria-autocomplete="list"
              aria-activedescendant={expanded ? optionId(search.active) : undefined}
              value={search.query}
              onChange={(e) => {
                search.setQuery(e.target.value);
                setTypedSinceOpen(true);
              }}
              onKeyDown={search.onKeyDown}
              placeholder="name, email, phone, city…"
              autoComplete="off"
              spellCheck={false}
            />
            <kbd className="hint">Ctrl K</kbd>
          </div>
          {search.error && <CallError what="The search" error={search.error} onRetry={search.retry} />}
          {results && search.query.trim() !== '' && (
            <>
              <p className="result-count" aria-live="polite" aria-busy={search.waiting}>
                {results.more
                  ? `${fmt(results.total)}+ matches, best ${results.results.length} shown`
                  : `${fmt(results.total)} match${results.total === 1 ? '' : 'es'}`}
                {!results.more && results.total > results.results.length
                  ? `, first ${results.results.length} shown`
                  : ''}
                {list.length > 0 && ' · ↑↓ to choose, Enter to open, Esc to clear'}
              </p>
              {results.didYouMean && (
                <p className="did-you-mean">
                  Nothing matches exactly. Did you mean <q>{results.didYouMean}</q>? Closest matches:
                </p>
              )}
              <div className="results" id={LISTBOX} role="listbox" aria-label="Search results">
                {list.map((r, i) => (
                  // biome-ignore lint/a11y/useKeyWithClickEvents: the keys are the combobox's (focus stays in the box)
                  <div
                    key={r.customerId}
                    id={optionId(i)}
                    role="option"
                    tabIndex={-1}
                    aria-selected={i === search.active}
                    className={[
                      'result',
                      i === search.active ? 'active' : '',
                      r.customerId === customerId ? 'selected' : '',
                    ].join(' ')}
                    onClick={() => open(r.customerId)}
                    onMouseMove={() => search.active !== i && search.setActive(i)}
                  >
                    <span className="result-name">{r.name ?? `Customer ${r.customerId}`}</span>
                    <span className="result-meta">
                      #{r.customerId} · {r.email ?? r.phone ?? r.zip ?? ''}
                    </span>
                    <span className={r.churnLabel === 1 ? 'badge risk' : 'badge'}>{risk(r.churnRisk)}</span>
                  </div>
                ))}
              </div>
              {results.total > 0 && (
                <ExportButton
                  scope={{ kind: 'search', query: search.query }}
                  label="Export these customers"
                />
              )}
            </>
          )}
        </div>
        {!customer || !options ? (
          <div className="panel empty">
            {polled.error ? (
              <CallError what={`Customer ${customerId}`} error={polled.error} onRetry={polled.refresh} />
            ) : customerId ? (
              polled.settled ? (
                `No customer ${customerId} in the store.`
              ) : (
                'Loading…'
              )
            ) : (
              'Search, then choose a customer to see everything about them on one screen.'
            )}
          </div>
        ) : (
          <div
            className={previous ? 'customer-360 previous' : 'customer-360'}
            data-testid="customer-360"
            data-customer-id={customer.customerId}
            data-previous={previous}
          >
            {previous && (
              <p className="previous-banner" role="status" data-testid="previous-customer">
                Previous customer: {String(customer.crm.name ?? customer.customerId)}. Choose a result, or
                press Esc to come back.
              </p>
            )}
            {polled.error && (
              <CallError what="The latest figures" error={polled.error} onRetry={polled.refresh} />
            )}
            <div className="panel identity">
              <h3>{String(customer.crm.name ?? `Customer ${customer.customerId}`)}</h3>
              <dl>
                <dt>Customer id</dt>
                <dd data-field="customer_id">{customer.customerId}</dd>
                {fields.map((f) => (
                  <div key={f} className="field">
                    <dt>{fieldLabel(f)}</dt>
                    <dd data-field={f}>{fieldValue(f, customer.crm[f])}</dd>
                  </div>
                ))}
              </dl>
            </div>
            <div className="panel churn">
              <h3>Churn risk</h3>
              {customer.churn ? (
                <>
                  <EChart
                    option={options.churn}
                    height={170}
                    label={`Churn risk ${risk(customer.churn.risk)}`}
                  />
                  <p className="model">
                    {customer.churn.label === 1
                      ? 'At risk'
                      : customer.churn.label === 0
                        ? 'Not at risk'
                        : 'No label'}{' '}
                    · model {customer.churn.model ?? 'unknown'}
                    {customer.churn.at
                      ? ` · ${when(customer.churn.at)} (${ago(customer.churn.at, customer.context?.asOf)})`
                      : ''}
                  </p>
                  <EChart
                    option={options.trend}
                    height={120}
                    label={`Churn risk over time: ${customer.churn.history.length} predictions`}
                  />
                </>
              ) : (
                <p className="empty">No prediction yet.</p>
              )}
            </div>
            {customer.context && <WhyAtRisk context={customer.context} />}
            <div className="panel listening">
              <h3>Listening</h3>
              <dl className="figures">
                <div>
                  <dt>Listens</dt>
                  <dd data-field="listens">{fmt(customer.listening.listens)}</dd>
                </div>
                <div>
                  <dt>Unique tracks</dt>
                  <dd data-field="unique_tracks">{fmt(customer.listening.uniqueTracks)}</dd>
                </div>
                <div>
                  <dt>On mobile</dt>
                  <dd data-field="mobile">{fmt(customer.listening.mobile)}</dd>
                </div>
                {(['morning', 'afternoon', 'evening', 'night'] as const).map((b) => (
                  <div key={b}>
                    <dt>{fieldLabel(b)}</dt>
                    <dd data-field={b}>{fmt(customer.listening.buckets[b])}</dd>
                  </div>
                ))}
              </dl>
              <EChart option={options.clock} height={220} label="Listening clock: listens by hour of day" />
              <p className="seen">
                First seen {when(customer.listening.firstSeenAt)} · last seen{' '}
                {when(customer.listening.lastSeenAt)}
                {customer.listening.lastSeenAt &&
                  ` (${ago(customer.listening.lastSeenAt, customer.context?.asOf)})`}
              </p>
            </div>
            <div className="panel web">
              <h3>Web behaviour</h3>
              <dl className="figures">
                <div>
                  <dt>Clicks</dt>
                  <dd data-field="clicks">{fmt(customer.web.clicks)}</dd>
                </div>
                {customer.web.responseTimes && (
                  <>
                    <div>
                      <dt>Mean response</dt>
                      <dd>{fmt(customer.web.responseTimes.meanMs)} ms</dd>
                    </div>
                    <div>
                      <dt>Slowest</dt>
                      <dd>{fmt(customer.web.responseTimes.maxMs)} ms</dd>
                    </div>
                  </>
                )}
              </dl>
              <ul className="products" aria-label="Products browsed">
                {customer.web.products.map((p) => (
                  <li key={p.product}>
                    {p.product.replace(/_/g, ' ')} <span className="count">{p.clicks}</span>
                  </li>
                ))}
              </ul>
            </div>
            <div className="panel activity">
              <h3>Timeline</h3>
              <CustomerTimeline customerId={customer.customerId} />
            </div>
          </div>
        )}
      </div>
    </section>
  );
});
