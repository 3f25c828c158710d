import { setFlagsFromString } from 'node:v8';

/**
 * V8's collector, set for what an engine's heap is: hundreds of megabytes of profiles that live for
 * the whole run, and batches of records that live for one batch.
 *
 * V8 moves objects straight to the old generation ("pretenures" them) once most objects from the
 * place that made them were still alive at a young collection. A batch is read whole before it is
 * applied, so a young collection in between finds most of its records alive, and V8 pretenured
 * them: at 300,000 customers × 20 listens, 1,955 MB reached the old generation for 6 million
 * listens; without pretenuring, 928 MB (`--trace-gc-nvp`, the scale group's child). At a million
 * customers the old generation then filled faster than the concurrent marker could keep up, and
 * each full collection finished its marking in one pause of 400–550 ms, landing wherever ingest
 * was. Without pretenuring no pause of a run at a million passed 85 ms (see the README's
 * Performance section).
 *
 * Flags are the process's: this sets them for every thread in it. Set before the store is read.
 */
let tuned = false;

export function tuneCollector(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
