import { type Dict, own } from '../../../shared/dict.js';
import type { ClickEvent, CrmValue } from '../../../shared/events.js';
import type { TimelineItem } from './timeline-codec.js';

/** Timeline items from decoded events (see timeline-codec.ts for the shapes). */

/** A listen's item, from its parts (runs of listens have no event object). */
export function listenItem(
  epochMs: number,
  trackId: string,
  mobile: boolean,
  zip: string | null,
): TimelineItem {
  return [0, epochMs, trackId, mobile ? 1 : 0, zip];
}

export function clickItem(event: ClickEvent): TimelineItem {
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
