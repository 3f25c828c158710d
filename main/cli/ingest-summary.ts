import type { IngestSession } from '../engine/ingest/ingest-session.js';
import { describeOrigin } from '../engine/ingest/quarantine.js';
import { count, seconds } from './cli-output.js';

export interface SummaryContext {
  source: string;
  elapsedMs: number;
  storePath: string;
  quarantinePath: string;
}

/** The closing lines every ingest prints: what was counted, where the store is, what was quarantined. */
export function ingestSummary(session: IngestSession, ctx: SummaryContext): string[] {
  const c = session.counts;
  const q = session.state.quarantine;
  const lines = [
    `Ingested ${count(session.events, 'record')} from ${ctx.source} in ${seconds(ctx.elapsedMs)}: ${count(c.listens, 'listen')}, ${count(c.clicks, 'click')}, ${count(c.predictions, 'prediction')}, ${count(c.customers, 'customer record')}.`,
    `${count(session.state.profiles.size, 'customer')} in the store (${ctx.storePath}).`,
  ];
  const { upserts, removed } = session.profileCounts;
  if (upserts + removed > 0)
    lines.splice(
      1,
      0,
      `Profiles put in place: ${count(upserts, 'profile')}; removed: ${count(removed, 'customer')}.`,
    );
  if (c.quarantined === 0) {
    lines.push(
      q.total === 0
        ? 'No records quarantined.'
        : `No records quarantined in this run (${count(q.total, 'record')} in all; see ${ctx.quarantinePath}).`,
    );
  } else {
    const last = q.recent[q.recent.length - 1];
    const example = last ? ` e.g. ${describeOrigin(last.origin)}: ${last.reason}` : '';
    lines.push(
      `${count(c.quarantined, 'record')} quarantined (not counted;${example}); see ${ctx.quarantinePath}.`,
    );
  }
  return lines;
}
