import type { LiveState } from '../api/use-engine';
import { fmt } from '../format';

/** Source, connection, lag, rate and quarantined records; the count opens the quarantine browser. */
export function StatusBar({ live, onOpenQuarantine }: { live: LiveState; onOpenQuarantine: () => void }) {
  const { status, snapshot, quarantine, connection } = live;

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
        Source:{' '}
        <strong>
          {status?.source === 'kafka'
            ? `Kafka ${status.target}`
            : status?.source === 'profiles'
              ? `Kafka Streams profiles ${status.target}`
              : 'demo stream'}
        </strong>
      </span>
      <span
        data-testid="status-connection"
        className={`state state-${connection === 'open' ? (status?.state ?? 'connecting') : 'reconnecting'}`}
      >
        {link}
        {status?.detail && status.state !== 'connected' ? `: ${status.detail}${retry}` : ''}
      </span>
      {status?.lag !== null && status?.lag !== undefined && <span>Lag: {fmt(status.lag)}</span>}
      <span data-testid="status-rate">
        {connection !== 'open'
          ? 'events/s unknown (not live)'
          : snapshot
            ? `${fmt(snapshot.events.perSecond)} events/s`
            : 'events/s —'}
      </span>
      <button
        type="button"
        className="link quarantine-button"
        onClick={onOpenQuarantine}
        data-testid="quarantine-count"
      >
        {fmt(quarantine?.total ?? 0)} quarantined
      </button>
    </footer>
  );
}
