import { type BoothSettings, boothSettingsSchema, DEFAULT_BOOTH } from '../../../shared/settings.js';

/**
 * What the booth screen shows and how: the booth settings (Settings screen), each of which a URL
 * parameter may override for this screen: `views=flow,churn`, `dwell=20` (seconds a view),
 * `mask=0|1`, `title=…`, `qr=https://…`. The parameters are input like any other: unknown views
 * are dropped, numbers are bounded, a QR target must be a web address. A dwell below the settings'
 * 5 s (down to 0.2 s) is allowed here, for soak tests and benches that turn the views fast.
 */
export interface BoothConfig extends BoothSettings {
  /** The page's own wish for masking (its URL); undefined: as the settings say. */
  maskWish: boolean | undefined;
}

const VIEWS = ['flow', 'time', 'churn'] as const;

export function boothConfig(settings: BoothSettings | null, search: string): BoothConfig {
  const params = new URLSearchParams(search);
  const base = settings ?? DEFAULT_BOOTH;
  const views = params
    .get('views')
    ?.split(',')
    .filter((v): v is (typeof VIEWS)[number] => (VIEWS as readonly string[]).includes(v));
  const dwell = Number(params.get('dwell') ?? params.get('cycle'));
  const mask = params.get('mask');
  const title = params.get('title');
  const qr = params.get('qr');
  const qrOk = qr !== null && boothSettingsSchema.shape.qrUrl.safeParse(qr).success;
  return {
    views: views && views.length > 0 ? [...new Set(views)] : base.views,
    dwellSeconds:
      Number.isFinite(dwell) && dwell > 0 ? Math.min(600, Math.max(0.2, dwell)) : base.dwellSeconds,
    mask: mask === '0' ? false : mask === '1' ? true : base.mask,
    maskWish: mask === '0' ? false : mask === '1' ? true : undefined,
    title: title !== null ? title.slice(0, 60) : base.title,
    qrUrl: qrOk ? qr : base.qrUrl,
  };
}
