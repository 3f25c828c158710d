import { useEffect, useState } from 'react';
import type { DashboardSnapshot, StreamClock } from '../../../shared/engine-api';
import { DAYS_OF_WEEK } from '../../../shared/time-of-day';
import type { LiveState } from '../api/use-engine';
import { ChurnView } from '../views/ChurnView';
import { FlowView } from '../views/FlowView';
import { TimeOfDayView } from '../views/TimeOfDayView';
import type { BoothConfig } from './booth-config';
import { QrCode } from './QrCode';

/**
 * The booth screen: a header with the title, a LIVE mark and the stream's clock (labelled as
 * simulated on the demo), the chosen views taking turns with a crossfade, and a footer with the
 * view dots and the latest events. Every view stays mounted, so a turn makes nothing new; only the
 * view on screen polls and animates. Identities are masked as `masks` says (always for a live
 * cluster; see the engine's rule, which the calls it makes follow too).
 */

const LABELS = { flow: 'Live flow', time: 'Time of day', churn: 'Churn risk' } as const;
type BoothView = keyof typeof LABELS;

export function BoothScreen({ live, config }: { live: LiveState; config: BoothConfig }) {
  const views = config.views as BoothView[];
  const [turn, setTurn] = useState(0);
  const current = views[turn % views.length] as BoothView;
  useEffect(() => {
    const timer = setInterval(() => setTurn((t) => t + 1), config.dwellSeconds * 1000);
    return () => clearInterval(timer);
  }, [config.dwellSeconds]);
  const snapshot = live.snapshot;
  // The engine masks what it is asked for; the pushed snapshot's own labels are masked ones.
  const masks = snapshot?.source !== 'demo' || config.mask;
  return (
    <div className="booth-screen" data-booth-view={current} data-testid="booth-screen">
      <header className="booth-header">
        <div className="booth-brand">
          <img src="./icon.svg" alt="" width={44} height={44} />
          <div>
            <h1 data-testid="booth-title">{config.title || 'Customer 360'}</h1>
            <p className="booth-sub">Every listen and click, into a live profile of each customer</p>
          </div>
        </div>
        <LiveMark live={live} />
        <Clock clock={snapshot?.clock ?? null} />
        {config.qrUrl && (
          <div className="booth-qr">
            <QrCode url={config.qrUrl} size={84} />
          </div>
        )}
      </header>
      <div className="booth-stage">
        {views.map((v) => (
          <div key={v} className={`booth-slide${v === current ? ' on' : ''}`} aria-hidden={v !== current}>
            {v === 'flow' && (
              <FlowView snapshot={snapshot} theme="booth" booth masks={masks} active={v === current} />
            )}
            {v === 'time' && <TimeOfDayView theme="booth" customerId={null} booth active={v === current} />}
            {v === 'churn' && (
              <ChurnView
                theme="booth"
                booth
                active={v === current}
                maskWish={config.maskWish}
                onSelectCustomer={() => {}}
              />
            )}
          </div>
        ))}
      </div>
      <footer className="booth-footer">
        <ol className="booth-dots" aria-label="Views">
          {views.map((v) => (
            <li
              key={v}
              className={v === current ? 'on' : undefined}
              aria-current={v === current ? 'true' : undefined}
            >
              <span className="dot-label">{LABELS[v]}</span>
              {v === current && (
                <span
                  key={turn}
                  className="dot-progress"
                  style={{ animationDuration: `${config.dwellSeconds}s` }}
                />
              )}
            </li>
          ))}
        </ol>
        <Ticker latest={snapshot?.latest ?? []} masks={masks} />
        <span className="booth-leave">Esc to leave</span>
      </footer>
    </div>
  );
}

function LiveMark({ live }: { live: LiveState }) {
  const state = live.connection !== 'open' ? 'reconnecting' : (live.status?.state ?? 'connecting');
  const ok = state === 'connected' || state === 'caught-up';
  const from = live.status?.source === 'kafka' ? 'Kafka clickstream' : 'demo stream';
  return (
    <div className={`booth-live${ok ? '' : ' down'}`} data-testid="booth-live">
      <span className="live-dot" aria-hidden="true" />
      <strong>{ok ? 'LIVE' : state.toUpperCase()}</strong>
      <span>from the {from}</span>
    </div>
  );
}

/** The stream's time as the events have it (their own wall clock), and on the demo how fast it runs. */
function Clock({ clock }: { clock: StreamClock | null }) {
  if (!clock?.now) return <div className="booth-clock" />;
  const t = new Date(clock.now);
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  const day = DAYS_OF_WEEK[(t.getUTCDay() + 6) % 7];
  return (
    <div className="booth-clock" data-testid="booth-clock">
      <strong>
        {day} {hh}:{mm}
      </strong>
      <span>{clock.simulated ? `demo time, simulated ×${clock.speed}` : 'stream time'}</span>
    </div>
  );
}

/** The latest events, by masked label on a public screen. */
function Ticker({ latest, masks }: { latest: DashboardSnapshot['latest']; masks: boolean }) {
  return (
    <ol className="booth-ticker" aria-label="Latest events" data-testid="booth-ticker">
      {latest
        .slice(-4)
        .reverse()
        .map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: events carry no id; the list is replaced whole
          <li key={i}>
            <span className={`kind-dot kind-${e.kind}`} aria-hidden="true" />
            <strong>{masks ? e.label : e.customerId}</strong> {masks ? e.boothDetail : e.detail}
          </li>
        ))}
    </ol>
  );
}
