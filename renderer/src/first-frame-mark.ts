/**
 * Start-up timing marks, read by bench/startup-bench.mjs through the Performance API:
 * `c360:first-snapshot` when the first engine snapshot is committed to the DOM, and
 * `c360:first-frame` once the frame showing it has been painted. Set once per page load.
 */
let marked = false;

export function markFirstSnapshot(detail: { customers: number; events: number }): void {
  if (marked) return;
  marked = true;
  performance.mark('c360:first-snapshot', { detail });
  // rAF runs in the rendering step that paints this commit; a task queued from it runs after that paint.
  requestAnimationFrame(() => setTimeout(() => performance.mark('c360:first-frame'), 0));
}
