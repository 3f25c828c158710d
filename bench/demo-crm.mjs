// A demo customer's CRM record as the engine holds it: snake_case keys, the id in `cust_id`, no
// prototype. For the benchmarks that build the search index without an engine.
import { snakeCase } from '../dist/main/engine/decode/crm-fields.js';

export function crmRecord(customer, id) {
  const crm = Object.create(null);
  for (const [k, v] of Object.entries(customer.crm)) crm[snakeCase(k)] = v;
  crm.cust_id = id;
  return crm;
}
