import type { Profile } from '../profile.js';

/**
 * Search as you type over customers by id, name, email, phone or zip. One lower-case haystack per
 * customer, scanned in full: 100k customers take a few milliseconds, no index to keep in step.
 * Ranking: exact id, then id or a field starting with the query, then anywhere.
 */
export class CustomerSearch {
  readonly #haystacks = new Map<string, string>();

  /** Refreshes one customer's entry (after new CRM fields or a first event). */
  update(p: Profile): void {
    const c = p.crm ?? {};
    const phone = String(c.phone ?? '');
    const fields = [
      p.customerId,
      c.name,
      c.email,
      phone,
      phone.replace(/\D/g, ''),
      c.zip ?? p.listenZip?.zip,
    ];
    this.#haystacks.set(
      p.customerId,
      `\u0001${fields
        .filter((f) => f !== undefined && f !== null && f !== '')
        .join('\u0001')
        .toLowerCase()}`,
    );
  }

  has(customerId: string): boolean {
    return this.#haystacks.has(customerId);
  }

  get size(): number {
    return this.#haystacks.size;
  }

  /** Ids of matching customers, best first, and how many matched in all. */
  search(query: string, limit: number): { ids: string[]; total: number } {
    const q = query.trim().toLowerCase();
    if (q === '') return { ids: [], total: 0 };
    const digits = q.replace(/[\s()+-]/g, '');
    const needle = /^\d+$/.test(digits) && digits !== q ? digits : q;
    const exact: string[] = [];
    const prefix: string[] = [];
    const anywhere: string[] = [];
    for (const [id, hay] of this.#haystacks) {
      const at = hay.indexOf(needle);
      if (at === -1) continue;
      if (id.toLowerCase() === needle) exact.push(id);
      else if (hay[at - 1] === '\u0001' || hay[at - 1] === ' ') prefix.push(id);
      else anywhere.push(id);
    }
    const total = exact.length + prefix.length + anywhere.length;
    return { ids: [...exact, ...prefix, ...anywhere].slice(0, limit), total };
  }
}
