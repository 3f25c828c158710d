import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { preloadBridge } from './api/engine-client';
import { useLiveState } from './api/use-engine';
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
const initialView = (VIEWS.find((v) => v.id === params.get('view'))?.id ?? 'flow') as ViewId;
/** Seconds per view in booth mode; `?cycle=` changes it (tests use a short one). */
const CYCLE_SECONDS = Math.max(2, Number(params.get('cycle') ?? 12) || 12);
/** The views a booth cycles through: the living ones, not the desk's search. */
const BOOTH_VIEWS: ViewId[] = ['flow', 'time', 'churn'];

export function App() {
  const live = useLiveState();
  const [view, setView] = useState<ViewId>(initialView);
  const [booth, setBooth] = useState(params.get('booth') === '1');
  const [customerId, setCustomerId] = useState<string | null>(params.get('customer'));
  const search = useRef<HTMLInputElement>(null);
  const theme = booth ? 'booth' : 'desk';

  const selectCustomer = useCallback((id: string) => {
    setCustomerId(id);
    setView('customer');
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
        leaveBooth();
        setView('customer');
        // After the view has rendered.
        setTimeout(() => search.current?.focus(), 0);
      } else if (e.key === 'Escape' && booth) {
        leaveBooth();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [booth, leaveBooth]);

  useEffect(() => {
    if (!booth) return;
    const timer = setInterval(() => {
      setView((current) => BOOTH_VIEWS[(BOOTH_VIEWS.indexOf(current) + 1) % BOOTH_VIEWS.length] as ViewId);
    }, CYCLE_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [booth]);

  // Layout effect: runs after the snapshot is in the DOM and before that frame is painted.
  useLayoutEffect(() => {
    if (live.snapshot)
      markFirstSnapshot({ customers: live.snapshot.customers, events: live.snapshot.events.total });
  }, [live.snapshot]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className={`app theme-${theme}`} data-view={view} data-booth={booth ? 'on' : 'off'}>
      <header className="top">
        <h1>
          <img src="./icon.svg" alt="" width={28} height={28} /> Customer 360
        </h1>
        {!booth && (
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
        )}
        {!booth && (
          <div className="actions">
            <ExportButton scope={{ kind: 'all' }} label="Export all profiles" />
            <button type="button" onClick={enterBooth}>
              Booth mode
            </button>
          </div>
        )}
        {booth && (
          <p className="booth-hint">
            Live from the {live.status?.source === 'kafka' ? 'Kafka clickstream' : 'demo stream'} · Esc to
            leave
          </p>
        )}
      </header>
      <main>
        {view === 'flow' && <FlowView snapshot={live.snapshot} theme={theme} />}
        {view === 'time' && <TimeOfDayView theme={theme} customerId={customerId} />}
        {view === 'churn' && <ChurnView theme={theme} booth={booth} onSelectCustomer={selectCustomer} />}
        {view === 'customer' && (
          <CustomerView ref={search} theme={theme} customerId={customerId} onSelectCustomer={setCustomerId} />
        )}
        {view === 'ops' && <OperationsView theme={theme} />}
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
