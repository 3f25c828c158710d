import type { C360Event } from '../../../shared/events.js';

/**
 * Events in the wire formats of DESIGN §3, for publishing: whatever format a record came in,
 * it goes to Kafka as the current JSON shape of its kind, keyed by customer id.
 */

export type TopicKind = 'clickstream' | 'predictions' | 'customers';

export function topicKindOf(event: C360Event): TopicKind {
  if (event.kind === 'listen' || event.kind === 'click') return 'clickstream';
  return event.kind === 'prediction' ? 'predictions' : 'customers';
}

export function encodeEvent(event: C360Event): object {
  switch (event.kind) {
    case 'listen':
      return {
        type: 'listen',
        eventId: event.eventId,
        customerId: event.customerId,
        trackId: event.trackId,
        ts: event.at.text,
        mobile: event.mobile,
        zip: event.zip,
      };
    case 'click':
      return {
        type: 'click',
        customerId: event.customerId,
        ts: event.at.text,
        os: event.os,
        browser: event.browser,
        responseTimeMs: event.responseTimeMs,
        product: event.product,
        url: event.url,
      };
    case 'prediction':
      // A label-only prediction has no score to put in `churnRisk`; the label shape carries it.
      return event.churnRisk === null
        ? { user_id: event.customerId, prediction: event.label, model: event.model, ts: event.ts }
        : { customerId: event.customerId, churnRisk: event.churnRisk, model: event.model, ts: event.ts };
    case 'customer':
      return { ...event.fields, customerId: event.customerId };
  }
}
