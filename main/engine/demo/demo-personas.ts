/**
 * Listening personas of the demo source. Each has a daily rhythm (weights by hour of day), a
 * weekend factor and a share of listens on mobile. Rhythms are sums of bumps around peak hours.
 */

export interface Persona {
  name: 'commuter' | 'office' | 'night_owl' | 'weekend' | 'evening';
  /** Share of customers with this persona. */
  share: number;
  /** Relative listening weight for each hour 0–23. */
  hourWeights: number[];
  /** Listening on Saturday and Sunday relative to a weekday. */
  weekendFactor: number;
  mobileShare: number;
}

function rhythm(base: number, peaks: Array<[hour: number, height: number, width: number]>): number[] {
  return Array.from({ length: 24 }, (_, h) => {
    let w = base;
    for (const [peak, height, width] of peaks) {
      const d = Math.min(Math.abs(h - peak), 24 - Math.abs(h - peak)); // hours wrap at midnight
      w += height * Math.exp(-(d * d) / (2 * width * width));
    }
    return w;
  });
}

export const PERSONAS: readonly Persona[] = [
  {
    name: 'commuter',
    share: 0.3,
    hourWeights: rhythm(0.05, [
      [8, 3, 1],
      [18, 2.5, 1.2],
    ]),
    weekendFactor: 0.6,
    mobileShare: 0.85,
  },
  {
    name: 'office',
    share: 0.25,
    hourWeights: rhythm(0.05, [
      [10, 1.5, 1.5],
      [14, 2, 2],
    ]),
    weekendFactor: 0.35,
    mobileShare: 0.15,
  },
  {
    name: 'night_owl',
    share: 0.15,
    hourWeights: rhythm(0.05, [[0, 3, 2]]),
    weekendFactor: 1.3,
    mobileShare: 0.45,
  },
  {
    name: 'weekend',
    share: 0.1,
    hourWeights: rhythm(0.05, [[13, 1.5, 3]]),
    weekendFactor: 4,
    mobileShare: 0.5,
  },
  {
    name: 'evening',
    share: 0.2,
    hourWeights: rhythm(0.05, [[20, 3, 1.5]]),
    weekendFactor: 1.2,
    mobileShare: 0.35,
  },
];
