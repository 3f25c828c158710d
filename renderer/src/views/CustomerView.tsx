import { forwardRef, useEffect, useMemo, useState } from 'react';
import type { Customer360, CustomerSummary } from '../../../shared/engine-api';
import { useEngine, usePolling } from '../api/use-engine';
import { EChart, type EChartsOption } from '../charts/EChart';
import { ExportButton } from '../components/ExportButton';
import { fmt, risk } from '../format';

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

function trendOption(c: Customer360, theme: 'booth' | 'desk'): EChartsOption {
  const points = (c.churn?.history ?? []).filter((h) => h.risk !== null);
  const text = theme === 'booth' ? '#dbe4f3' : '#1f2937';
  return {
    grid: { left: 36, right: 10, top: 10, bottom: 24 },
    xAxis: {
      type: 'category',
      data: points.map((p, i) => p.ts?.slice(0, 10) ?? String(i + 1)),
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
    series: [
      {
        type: 'line',
        data: points.map((p) => p.risk),
        name: 'risk',
        smooth: true,
        lineStyle: { color: '#f97316' },
        itemStyle: { color: '#f97316' },
      },
    ],
  };
}

const SearchBox = forwardRef<HTMLInputElement, { query: string; onQuery: (q: string) => void }>(
  function SearchBox({ query, onQuery }, ref) {
    return (
      <div className="search">
        <label htmlFor="customer-search">Find a customer</label>
        <input
          id="customer-search"
          ref={ref}
          type="search"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          placeholder="id, name, email, phone or zip"
          autoComplete="off"
          spellCheck={false}
        />
        <kbd className="hint">Ctrl K</kbd>
      </div>
    );
  },
);

export const CustomerView = forwardRef<
  HTMLInputElement,
  { theme: 'booth' | 'desk'; customerId: string | null; onSelectCustomer: (id: string) => void }
>(function CustomerView({ theme, customerId, onSelectCustomer }, searchRef) {
  const engine = useEngine();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{
    results: CustomerSummary[];
    total: number;
    didYouMean?: string;
  } | null>(null);

  useEffect(() => {
    if (query.trim() === '') {
      setResults(null);
      return;
    }
    let live = true;
    // Every keystroke asks; only the answer to the latest question is shown.
    engine.api
      .searchCustomers({ query, limit: 25 })
      .then((r) => {
        if (live) setResults(r);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [engine, query]);

  const polled = usePolling(
    () => (customerId ? engine.api.customer360({ customerId }) : Promise.resolve(null)),
    1000,
    `customer:${customerId}`,
  );
  const customer = polled.value;
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

  return (
    <section className="view customer-view" aria-labelledby="customer-title">
      <h2 id="customer-title" className="view-title">
        Customer
      </h2>
      <div className="customer-layout">
        <div className="panel search-panel">
          <SearchBox ref={searchRef} query={query} onQuery={setQuery} />
          {results && (
            <>
              <p className="result-count" aria-live="polite">
                {fmt(results.total)} match{results.total === 1 ? '' : 'es'}
                {results.total > results.results.length ? `, first ${results.results.length} shown` : ''}
              </p>
              {results.didYouMean && (
                <p className="did-you-mean">
                  Nothing matches exactly. Did you mean <q>{results.didYouMean}</q>? Closest matches:
                </p>
              )}
              <ul className="results" aria-label="Search results">
                {results.results.map((r) => (
                  <li key={r.customerId}>
                    <button
                      type="button"
                      className={r.customerId === customerId ? 'result selected' : 'result'}
                      onClick={() => onSelectCustomer(r.customerId)}
                      aria-pressed={r.customerId === customerId}
                    >
                      <span className="result-name">{r.name ?? `Customer ${r.customerId}`}</span>
                      <span className="result-meta">
                        #{r.customerId} · {r.email ?? r.phone ?? r.zip ?? ''}
                      </span>
                      <span className={r.churnLabel === 1 ? 'badge risk' : 'badge'}>{risk(r.churnRisk)}</span>
                    </button>
                  </li>
                ))}
              </ul>
              {results.total > 0 && (
                <ExportButton scope={{ kind: 'search', query }} label="Export these customers" />
              )}
            </>
          )}
        </div>
        {!customer || !options ? (
          <div className="panel empty">
            {polled.error
              ? `Customer ${customerId} could not be read: ${polled.error}`
              : customerId
                ? 'Loading…'
                : 'Search, then choose a customer to see everything about them on one screen.'}
          </div>
        ) : (
          <div className="customer-360" data-testid="customer-360" data-customer-id={customer.customerId}>
            <div className="panel identity">
              <h3>{String(customer.crm.name ?? `Customer ${customer.customerId}`)}</h3>
              <dl>
                <dt>Customer id</dt>
                <dd data-field="customer_id">{customer.customerId}</dd>
                {fields.map((f) => (
                  <div key={f} className="field">
                    <dt>{fieldLabel(f)}</dt>
                    <dd data-field={f}>{String(customer.crm[f])}</dd>
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
                    {customer.churn.ts ? ` · ${customer.churn.ts}` : ''}
                  </p>
                  <EChart option={options.trend} height={110} label="Churn risk over time" />
                </>
              ) : (
                <p className="empty">No prediction yet.</p>
              )}
            </div>
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
                First seen {customer.listening.firstSeen ?? '—'} · last seen{' '}
                {customer.listening.lastSeen ?? '—'}
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
              <h3>Recent activity</h3>
              <ol className="recent" aria-live="polite" data-testid="recent-activity">
                {customer.recent.length === 0 && <li className="empty">Nothing since the engine started.</li>}
                {customer.recent.map((a, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: activity carries no id; the list is replaced whole
                  <li key={i}>
                    <span className={`kind kind-${a.kind}`}>{a.kind}</span> <time>{a.ts}</time> {a.detail}
                  </li>
                ))}
              </ol>
            </div>
          </div>
        )}
      </div>
    </section>
  );
});
