import fc from 'fast-check';

/** Text a hostile or sloppy source sends, for property tests of readers and writers. */

/** Names that are members of Object.prototype: as keys from data they must be ordinary keys. */
export const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];

const PIECES = [
  '"',
  ',',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '=',
  '+',
  '-',
  '@',
  "'",
  ' ',
  ';',
  '\uFF1D',
  '\uFF0B',
  '\uFF20',
  'é',
  'Ω',
  '日本',
  '🎵',
  '\u2028',
  'a',
  '7',
  ...PROTOTYPE_NAMES,
];

/** The pieces above run together, or any text at all (no lone surrogates: UTF-8 cannot hold them). */
export const hostileText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 24 }),
);

/** DESIGN §5 and OWASP's list, with the full-width forms spreadsheets also accept. */
export const neutralised = (v: string) => (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(v) ? `'${v}` : v);
