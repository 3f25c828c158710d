/**
 * The text rules of customer search, shared by the index (customer-search.ts) and the plain
 * reference its property tests compare it with: how text is folded, how a query splits into
 * words, when a query is a phone number, what counts as a word boundary, and what one typo is.
 */

// Letters that have no decomposition but that people type without their stroke or as two letters.
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŀ: 'l',
  ŋ: 'n',
  ς: 'σ', // Greek final sigma: the same letter as σ
};
const SPECIAL_LETTERS = /[ßæœøłđðþıħŧŀŋς]/g;
// Combining marks (accents, and the dakuten of kana), control and format characters (a pasted
// soft hyphen or zero-width joiner; \u0001 separates fields in a haystack) and apostrophes, so
// that O'Brien, O’Brien and OBrien are one word.
const DROPPED = /[\p{M}\p{Cc}\p{Cf}'’ʼ‘`´]/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_DROPPED = /['`]/g;

/**
 * Case and accents folded away (Unicode compatibility decomposition, marks dropped, lower case),
 * so "Éldred", "ELDRED" and "eldred" are one text, as are "Straße" and "strasse". Scripts
 * without case (Japanese) and non-Latin letters stay as they are, in lower case.
 */
export function fold(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(ASCII_DROPPED, '');
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(DROPPED, '')
    .replace(SPECIAL_LETTERS, (c) => SPECIAL[c] as string)
    .normalize('NFC');
}

const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A UTF-16 code unit that is a letter (a lone surrogate is not). */
export function isLetterCode(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return !Number.isNaN(code) && LETTER.test(String.fromCharCode(code));
}

/** A letter or a digit: the characters of a word, for ranking word starts. NaN (outside) is not. */
export function isWordCode(code: number): boolean {
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  return !Number.isNaN(code) && LETTER_OR_DIGIT.test(String.fromCharCode(code));
}

/** Runs of letters of at least `min` code units: the words a typo can be corrected to. */
export function letterWords(text: string, min: number): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const letter = i < text.length && isLetterCode(text.charCodeAt(i));
    if (letter && start === -1) start = i;
    else if (!letter && start !== -1) {
      if (i - start >= min) words.push(text.slice(start, i));
      start = -1;
    }
  }
  return words;
}

/** Query words this long or longer, all letters, may be matched with one typo. */
export const TYPO_MIN_LENGTH = 4;
/** A query's words beyond this many are ignored (a query is at most 200 characters anyway). */
export const MAX_QUERY_WORDS = 12;

export interface QueryTerm {
  /** The word as typed, for "did you mean". */
  typed: string;
  /** Folded texts any of which a customer's haystack must contain. */
  alts: string[];
  /** The folded word, when it may be matched with a typo (letters only, long enough). */
  typo: string | null;
}

const PHONE_LIKE = /^[+\d\s().\-/]+$/;

/**
 * A query's terms, all of which must match. A query of digits and phone punctuation only is one
 * number, matched by its digits ("807.972.7149", "(807) 972-7149" and "807 972 7149" are one);
 * with an international prefix (+1, 0044) the digits without a country code of 1 to 3 digits
 * match too. Any other query is words (split at spaces and hyphens), in any order, each folded.
 */
export function parseQuery(query: string): QueryTerm[] {
  const trimmed = query.trim();
  if (PHONE_LIKE.test(trimmed) && /\d/.test(trimmed)) {
    let digits = trimmed.replace(/\D/g, '');
    const international = trimmed.startsWith('+') || digits.startsWith('00');
    if (!trimmed.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
    const alts = [digits];
    if (international) for (let cc = 1; cc <= 3 && digits.length - cc >= 6; cc++) alts.push(digits.slice(cc));
    return digits === '' ? [] : [{ typed: trimmed, alts, typo: null }];
  }
  const terms: QueryTerm[] = [];
  // Hyphens split words too, so a typo in one half of "Heaney-Lowe" is forgiven like any other.
  for (const typed of trimmed.split(/[\s\-‐‑–—]+/)) {
    const word = fold(typed);
    if (word === '') continue;
    const letters = word.length >= TYPO_MIN_LENGTH && letterWords(word, 1).join('') === word;
    terms.push({ typed, alts: [word], typo: letters ? word : null });
    if (terms.length === MAX_QUERY_WORDS) break;
  }
  return terms;
}

function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

/** At most one typo apart: one letter wrong, missing, extra, or two neighbours swapped. */
export function oneTypoApart(a: string, b: string): boolean {
  if (a === b) return true;
  const diff = a.length - b.length;
  if (diff > 1 || diff < -1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (diff === 1) return sameFrom(a, i + 1, b, i);
  if (diff === -1) return sameFrom(a, i, b, i + 1);
  return (
    sameFrom(a, i + 1, b, i + 1) ||
    (a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameFrom(a, i + 2, b, i + 2))
  );
}

/** A folded word as it is shown in "did you mean": a Greek σ that ends the word written ς. */
export function shownWord(word: string): string {
  return word.replace(/σ(?!\p{L})/gu, 'ς');
}

/** How a customer matched, best first. */
export type MatchQuality = 'id' | 'word' | 'prefix' | 'inside' | 'typo';
export const EXACT_QUALITIES = ['id', 'word', 'prefix', 'inside'] as const;
export const ID = 0;
export const WORD = 1;
export const PREFIX = 2;
export const INSIDE = 3;

/** How `needle`, found at `at` in `text`, sits: a whole word, a word's start, or inside one. */
export function placeAt(text: string, at: number, length: number): number {
  if (isWordCode(text.charCodeAt(at - 1))) return INSIDE;
  return isWordCode(text.charCodeAt(at + length)) ? PREFIX : WORD;
}

/** Whether `word` occurs in `text` as a whole run of letters. */
export function hasLetterWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if (!isLetterCode(text.charCodeAt(at - 1)) && !isLetterCode(text.charCodeAt(at + word.length)))
      return true;
  }
  return false;
}
