import { describe, expect, it } from 'vitest';
import { maskedLabel, maskedSummary } from '../../main/engine/read/customer-views.js';
import type { CustomerSummary } from '../../shared/engine-api.js';

const summary = (name: string | null): CustomerSummary => ({
  customerId: 'CUST-000042',
  name,
  email: 'someone@example.com',
  phone: '807.972.7149',
  zip: '12345',
  level: 'gold',
  listens: 3,
  churnRisk: 0.8,
  churnLabel: 1,
});

describe('what the booth screen may show of a customer', () => {
  it('keeps one letter of each of the first two words, in any script, and nothing else that identifies', () => {
    const cases: [string, string][] = [
      ['Karolan Murray', 'K. M.'],
      ['Дмитрий Кузнецов', 'Д. К.'],
      ['王伟', '王.'],
      ['Éldred Dibbert', 'É. D.'],
      ['E\u0301ldred Dibbert', 'É. D.'],
      ["'Ana Lee-Smith", 'A. L.'],
      ['maría josé de la cruz', 'M. J.'],
      ['🙂 Ana', 'A.'],
    ];
    for (const [name, masked] of cases) {
      const out = maskedSummary(summary(name));
      expect(out.name, name).toBe(masked);
      expect(out.customerId).toBe('#…42');
      expect([out.email, out.phone, out.zip]).toEqual([null, null, null]);
    }
  });

  it('labels a customer without a name by the masked id alone', () => {
    expect(maskedLabel('   ', 'ab-77')).toBe('#…77');
    expect(maskedLabel(undefined, 'ab-77')).toBe('#…77');
    expect(maskedLabel('Zoë Ong', 'ab-77')).toBe('Z. O. #…77');
  });
});
