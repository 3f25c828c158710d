/**
 * One string for the texts that many profiles repeat: a churn model's name, and the time a batch
 * of predictions was scored (the same `2026-12-08T02:00:00Z` for every customer scored that night).
 * Each decoded record brings its own copy. The desk's million, with 2.7 predictions a customer,
 * held a model name and a time text per prediction: about 170 MiB of copies of a few strings.
 *
 * Bounded: once MAX_TEXTS are held the table starts afresh, so a stream of times that never repeat
 * costs a lookup each and no lasting memory.
 */
const MAX_TEXTS = 4096;
let texts = new Map<string, string>();

/** `text`, or the equal string already held (the same value either way). */
export function sharedText(text: string | null): string | null {
  if (text === null) return null;
  const held = texts.get(text);
  if (held !== undefined) return held;
  if (texts.size >= MAX_TEXTS) texts = new Map();
  texts.set(text, text);
  return text;
}
