import { type Dict, own } from '../../../shared/dict.js';
import type { ClickEvent, CrmValue, ListenEvent } from '../../../shared/events.js';
import type { TimelineItem } from './timeline-codec.js';

/** Timeline items from decoded events (see timeline-codec.ts for the shapes). */

export function timelineItem(event: ListenEvent | ClickEvent): TimelineItem {
  if (event.kind === 'listen') return [0, event.at.epochMs, event.trackId, event.mobile ? 1 : 0, event.zip];
  return [1, event.at.epochMs, event.product, event.url, event.os, event.browser, event.responseTimeMs];
}

/**
 * What a CRM record changes against the fields the customer had: `[field, from | null, to, …]`,
 * fields in the record's order; null when it changes nothing (a record sent again).
 */
export function crmChanges(
  before: Dict<CrmValue> | null | undefined,
  fields: Dict<CrmValue>,
): Array<string | CrmValue | null> | null {
  const flat: Array<string | CrmValue | null> = [];
  for (const field of Object.keys(fields)) {
    const to = fields[field] as CrmValue;
    const from = own(before, field);
    if (from === to) continue;
    flat.push(field, from ?? null, to);
  }
  return flat.length > 0 ? flat : null;
}
