import { describe, expect, it } from 'vitest';
import { boothConfig } from '../../renderer/src/booth/booth-config.js';
import { DEFAULT_BOOTH } from '../../shared/settings.js';

describe('booth configuration: settings, overridden by the page URL', () => {
  const saved = {
    views: ['churn', 'flow'] as const,
    dwellSeconds: 20,
    mask: false,
    title: 'Acme',
    qrUrl: '',
  };

  it('takes the saved settings when the URL says nothing, and the defaults before they arrive', () => {
    expect(boothConfig({ ...saved, views: [...saved.views] }, '')).toEqual({
      ...saved,
      views: ['churn', 'flow'],
      maskWish: undefined,
    });
    expect(boothConfig(null, '?booth=1')).toEqual({ ...DEFAULT_BOOTH, maskWish: undefined });
  });

  it('lets the URL choose views and their order, dwell, masking, title and QR target', () => {
    const c = boothConfig(
      null,
      '?views=churn,time,churn&dwell=30&mask=0&title=Hall%203&qr=https%3A%2F%2Fexample.com%2Fc360',
    );
    expect(c.views).toEqual(['churn', 'time']);
    expect(c.dwellSeconds).toBe(30);
    expect(c.mask).toBe(false);
    expect(c.maskWish).toBe(false);
    expect(c.title).toBe('Hall 3');
    expect(c.qrUrl).toBe('https://example.com/c360');
  });

  it('treats the URL as input: unknown views dropped, numbers bounded, a QR target must be a web address', () => {
    const c = boothConfig(
      null,
      `?views=customer,settings&dwell=-4&qr=javascript:alert(1)&title=${'x'.repeat(200)}`,
    );
    expect(c.views).toEqual(DEFAULT_BOOTH.views);
    expect(c.dwellSeconds).toBe(DEFAULT_BOOTH.dwellSeconds);
    expect(c.qrUrl).toBe('');
    expect(c.title).toHaveLength(60);
    expect(boothConfig(null, '?dwell=99999').dwellSeconds).toBe(600);
    expect(boothConfig(null, '?dwell=0.01').dwellSeconds).toBe(0.2);
    expect(boothConfig(null, '?mask=maybe').maskWish).toBeUndefined();
  });
});
