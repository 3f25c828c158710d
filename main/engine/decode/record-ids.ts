/**
 * Ids and event text as the decoders accept them. What a customer or track id may be: 1 to 64 characters, no surrounding whitespace, no control
 * characters. Ids are trimmed on the way in; one that still holds a control character (a NUL, a
 * line break) is damage, not an id, and is refused at the boundary rather than carried into
 * profiles, searches and exports.
 */

export const MAX_ID = 64;
/** Event text fields (event id, zip, product…): at most this many characters. */
export const MAX_TEXT = 2048;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Event text fields (zip, product, url, os, model…) come from machines: a NUL or a line break in
 * one is damage. A tab is let through, as some exports pad with it.
 */
export function isCleanText(text: string): boolean {
  return !CONTROL_BUT_TAB.test(text);
}

/** True for a string that is already a valid id (as the store and the decoders keep them). */
export function isCleanId(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length > 0 &&
    v.length <= MAX_ID &&
    v.trim().length === v.length &&
    !CONTROL.test(v)
  );
}
