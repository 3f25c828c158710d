import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { BoothSettings } from '../../shared/settings';
import { preloadBridge } from './api/engine-client';
import { useEngine, useEngineEvent, useLiveState } from './api/use-engine';
import { BoothScreen } from './booth/BoothScreen';
import { boothConfig } from './booth/booth-config';
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

  // Layout effect: runs after the snapshot is in the DOM and before that frame is painted.
  useLayoutEffect(() => {
    if (live.snapshot)
      markFirstSnapshot({ customers: live.snapshot.customers, events: live.snapshot.events.total });
  }, [live.snapshot]);

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
    <div className="app theme-desk" data-view={view} data-booth="off">
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
