// The queries a support agent types, for the desk benchmarks (desk-child, search-scale-child):
// every prefix of names as they are typed, emails, phone numbers, ids and zips, and the
// forgiving kinds: a typo, words reordered, accents left out, a phone number written with dots
// or a country code, a street and a city. Built from CRM records (snake_case keys, as the engine
// holds them), so every run asks the same questions of the same customers.

/** Typing a word: every prefix from one letter on, as the view asks on every keystroke. */
const typed = (word, from = 1, upTo = 8) =>
  Array.from({ length: Math.min(word.length, upTo) - from + 1 }, (_, i) => word.slice(0, from + i));

const unaccented = (text) => text.normalize('NFD').replace(/\p{M}/gu, '');

/** `word` with the letter at its middle left out, or its two middle letters swapped. */
const dropped = (word) => word.slice(0, word.length >> 1) + word.slice((word.length >> 1) + 1);
const swapped = (word) => {
  const h = word.length >> 1;
  return word.slice(0, h - 1) + word[h] + word[h - 1] + word.slice(h + 1);
};

/**
 * `crms`: at least 100 CRM records with a name and an email; `randomId()`: an existing id.
 * Returns { queries, forgiving } (forgiving: the subset of the forgiving kinds, with their kind).
 */
export function queryMix(crms, randomId) {
  if (crms.length < 100) throw new Error('queryMix needs 100 CRM records');
  const q = [];
  for (const crm of crms.slice(0, 12)) {
    const [first, last = ''] = String(crm.name).split(' ');
    q.push(...typed(first), `${first} ${last.slice(0, 1)}`, `${first} ${last.slice(0, 3)}`, String(crm.name));
  }
  for (const crm of crms.slice(12, 20)) q.push(...typed(String(crm.name).split(' ').at(-1), 2, 6));
  for (const crm of crms.slice(20, 32)) {
    const email = String(crm.email);
    const [local, domain = ''] = email.split('@');
    q.push(local.slice(0, 3), local.slice(0, 6), `@${domain.slice(0, 5)}`, domain, email);
  }
  for (const crm of crms.slice(32, 48).filter((c) => c.phone)) {
    const phone = String(crm.phone);
    const digits = phone.replace(/\D/g, '');
    q.push(phone, digits, digits.slice(-4), digits.slice(-7), `${digits.slice(-7, -4)}-${digits.slice(-4)}`);
    q.push(`(${digits.slice(0, 3)}) ${digits.slice(3, 6)}`, `${digits.slice(0, 3)} ${digits.slice(3, 5)}`);
  }
  for (let i = 0; i < 25; i++) q.push(randomId());
  for (let i = 0; i < 6; i++) q.push(...typed(randomId()));
  for (const crm of crms.slice(48, 60)) {
    const zip = String(crm.zip ?? '');
    q.push(zip, zip.slice(0, 3));
  }
  q.push(
    'qzx',
    'zzzz',
    'xq',
    'nobody@nowhere.test',
    '000-000-0000',
    'customer 360',
    'ÿ',
    '@@',
    'jqk',
    '999999999',
  );

  const forgiving = [];
  const add = (kind, query) => forgiving.push({ kind, query });
  for (const crm of crms.slice(60, 100)) {
    const name = String(crm.name);
    const words = name.split(' ');
    const first = words[0] ?? '';
    const last = words.at(-1) ?? '';
    if (last.length >= 5) add('typo', `${first} ${dropped(last)}`);
    if (first.length >= 5) add('typo', `${swapped(first)} ${last}`);
    add('reordered', `${last} ${first}`);
    add('unaccented', unaccented(name).toLowerCase());
    const digits = String(crm.phone ?? '').replace(/\D/g, '');
    if (digits.length === 10) {
      add('phone', `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`);
      add('phone', `+1 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`);
    }
    const [street = '', city = ''] = String(crm.address ?? '').split(', ');
    if (city) add('city', city);
    const cityWord = city.split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
    if (cityWord.length >= 6) add('typo', city.replace(cityWord, dropped(cityWord)));
    if (street) add('street', street.replace(/^\d+\s*/, ''));
  }
  return { queries: [...q, ...forgiving.map((f) => f.query)], forgiving };
}
