/** What a source is doing, for the status bar and the command line. */
export type SourceState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'caught-up' | 'stopped';

export interface SourceStatus {
  source: 'kafka' | 'profiles' | 'demo' | 'files';
  state: SourceState;
  /** Where it reads from: broker addresses, or "demo". */
  target: string;
  /** The reason for reconnecting or failed; otherwise a short note or null. */
  detail: string | null;
  /** When the next connection attempt is due (ISO time), while reconnecting or failed. */
  nextRetryAt: string | null;
  attempt: number;
  /** Messages behind the newest offsets the source has seen; null before it knows. */
  lag: number | null;
  at: string;
}
