import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportLiveTable } from '../../main/engine/export/csv-export.js';
import { formatNumber } from '../../main/engine/export/profile-table.js';
import { emptyProfile, type Profile } from '../../main/engine/profile/profile.js';
import { dict } from '../../shared/dict.js';
import type { CrmValue } from '../../shared/events.js';
import { hostileText, neutralised, PROTOTYPE_NAMES } from '../support/hostile-text.js';
import { readRfc4180 } from '../support/rfc4180.js';

/**
 * Every exported cell reads back, with an RFC 4180 reader that is not the writer's library, as
 * exactly the stored value, or as its neutralised form when a spreadsheet would run it.
 */

const crmValue: fc.Arbitrary<CrmValue> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer() },
);
const fieldName = fc.constantFrom(...PROTOTYPE_NAMES, 'name', 'address', 'zip', 'note', 'pet_name');

const customer = fc.record({
  id: hostileText,
  crm: fc.dictionary(fieldName, crmValue, { maxKeys: 6 }),
});

function expectedCell(v: CrmValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  return neutralised(String(v));
}

describe('live_table.csv read back by an independent RFC 4180 reader', () => {
  it('gives every stored value back, or its neutralised form, for hostile text anywhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-roundtrip-'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(customer, { minLength: 1, maxLength: 6, selector: (c) => neutralised(c.id) }),
        async (customers) => {
          const profiles: Profile[] = customers.map((c) => {
            const p = emptyProfile(c.id);
            p.crm = dict(Object.entries(c.crm));
            return p;
          });
          const path = join(dir, `live_table-${run++}.csv`);
          await exportLiveTable(profiles, path);
          const [header, ...rows] = readRfc4180(await readFile(path, 'utf8'));
          expect(rows).toHaveLength(customers.length);
          const byId = new Map(rows.map((r) => [r[0], r]));
          for (const c of customers) {
            const row = byId.get(neutralised(c.id));
            expect(row, JSON.stringify(c.id)).toBeDefined();
            for (const [name, value] of Object.entries(c.crm)) {
              expect(row?.[header?.indexOf(name) ?? -1], `${JSON.stringify(c.id)}.${name}`).toBe(
                expectedCell(value),
              );
            }
          }
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
  });
});
