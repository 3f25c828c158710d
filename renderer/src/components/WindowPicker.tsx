import { WINDOW_NAMES, type WindowName } from '../../../shared/engine-api';

/** What each window is called on screen. */
export const WINDOW_LABELS: Record<WindowName, string> = {
  '15m': 'last 15 min',
  '1h': 'last hour',
  '24h': 'last 24 h',
  '7d': 'last 7 days',
  all: 'all time',
};

const SHORT: Record<WindowName, string> = {
  '15m': '15 min',
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 days',
  all: 'All',
};

/** A row of toggle buttons choosing the window of the stream's time a view shows. */
export function WindowPicker({
  value,
  onChange,
  label = 'Window',
}: {
  value: WindowName;
  onChange: (w: WindowName) => void;
  label?: string;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled group of toggle buttons, not a form fieldset
    <div className="window-picker" role="group" aria-label={label}>
      {WINDOW_NAMES.map((w) => (
        <button
          key={w}
          type="button"
          aria-pressed={w === value}
          className={w === value ? 'active' : undefined}
          onClick={() => onChange(w)}
        >
          {SHORT[w]}
        </button>
      ))}
    </div>
  );
}

/** "of demo time" when the clock is the demo's simulated one, so nobody mistakes it for real hours. */
export function clockNote(clock: { simulated: boolean } | null | undefined): string {
  return clock?.simulated ? ' of demo time' : '';
}
