import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { BoothSettings } from '../../shared/settings';
import { preloadBridge } from './api/engine-client';
import { useEngine, useEngineEvent, useLiveState, useStaleSince } from './api/use-engine';
import { BoothScreen } from './booth/BoothScreen';
import { boothConfig } from './booth/booth-config';
import { loadBokeh } from './charts/bokeh';
import { ExportButton } from './components/ExportButton';
import { StatusBar } from './components/StatusBar';
import { markFirstSnapshot } from './first-frame-mark';
import { ChurnView } from './views/ChurnView';
import { CustomerView } from './views/CustomerView';
import { FlowView } from './views/FlowView';
import { OperationsView } from './views/OperationsView';
import { SettingsView } from './views/SettingsView';
import { TimeOfDayView } from './views/TimeOfDayView';

export const VIEWS = [
  { id: 'flow', label: 'Flow' },
  { id: 'time', label: 'Time of day' },
  { id: 'churn', label: 'Churn' },
  { id: 'customer', label: 'Customer' },
  { id: 'ops', label: 'Operations' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

const params = new URLSearchParams(location.search);

/** What the address says: the view and the customer, so Back works and a link can be shared. */
interface Place {
  view: ViewId;
  customerId: string | null;
}

function placeOf(search: string): Place {
  const p = new URLSearchParams(search);
  const view = (VIEWS.find((v) => v.id === p.get('view'))?.id ?? 'flow') as ViewId;
  const id = p.get('customer');
  return { view, customerId: id && id.length <= 200 ? id : null };
}

/** The address for a place, keeping the page's other parameters (a token, booth settings). */
function addressOf(place: Place): string {
  const p = new URLSearchParams(location.search);
  p.set('view', place.view);
  if (place.customerId) p.set('customer', place.customerId);
  else p.delete('customer');
  return `${location.pathname}?${p.toString()}${location.hash}`;
}

/** The booth settings as saved, kept current when they change (in this window or another). */
function useBoothSettings(connection: string): BoothSettings | null {
  const engine = useEngine();
  const pushed = useEngineEvent('settings', null);
  const [initial, setInitial] = useState<BoothSettings | null>(null);
  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    engine.api.getSettings({}).then(
      (s) => {
        if (live) setInitial(s.booth);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [engine, connection]);
  return pushed?.booth ?? initial;
}

export function App() {
  const live = useLiveState();
  const boothSettings = useBoothSettings(live.connection);
  const boothSetup = useMemo(() => boothConfig(boothSettings, location.search), [boothSettings]);
  const [place, setPlace] = useState<Place>(() => placeOf(location.search));
  const { view, customerId } = place;
  const [booth, setBooth] = useState(params.get('booth') === '1');
  const search = useRef<HTMLInputElement>(null);
  const theme = booth ? 'booth' : 'desk';
  const staleSince = useStaleSince(live.connection);

  /** Goes somewhere, as a new history entry (Back returns) unless it is where the page already is. */
  const placeNow = useRef(place);
  placeNow.current = place;
  const go = useCallback((next: Partial<Place>) => {
    const now = placeNow.current;
    const to = { ...now, ...next };
    if (to.view === now.view && to.customerId === now.customerId) return;
    history.pushState(null, '', addressOf(to));
    placeNow.current = to;
    setPlace(to);
  }, []);
  const setView = useCallback((v: ViewId) => go({ view: v }), [go]);
  const selectCustomer = useCallback((id: string) => go({ view: 'customer', customerId: id }), [go]);
  const setCustomerId = useCallback((id: string) => go({ customerId: id }), [go]);

  useEffect(() => {
    const onPop = () => setPlace(placeOf(location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  // On the desktop the window's kiosk mode is booth mode; in a browser, the Fullscreen API.
  const bridge = preloadBridge();
  const enterBooth = useCallback(() => {
    setBooth(true);
    if (bridge) bridge.requestShell('booth-on');
    else document.documentElement.requestFullscreen?.().catch(() => {});
  }, [bridge]);

  const leaveBooth = useCallback(() => {
    setBooth(false);
    if (bridge) bridge.requestShell('booth-off');
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  }, [bridge]);

  useEffect(
    () =>
      bridge?.onShell((command) => {
        if (command === 'booth-on' || command === 'booth-off') setBooth(command === 'booth-on');
      }),
    [bridge],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        // Rendered now, in this handler, so the box has focus before the next key is handled:
        // a key typed right after Ctrl+K must land in it, not on the page.
        flushSync(() => {
          leaveBooth();
          setView('customer');
        });
        search.current?.focus();
        search.current?.select();
      } else if (e.key === 'Escape' && booth) {
        leaveBooth();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [booth, leaveBooth, setView]);

  // Layout effect: runs after the snapshot is in the DOM and before that frame is painted.
  useLayoutEffect(() => {
    if (live.snapshot)
      markFirstSnapshot({ customers: live.snapshot.customers, events: live.snapshot.events.total });
  }, [live.snapshot]);

  // The charts library, fetched once the first frame is up and the page is idle: the Time of day
  // view then opens at once, and the first frame does not wait for 1.5 MB of script it does not show.
  const shown = live.snapshot !== null;
  useEffect(() => {
    if (!shown) return;
    const idle = requestIdleCallback(() => void loadBokeh().catch(() => {}), { timeout: 3000 });
    return () => cancelIdleCallback(idle);
  }, [shown]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  if (booth)
    return (
      <div className="app theme-booth" data-booth="on">
        <BoothScreen live={live} config={boothSetup} />
      </div>
    );

  return (
    <div className="app theme-desk" data-view={view} data-booth="off" data-stale={staleSince !== null}>
      <header className="top">
        <h1>
          <img src="./icon.svg" alt="" width={28} height={28} /> Customer 360
        </h1>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              type="button"
              className={v.id === view ? 'tab active' : 'tab'}
              aria-current={v.id === view ? 'page' : undefined}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <div className="actions">
          <ExportButton scope={{ kind: 'all' }} label="Export all profiles" />
          <button type="button" onClick={enterBooth}>
            Booth mode
          </button>
        </div>
      </header>
      {staleSince !== null && (
        <div className="stale-banner" role="status" data-testid="stale-banner">
          <strong>Not live.</strong> The connection to the engine was lost at{' '}
          {new Date(staleSince).toLocaleTimeString()}; every figure below is as of then. Reconnecting…
        </div>
      )}
      <main>
        {view === 'flow' && <FlowView snapshot={live.snapshot} theme="desk" />}
        {view === 'time' && <TimeOfDayView theme="desk" customerId={customerId} />}
        {view === 'churn' && <ChurnView theme="desk" booth={false} onSelectCustomer={selectCustomer} />}
        {view === 'customer' && (
          <CustomerView ref={search} theme="desk" customerId={customerId} onSelectCustomer={setCustomerId} />
        )}
        {view === 'ops' && <OperationsView theme="desk" />}
        {view === 'settings' && <SettingsView />}
      </main>
      <StatusBar
        live={live}
        onOpenQuarantine={() => {
          leaveBooth();
          setView('ops');
          setTimeout(() => document.getElementById('quarantine')?.scrollIntoView(), 0);
        }}
      />
    </div>
  );
}
