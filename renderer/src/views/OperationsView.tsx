import { useMemo, useState } from 'react';
import type { KafkaOperations, QuarantineFilter } from '../../../shared/engine-api';
import type { QuarantinedRecord } from '../../../shared/events';
import { useEngine, usePolling } from '../api/use-engine';
import { EChart, type EChartsOption } from '../charts/EChart';
import { CallError } from '../components/CallError';
import { ExportButton } from '../components/ExportButton';
import { fmt } from '../format';

/**
 * Operations: for a Kafka connection, per topic and partition where the store is and how far
 * behind, lag and throughput over the last hour, the consumer group and its members, and the
 * connection's history; for every connection, the quarantine as a browser.
 */

function where(r: QuarantinedRecord): string {
  const o = r.origin;
  if ('file' in o) return `${o.file}:${o.line}`;
  if ('topic' in o) return `${o.topic} [${o.partition}] @${o.offset}`;
  return `demo #${o.seq}`;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString();

function lagOption(ops: KafkaOperations, theme: 'booth' | 'desk'): EChartsOption {
  const text = theme === 'booth' ? '#dbe4f3' : '#1f2937';
  return {
    grid: { left: 60, right: 60, top: 30, bottom: 30 },
    tooltip: { trigger: 'axis' },
    legend: { textStyle: { color: text }, top: 0 },
    xAxis: { type: 'category', data: ops.samples.map((s) => time(s.at)), axisLabel: { color: text } },
    yAxis: [
      { type: 'value', name: 'lag', axisLabel: { color: text }, nameTextStyle: { color: text } },
      {
        type: 'value',
        name: 'msg/s',
        axisLabel: { color: text },
        nameTextStyle: { color: text },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'line',
        name: 'lag (messages)',
        data: ops.samples.map((s) => s.lag),
        showSymbol: false,
        itemStyle: { color: '#c2410c' },
      },
      {
        type: 'line',
        name: 'read (messages/s)',
        yAxisIndex: 1,
        data: ops.samples.map((s) => s.perSecond),
        showSymbol: false,
        itemStyle: { color: '#1d4ed8' },
      },
    ],
  };
}

export function OperationsView({ theme }: { theme: 'booth' | 'desk' }) {
  const engine = useEngine();
  const ops = usePolling(() => engine.api.kafkaOperations({}), 2000, 'ops');
  const option = useMemo(() => (ops.value?.kafka ? lagOption(ops.value, theme) : null), [ops.value, theme]);
  return (
    <section className="view ops-view" aria-labelledby="ops-title">
      <h2 id="ops-title" className="view-title">
        Operations
      </h2>
      {ops.value && !ops.value.kafka && (
        <p className="lede">
          The connection in use is not Kafka: offsets, lag and the consumer group appear when a Kafka
          connection is in use (Settings).
        </p>
      )}
      {ops.error && <CallError what="Operations" error={ops.error} onRetry={ops.refresh} />}
      {ops.value?.kafka && option && (
        <div className="grid ops-grid">
          <figure className="panel wide">
            <figcaption>Lag and throughput, last hour (a point every 10 s)</figcaption>
            {ops.value.samples.length < 2 ? (
              <p className="empty">The first points come 10 s after connecting.</p>
            ) : (
              <EChart
                option={option}
                height={240}
                label="Lag and messages read per second over the last hour"
              />
            )}
          </figure>
          <div className="panel">
            <h3>Partitions</h3>
            <table>
              <thead>
                <tr>
                  <th scope="col">Topic</th>
                  <th scope="col">Partition</th>
                  <th scope="col">Next offset</th>
                  <th scope="col">End offset</th>
                  <th scope="col">Lag</th>
                </tr>
              </thead>
              <tbody>
                {ops.value.partitions.map((p) => (
                  <tr key={`${p.topic}:${p.partition}`}>
                    <td>{p.topic}</td>
                    <td>{p.partition}</td>
                    <td>{p.next ?? '—'}</td>
                    <td>{p.end ?? '—'}</td>
                    <td>{p.lag === null ? '—' : fmt(p.lag)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="panel">
            <h3>Consumer group</h3>
            {ops.value.group && (
              <>
                <p>
                  <code>{ops.value.group.id}</code> {ops.value.group.state && <>· {ops.value.group.state}</>}
                </p>
                {ops.value.group.problem && (
                  <p className="error">Members could not be read: {ops.value.group.problem}</p>
                )}
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Member</th>
                      <th scope="col">Host</th>
                      <th scope="col">Partitions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ops.value.group.members.map((m) => (
                      <tr key={`${m.clientId}${m.host}`}>
                        <td>{m.clientId}</td>
                        <td>{m.host}</td>
                        <td>{m.partitions.join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
            <h3>Connection history</h3>
            <ol className="history">
              {ops.value.history.map((h) => (
                <li key={`${h.at}${h.state}${h.attempt}`}>
                  <time>{time(h.at)}</time> <span className={`state state-${h.state}`}>{h.state}</span>
                  {h.attempt > 0 && <> (attempt {h.attempt})</>}
                  {h.detail && <>: {h.detail}</>}
                </li>
              ))}
            </ol>
          </div>
        </div>
      )}
      <QuarantineBrowser />
    </section>
  );
}

function QuarantineBrowser() {
  const engine = useEngine();
  const [filter, setFilter] = useState<QuarantineFilter>({});
  const key = JSON.stringify(filter);
  const q = usePolling(() => engine.api.quarantine({ limit: 200, ...filter }), 3000, `q:${key}`);
  const value = q.value;
  return (
    <section className="panel quarantine-browser" id="quarantine" aria-labelledby="quarantine-title">
      <h3 id="quarantine-title">Quarantined records</h3>
      <p className="lede">
        Records that could not be read: not counted, kept with where they came from and why.
      </p>
      <div className="filters">
        <label>
          Reason{' '}
          <select
            value={filter.reason ?? ''}
            onChange={(e) => setFilter((f) => ({ ...f, reason: e.target.value || undefined }))}
          >
            <option value="">any</option>
            {value?.summary.byReason.map((r) => (
              <option key={r.reason} value={r.reason}>
                {r.reason} ({fmt(r.count)})
              </option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <select
            value={filter.origin ?? ''}
            onChange={(e) =>
              setFilter((f) => ({
                ...f,
                origin: (e.target.value || undefined) as QuarantineFilter['origin'],
              }))
            }
          >
            <option value="">anywhere</option>
            <option value="file">files</option>
            <option value="topic">Kafka topics</option>
            <option value="demo">the demo stream</option>
          </select>
        </label>
        <label>
          Containing{' '}
          <input
            type="search"
            value={filter.text ?? ''}
            onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value || undefined }))}
          />
        </label>
        <ExportButton scope={{ kind: 'quarantine', format: 'csv', ...filter }} label="Export as CSV" />
        <ExportButton
          scope={{ kind: 'quarantine', format: 'jsonl', ...filter }}
          label="Export as JSON lines"
        />
      </div>
      {q.error && <CallError what="The quarantine" error={q.error} onRetry={q.refresh} />}
      {value && (
        <>
          <p className="result-count" data-testid="quarantine-matching">
            {fmt(value.matching)} matching of {fmt(value.summary.total)} quarantined
            {value.matching > value.records.length ? `; the latest ${value.records.length} shown` : ''}
          </p>
          <table className="quarantine-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Where</th>
                <th scope="col">Reason</th>
                <th scope="col">Record</th>
              </tr>
            </thead>
            <tbody>
              {value.records.map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one origin can hold several rejected records
                <tr key={i}>
                  <td>{time(r.at)}</td>
                  <td>
                    {where(r)}
                    {r.deadLetter && (
                      <div className="dead-letter">
                        → {r.deadLetter.topic} [{r.deadLetter.partition}] @{r.deadLetter.offset}
                      </div>
                    )}
                  </td>
                  <td>{r.reason}</td>
                  <td>
                    <details>
                      <summary>{r.raw.length > 60 ? `${r.raw.slice(0, 60)}…` : r.raw || '(empty)'}</summary>
                      <code>{r.raw}</code>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
