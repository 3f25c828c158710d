import { useEffect, useMemo, useRef, useState } from 'react';
import {
  TIMELINE_KINDS,
  type TimelineEvent,
  type TimelineKind,
  type CustomerTimeline as TimelinePage,
} from '../../../shared/engine-api';
import type { CrmValue } from '../../../shared/events';
import { useEngine, usePolling } from '../api/use-engine';
import { fmt, risk } from '../format';
import './CustomerTimeline.css';

/**
 * One customer's timeline: every event the engine stored for them (listens, clicks, predictions,
 * CRM changes), newest first, filtered by kind and by a range of dates, a page at a time. The
 * newest page is asked again every few seconds, so new events appear at the top; older pages are
 * added below on request. Times are shown in one local format, with how long ago beside them.
 */

const PAGE = 25;
const REFRESH_MS = 2000;

const KIND_LABELS: Record<TimelineKind, string> = {
  listen: 'Listens',
  click: 'Clicks',
  prediction: 'Predictions',
  crm: 'CRM changes',
};

/** The one way a time is written here: the viewer's locale and zone, to the second. */
const LOCAL_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 min ago", "yesterday", "in 2 hours": `at` against `now` (both epoch ms). */
export function relativeTime(at: number, now: number): string {
  let value = (at - now) / 1000;
  for (const [unit, per] of STEPS) {
    if (Math.abs(value) < per) return RELATIVE.format(Math.round(value), unit);
    value /= per;
  }
  return RELATIVE.format(Math.round(value), 'year');
}

/** Newest first, as the engine orders them: by instant, then batch, then place in the batch. */
function compareIds(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
}

const shortValue = (v: CrmValue | null): string => {
  if (v === null) return '(none)';
  const text = String(v);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

const label = (field: string) => field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function EventDetail({ event }: { event: TimelineEvent }) {
  switch (event.kind) {
    case 'listen':
      return (
        <span>
          Listened to track <strong>{event.trackId}</strong>
          {event.mobile ? ' on mobile' : ' on desktop'}
          {event.zip ? `, zip ${event.zip}` : ''}
        </span>
      );
    case 'click':
      return (
        <span>
          {event.product ? (
            <>
              Viewed <strong>{event.product.replace(/_/g, ' ')}</strong>
            </>
          ) : (
            'Opened a web page'
          )}
          {event.responseTimeMs !== null ? `, answered in ${fmt(event.responseTimeMs)} ms` : ''}
          {event.browser || event.os ? ` (${[event.browser, event.os].filter(Boolean).join(', ')})` : ''}
          {event.url && (
            <span className="timeline-url" title={event.url}>
              {' '}
              {event.url.length > 80 ? `${event.url.slice(0, 79)}…` : event.url}
            </span>
          )}
        </span>
      );
    case 'prediction':
      return (
        <span>
          {event.churnRisk !== null ? (
            <>
              Churn risk <strong>{risk(event.churnRisk)}</strong>
            </>
          ) : (
            <>
              Churn label <strong>{event.label ?? '—'}</strong> (no score)
            </>
          )}{' '}
          from model <strong>{event.model ?? 'unnamed'}</strong>
        </span>
      );
    case 'crm': {
      const changes = (
        <ul className="timeline-changes">
          {event.changes.map((c) => (
            <li key={c.field}>
              {label(c.field)}:{' '}
              {c.from === null ? (
                <>
                  set to <strong>{shortValue(c.to)}</strong>
                </>
              ) : (
                <>
                  <s>{shortValue(c.from)}</s> → <strong>{shortValue(c.to)}</strong>
                </>
              )}
            </li>
          ))}
        </ul>
      );
      const count = event.changes.length === 1 ? '1 field' : `${event.changes.length} fields`;
      // A whole record (a new customer's) is folded; a change of a few fields is shown as it is.
      return event.changes.length > 4 ? (
        <details>
          <summary>CRM record changed {count}</summary>
          {changes}
        </details>
      ) : (
        <span>
          CRM record changed {count}
          {changes}
        </span>
      );
    }
  }
}

/** A local date (`yyyy-mm-dd` from a date input) as an instant: its first or its last millisecond. */
function dayBound(date: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/**
 * "Now" for relative times: the stream's clock (the demo's simulated time) from the pushed
 * snapshots, else the wall clock; re-read every 10 s, not with every snapshot (ten a second), so a
 * long timeline is not drawn again for nothing; and at once when the clock jumps (the first
 * snapshots of a reopened store carry its latest event's time until the demo's clock starts).
 */
const JUMP_MS = 60_000;

function useStreamNow(): number {
  const engine = useEngine();
  const clock = useRef<{ stream: number; at: number; speed: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // The stream's clock runs `speed` times the wall clock (the demo's simulated time).
    const read = () => {
      const c = clock.current;
      return c ? c.stream + (Date.now() - c.at) * c.speed : Date.now();
    };
    const off = engine.on('snapshot', (s) => {
      if (!s.clock.now) return;
      const stream = Date.parse(s.clock.now);
      const jumped = clock.current === null || Math.abs(stream - read()) > JUMP_MS;
      clock.current = { stream, at: Date.now(), speed: s.clock.speed };
      if (jumped) setNow(read());
    });
    const timer = setInterval(() => setNow(read()), 10_000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [engine]);
  return now;
}

export function CustomerTimeline({ customerId }: { customerId: string }) {
  const engine = useEngine();
  const now = useStreamNow();
  const [kinds, setKinds] = useState<TimelineKind[]>([...TIMELINE_KINDS]);
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const from = dayBound(fromDate, false);
  const to = dayBound(toDate, true);
  const query = useMemo(
    () => ({
      customerId,
      kinds: kinds.length === TIMELINE_KINDS.length ? undefined : kinds,
      from,
      to,
    }),
    [customerId, kinds, from, to],
  );
  const key = JSON.stringify(query);
  // Each answer carries the question it answers: right after a filter changes, the poll still
  // holds the previous question's answer, which must not be shown under the new one.
  const polled = usePolling(
    () =>
      (kinds.length === 0
        ? Promise.resolve<TimelinePage>({ events: [], nextBefore: null })
        : engine.api.customerTimeline({ ...query, limit: PAGE })
      ).then((page) => ({ key, page })),
    REFRESH_MS,
    `timeline:${key}`,
  );
  const newest = polled.value?.key === key ? polled.value.page : null;

  // Everything shown for this question: the newest page as polled, and older pages as loaded.
  const [shown, setShown] = useState<{ key: string; events: Map<string, TimelineEvent> }>({
    key,
    events: new Map(),
  });
  const [older, setOlder] = useState<{ key: string; nextBefore: string | null; loaded: boolean }>({
    key,
    nextBefore: null,
    loaded: false,
  });
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);

  useEffect(() => {
    const page = newest;
    setShown((s) => {
      const events = s.key === key ? new Map(s.events) : new Map<string, TimelineEvent>();
      for (const e of page?.events ?? []) events.set(e.id, e);
      return { key, events };
    });
  }, [newest, key]);

  const list = shown.key === key ? [...shown.events.values()].sort((a, b) => compareIds(a.id, b.id)) : [];
  const olderCursor = older.key === key && older.loaded ? older.nextBefore : (newest?.nextBefore ?? null);
  const last = list[list.length - 1];

  const loadOlder = () => {
    if (!last) return;
    setLoadingOlder(true);
    setOlderError(null);
    engine.api
      .customerTimeline({ ...query, before: last.id, limit: PAGE })
      .then((page) => {
        setShown((s) => {
          if (s.key !== key) return s;
          const events = new Map(s.events);
          for (const e of page.events) events.set(e.id, e);
          return { key, events };
        });
        setOlder({ key, nextBefore: page.nextBefore, loaded: true });
      })
      .catch((e: Error) => setOlderError(e.message))
      .finally(() => setLoadingOlder(false));
  };

  const toggle = (kind: TimelineKind) =>
    setKinds((k) =>
      k.includes(kind)
        ? k.filter((x) => x !== kind)
        : TIMELINE_KINDS.filter((x) => x === kind || k.includes(x)),
    );

  const filtered = kinds.length < TIMELINE_KINDS.length || from !== undefined || to !== undefined;

  return (
    <div className="customer-timeline" data-testid="customer-timeline">
      <div className="timeline-filters">
        {/* biome-ignore lint/a11y/useSemanticElements: a labelled group of toggle buttons, not a form fieldset */}
        <div className="window-picker" role="group" aria-label="Kinds of event">
          {TIMELINE_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              aria-pressed={kinds.includes(kind)}
              className={kinds.includes(kind) ? 'active' : undefined}
              onClick={() => toggle(kind)}
            >
              {KIND_LABELS[kind]}
            </button>
          ))}
        </div>
        <label>
          From{' '}
          <input
            type="date"
            value={fromDate}
            max={toDate || undefined}
            onChange={(e) => setFromDate(e.target.value)}
          />
        </label>
        <label>
          To{' '}
          <input
            type="date"
            value={toDate}
            min={fromDate || undefined}
            onChange={(e) => setToDate(e.target.value)}
          />
        </label>
        {(fromDate || toDate) && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setFromDate('');
              setToDate('');
            }}
          >
            All dates
          </button>
        )}
      </div>
      {polled.error && (
        <p className="error" role="alert">
          Could not load the timeline: {polled.error}{' '}
          <button type="button" onClick={polled.refresh}>
            Retry
          </button>
        </p>
      )}
      {kinds.length === 0 ? (
        <p className="empty">Choose at least one kind of event.</p>
      ) : newest === null && !polled.error ? (
        <p className="empty">Loading…</p>
      ) : list.length === 0 && !polled.error ? (
        <p className="empty">
          {filtered ? 'No events match these filters.' : 'No events stored for this customer yet.'}
        </p>
      ) : null}
      <ol className="timeline" aria-label="Events, newest first">
        {list.map((e) => {
          const at = Date.parse(e.at);
          return (
            <li key={e.id} className={`timeline-${e.kind}`}>
              <span className={`kind-dot kind-${e.kind}`} aria-hidden="true" />
              <span className="kind">{KIND_LABELS[e.kind].replace(/s$/, '')}</span>{' '}
              <time dateTime={e.at} title={e.at}>
                {LOCAL_TIME.format(at)}
              </time>{' '}
              <span className="ago">{relativeTime(at, now)}</span>
              <div className="timeline-detail">
                <EventDetail event={e} />
              </div>
            </li>
          );
        })}
      </ol>
      {olderError && (
        <p className="error" role="alert">
          Could not load older events: {olderError}{' '}
          <button type="button" onClick={loadOlder}>
            Retry
          </button>
        </p>
      )}
      {olderCursor !== null && list.length > 0 && (
        <button type="button" className="timeline-older" onClick={loadOlder} disabled={loadingOlder}>
          {loadingOlder ? 'Loading…' : 'Older events'}
        </button>
      )}
    </div>
  );
}
