import type { CrmValue } from '../../shared/events.js';
import type { EngineState, SourceProgress } from './engine-state.js';
import { addToCell, type ChurnPoint, type Profile, type ResponseTimes, type SeenAt } from './profile.js';
import type { QuarantineState } from './quarantine.js';
import { internTrackId } from './track-ids.js';

/** The store file's JSON shape, and the conversion between it and in-memory profiles. */

export const STORE_FORMAT = 'customer360-store';
export const STORE_VERSION = 1;

export interface StoredProfile {
  id: string;
  listens: number;
  tracks: string[];
  tod: [morning: number, afternoon: number, evening: number, night: number];
  mobile: number;
  /** Non-empty day×hour cells as flat pairs: [cell, count, cell, count, …]. */
  dayHour: number[];
  firstSeen: SeenAt | null;
  lastSeen: SeenAt | null;
  listenZip: (SeenAt & { zip: string }) | null;
  clicks: number;
  responseTimes: ResponseTimes | null;
  products: Record<string, number>;
  churnHistory: ChurnPoint[];
  crm: Record<string, CrmValue> | null;
}

export interface StoreData {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  /** Absent in stores written before it existed; a new one is made then. */
  storeId?: string;
  savedAt: string;
  profiles: StoredProfile[];
  sources: SourceProgress;
  quarantine: QuarantineState;
}

/** Just the text and instant: in memory a profile may hold the event's whole WrittenTime. */
const seenAt = (s: SeenAt | null): SeenAt | null => s && { text: s.text, epochMs: s.epochMs };

export function encodeProfile(p: Profile): StoredProfile {
  const dayHour: number[] = [];
  p.dayHour.forEach((n, cell) => {
    if (n > 0) dayHour.push(cell, n);
  });
  return {
    id: p.customerId,
    listens: p.listens,
    tracks: [...p.tracks],
    tod: [p.morning, p.afternoon, p.evening, p.night],
    mobile: p.mobile,
    dayHour,
    firstSeen: seenAt(p.firstSeen),
    lastSeen: seenAt(p.lastSeen),
    listenZip: p.listenZip && { text: p.listenZip.text, epochMs: p.listenZip.epochMs, zip: p.listenZip.zip },
    clicks: p.clicks,
    responseTimes: p.responseTimes,
    products: p.products,
    churnHistory: p.churnHistory,
    crm: p.crm,
  };
}

export function decodeProfile(s: StoredProfile): Profile {
  const [morning, afternoon, evening, night] = s.tod;
  const profile: Profile = {
    customerId: s.id,
    listens: s.listens,
    tracks: new Set(s.tracks.map(internTrackId)),
    morning,
    afternoon,
    evening,
    night,
    mobile: s.mobile,
    dayHour: new Uint16Array(168),
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    listenZip: s.listenZip,
    clicks: s.clicks,
    responseTimes: s.responseTimes,
    products: s.products,
    churn: s.churnHistory[s.churnHistory.length - 1] ?? null,
    churnHistory: s.churnHistory,
    crm: s.crm,
  };
  for (let i = 0; i + 1 < s.dayHour.length; i += 2)
    addToCell(profile, s.dayHour[i] as number, s.dayHour[i + 1] as number);
  return profile;
}

/** Everything in the store but the profiles. */
export type StoreHeader = Omit<StoreData, 'profiles'>;

export function storeHeader(state: EngineState): StoreHeader {
  return {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    storeId: state.storeId,
    savedAt: new Date().toISOString(),
    sources: state.sources,
    quarantine: state.quarantine,
  };
}
