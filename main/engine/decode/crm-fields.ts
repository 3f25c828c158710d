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
 * Normalises one CRM record's fields (without the id). Empty values are left out: a customer
 * simply does not have that field. Throws with a readable reason on a bad coded value.
 */
export function normaliseCrmFields(raw: Record<string, unknown>): Record<string, CrmValue> {
  const fields: Record<string, CrmValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (CUSTOMER_ID_FIELDS.includes(key)) continue;
    if (value === null || value === undefined || value === '') continue;
    const name = snakeCase(key);
    if (!name || name === 'type') continue;
    if (typeof value === 'object') {
      // Nested CRM values are kept as JSON text so they are still shown and exported.
      fields[name] = JSON.stringify(value).slice(0, 2048);
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    switch (name) {
      case 'level':
        fields.level = decodeCode(value, LEVELS, 'level');
        break;
      case 'campaign':
        fields.campaign = decodeCode(value, CAMPAIGNS, 'campaign');
        break;
      case 'status':
        fields.status = decodeCode(value, STATUSES, 'status');
        break;
      case 'sign_date':
        fields.sign_date = decodeSignDate(value);
        break;
      default:
        fields[name] = typeof value === 'string' ? value.trim().slice(0, 2048) : value;
    }
  }
  return fields;
}
