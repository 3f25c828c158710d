import { type Dict, dict } from '../../../shared/dict.js';
import type { CrmValue } from '../../../shared/events.js';

/**
 * CRM field normalisation shared by the customers CSV and the customers topic: the CRM's codes
 * (DESIGN §3) become readable values and header names become snake_case column names.
 */

const LEVELS = ['Free', 'Silver', 'Gold'];
const CAMPAIGNS = ['NONE', '30DAYFREE', 'SUPERBOWL', 'RETAILSTORE', 'WEBOFFER'];
const STATUSES = ['closed', 'active'];

/** Names under which a record carries its customer id. */
export const CUSTOMER_ID_FIELDS = ['customerId', 'customer_id', 'CustID', 'custId', 'user_id', 'id'];

export function snakeCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function decodeCode(value: CrmValue, names: string[], field: string): string {
  const text = String(value).trim();
  const byName = names.find((n) => n.toLowerCase() === text.toLowerCase());
  if (byName) return byName;
  const code = Number(text);
  const name = Number.isInteger(code) ? names[code] : undefined;
  if (name === undefined)
    throw new Error(
      `${field}: unknown code "${text}" (expected ${names.map((n, i) => `${i} ${n}`).join(', ')})`,
    );
  return name;
}

/** `MM/DD/YYYY` (the CRM export) or ISO `YYYY-MM-DD` → ISO date. */
function decodeSignDate(value: CrmValue): string {
  const text = String(value).trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let y: number;
  let m: number;
  let d: number;
  if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else throw new Error(`sign_date: unreadable date "${text.slice(0, 40)}" (expected MM/DD/YYYY)`);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    throw new Error(`sign_date: no such date "${text}"`);
  return date.toISOString().slice(0, 10);
}

/**
 * Two names in one record (or one CSV header) that become the same field, such as `Name` and
 * `name`, or a column given twice: one value would silently replace the other. Returns the reason,
 * or null when every name is its own field.
 */
export function collidingFieldNames(names: readonly string[]): string | null {
  const seen = new Map<string, string>();
  for (const raw of names) {
    const name = CUSTOMER_ID_FIELDS.includes(raw) ? raw : snakeCase(raw);
    if (name === '') continue;
    const before = seen.get(name);
    if (before !== undefined)
      return before === raw
        ? `the field "${raw}" is given twice`
        : `"${before}" and "${raw}" are the same field (${name})`;
    seen.set(name, raw);
  }
  return null;
}

/** Longer values and names are refused, not cut: a cut value would be wrong without saying so. */
export const MAX_CRM_VALUE = 8192;
const MAX_CRM_NAME = 128;

/**
 * Normalises one CRM record's fields (without the id). Empty values are left out: a customer
 * simply does not have that field. Values are kept exactly as written (a spreadsheet-safe form
 * is the export's business, not the store's). Throws with a readable reason on a bad coded value,
 * a number JSON cannot hold, or a field too long to be a CRM value.
 */
export function normaliseCrmFields(raw: Record<string, unknown>): Dict<CrmValue> {
  const collision = collidingFieldNames(Object.keys(raw));
  if (collision) throw new Error(collision);
  const fields = dict<CrmValue>();
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (CUSTOMER_ID_FIELDS.includes(key)) continue;
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    const name = snakeCase(key);
    if (!name || name === 'type') continue;
    if (name.length > MAX_CRM_NAME) throw new Error(`field name longer than ${MAX_CRM_NAME} characters`);
    let kept: CrmValue;
    if (typeof value === 'object') {
      // Nested CRM values are kept as JSON text so they are still shown and exported.
      kept = JSON.stringify(value);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`${name}: not a finite number`);
      kept = value;
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      kept = value;
    } else continue;
    if (typeof kept === 'string' && kept.length > MAX_CRM_VALUE)
      throw new Error(`${name}: ${kept.length} characters, over the ${MAX_CRM_VALUE} a CRM field may hold`);
    switch (name) {
      case 'level':
        fields.level = decodeCode(kept, LEVELS, 'level');
        break;
      case 'campaign':
        fields.campaign = decodeCode(kept, CAMPAIGNS, 'campaign');
        break;
      case 'status':
        fields.status = decodeCode(kept, STATUSES, 'status');
        break;
      case 'sign_date':
        fields.sign_date = decodeSignDate(kept);
        break;
      default:
        fields[name] = kept;
    }
  }
  return fields;
}
