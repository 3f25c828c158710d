import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snakeCase } from '../../main/engine/decode/crm-fields.js';
import { decodeJsonRecord } from '../../main/engine/decode/record-decoder.js';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { exportAggTable, exportLiveTable } from '../../main/engine/export/csv-export.js';
import { type DecodedRecord, IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { churnOverview, customer360, customerSummary } from '../../main/engine/read/customer-views.js';
import { readFileBatches } from '../../main/engine/sources/file/file-reader.js';
import { decodeKafkaMessage } from '../../main/engine/sources/kafka/message-decoder.js';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import type { C360Event } from '../../shared/events.js';
import { PROTOTYPE_NAMES } from '../support/hostile-text.js';
import { readRfc4180 } from '../support/rfc4180.js';

/**
 * Field names are data. A CRM field (or a product) named like a member of Object.prototype must
 * be an ordinary field from every way in (JSON lines, a customers CSV column, the customers
 * topic, a click's product) to every way out (export, store, the 360 view, the churn groups).
 * Before, `constructor` made every export fail with "cannot write to DIR".
 */

const events = async (): Promise<C360Event[]> => {
  const out: C360Event[] = [];
  const take = (r: { result: DecodedRecord['result'] }) => {
    if (!r.result.ok) throw new Error(r.result.reason);
    out.push(r.result.event);
  };
  // Customer 1 from JSON lines, 2 from a customers CSV, 3 from the customers topic.
  const fields = (id: string) =>
    Object.fromEntries([
      ['customerId', id],
      ['Level', '1'],
      ...PROTOTYPE_NAMES.map((n) => [n, `${n}-${id}`]),
    ]);
  take({ result: decodeJsonRecord(JSON.stringify({ type: 'customer', ...fields('1') })) });
  const dir = await mkdtemp(join(tmpdir(), 'c360-names-'));
  const csv = join(dir, 'customers.csv');
  await writeFile(
    csv,
    `CustID,Level,${PROTOTYPE_NAMES.join(',')}\r\n2,1,${PROTOTYPE_NAMES.map((n) => `${n}-2`).join(',')}\r\n`,
  );
  for await (const batch of readFileBatches(csv, 'customers-csv', 0)) batch.records.forEach(take);
  const value = Buffer.from(JSON.stringify(fields('3')));
  take(decodeKafkaMessage('customers', 0, { key: null, value, offset: '0' }, 'customers'));
  for (const id of ['1', '2', '3'])
    for (const product of PROTOTYPE_NAMES)
      take({
        result: decodeJsonRecord(
          JSON.stringify({ type: 'click', customerId: id, ts: '2026-03-04 10:00:00', product }),
        ),
      });
  take({ result: decodeJsonRecord('{"customerId":"1","churnRisk":0.9}') });
  return out;
};

describe('field names that are also names of Object.prototype members', () => {
  it('are ordinary fields and products from every source to every output', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'c360-names-store-'));
    const { store } = await ProfileStore.open(dataDir);
    const session = new IngestSession(store, emptyEngineState());
    const decoded = await events();
    session.apply(
      decoded.map((event) => ({ origin: { demo: true, seq: 0 }, raw: '', result: { ok: true, event } })),
      () => {},
    );
    await session.checkpoint();
    const columns = PROTOTYPE_NAMES.map(snakeCase);

    // Export: succeeds, with a column per field holding each customer's own value.
    const out = await mkdtemp(join(tmpdir(), 'c360-names-out-'));
    const profiles = [...session.state.profiles.values()];
    await exportLiveTable(profiles, join(out, 'live_table.csv'));
    await exportAggTable(profiles, join(out, 'agg_table.csv'));
    const [header, ...rows] = readRfc4180(await readFile(join(out, 'live_table.csv'), 'utf8'));
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    for (const [i, name] of PROTOTYPE_NAMES.entries()) {
      const at = header?.indexOf(columns[i] as string) ?? -1;
      expect(at, name).toBeGreaterThan(0);
      expect(rows.map((r) => r[at])).toEqual([`${name}-1`, `${name}-2`, `${name}-3`]);
    }

    // The store: written and read back with every field and product.
    const reopened = await ProfileStore.open(dataDir);
    expect(reopened.notice).toBeNull();
    for (const id of ['1', '2', '3']) {
      const p = reopened.state.profiles.get(id);
      for (const [i, name] of PROTOTYPE_NAMES.entries()) {
        expect(Object.hasOwn(p?.crm ?? {}, columns[i] as string), `${id}.${name}`).toBe(true);
        expect(p?.products[name], `${id} product ${name}`).toBe(1);
      }
      // A field the customer does not have reads as absent, never as an inherited member.
      expect(customerSummary(p as never, 0.2).email).toBeNull();
    }

    // The 360 view and the churn groups.
    const view = customer360(reopened.state.profiles.get('1') as never, 0.2);
    expect(view.web.products.map((x) => x.product).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect(view.crm.constructor).toBe('constructor-1');
    const churn = churnOverview(reopened.state.profiles.values(), 0.2, 5);
    expect(churn.byLevel).toEqual([{ key: 'Silver', customers: 1, atRisk: 1 }]);
  });
});
