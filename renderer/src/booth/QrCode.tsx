import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/**
 * A QR code for the presenter's link, drawn as one SVG path from the library's module grid. The
 * address goes in as `URL.href` (host in punycode, the rest percent-encoded), so it is plain ASCII,
 * which is what the library encodes byte for byte.
 */
export function QrCode({ url, size }: { url: string; size: number }) {
  const drawn = useMemo(() => {
    let href: string;
    try {
      href = new URL(url).href;
    } catch {
      return null;
    }
    const qr = qrcode(0, 'M');
    qr.addData(href);
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 2} ${r + 2}h1v1h-1z`;
    return { d, n: n + 4, href };
  }, [url]);
  if (!drawn) return null;
  return (
    <svg
      className="qr"
      width={size}
      height={size}
      viewBox={`0 0 ${drawn.n} ${drawn.n}`}
      shapeRendering="crispEdges"
      role="img"
      aria-label={`QR code for ${drawn.href}`}
      data-testid="booth-qr"
    >
      <rect width={drawn.n} height={drawn.n} fill="#fff" />
      <path d={drawn.d} fill="#000" />
    </svg>
  );
}
