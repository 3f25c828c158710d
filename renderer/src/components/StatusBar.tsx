import { useRef, useState } from 'react';
import type { QuarantinedRecord } from '../../../shared/events';
import type { LiveState } from '../api/use-engine';
import { useEngine } from '../api/use-engine';
import { fmt } from '../format';

function where(r: QuarantinedRecord): string {
  const o = r.origin;
  if ('file' in o) return `${o.file}:${o.line}`;
  if ('topic' in o) return `${o.topic} [${o.partition}] @${o.offset}`;
  return `demo #${o.seq}`;
}

/** Source, connection, lag, rate and quarantined records; the count opens the list with reasons. */
export function StatusBar({ live }: { live: LiveState }) {
  const engine = useEngine();
  const dialog = useRef<HTMLDialogElement>(null);
  const [records, setRecords] = useState<QuarantinedRecord[]>([]);
  const { status, snapshot, quarantine, connection } = live;

  const openQuarantine = async () => {
    dialog.current?.showModal();
    const q = await engine.api.quarantine({ limit: 200 }).catch(() => null);
    setRecords(q?.records ?? []);
  };

  const link =
    connection === 'open'
      ? (status?.state ?? 'connecting')
      : connection === 'reconnecting'
        ? 'dashboard reconnecting'
        : 'connecting';
  const retry = status?.nextRetryAt ? `, next try ${new Date(status.nextRetryAt).toLocaleTimeString()}` : '';
  return (
    <footer className="status-bar">
      <span data-testid="status-source">
        Source: <strong>{status?.source === 'kafka' ? `Kafka ${status.target}` : 'demo stream'}</strong>
      </span>
      <span
        data-testid="status-connection"
        className={`state state-${connection === 'open' ? (status?.state ?? 'connecting') : 'reconnecting'}`}
      >
        {link}
        {status?.detail && status.state !== 'connected' ? `: ${status.detail}${retry}` : ''}
      </span>
      {status?.lag !== null && status?.lag !== undefined && <span>Lag: {fmt(status.lag)}</span>}
      <span>{fmt(snapshot?.events.perSecond ?? 0)} events/s</span>
      <button
        type="button"
        className="link quarantine-button"
        onClick={openQuarantine}
        data-testid="quarantine-count"
      >
        {fmt(quarantine?.total ?? 0)} quarantined
      </button>
      <dialog ref={dialog} className="quarantine-dialog" aria-labelledby="quarantine-title">
        <h2 id="quarantine-title">Quarantined records</h2>
        <p>Records that could not be read: not counted, kept with where they came from and why.</p>
        {quarantine && quarantine.byReason.length > 0 && (
          <ul className="reasons">
            {quarantine.byReason.map((r) => (
              <li key={r.reason}>
                {r.reason} <span className="count">{fmt(r.count)}</span>
              </li>
            ))}
          </ul>
        )}
        <table>
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Reason</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one origin can hold several rejected records
              <tr key={i}>
                <td>{where(r)}</td>
                <td>{r.reason}</td>
                <td>
                  <code>{r.raw}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </footer>
  );
}
