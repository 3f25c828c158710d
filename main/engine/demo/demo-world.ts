import type { Faker, Randomizer } from '@faker-js/faker';
// Each locale from its own entry point: the package's main entry loads all ~70 locales (0.36 s
// here), these 13 take about 0.06 s.
import { faker as de } from '@faker-js/faker/locale/de';
import { faker as el } from '@faker-js/faker/locale/el';
import { faker as en_US } from '@faker-js/faker/locale/en_US';
import { faker as es } from '@faker-js/faker/locale/es';
import { faker as fr } from '@faker-js/faker/locale/fr';
import { faker as it } from '@faker-js/faker/locale/it';
import { faker as ja } from '@faker-js/faker/locale/ja';
import { faker as pl } from '@faker-js/faker/locale/pl';
import { faker as ru } from '@faker-js/faker/locale/ru';
import { faker as sv } from '@faker-js/faker/locale/sv';
import { faker as tr } from '@faker-js/faker/locale/tr';
import { faker as uk } from '@faker-js/faker/locale/uk';
import { faker as vi } from '@faker-js/faker/locale/vi';
import { formatUtcIso, formatUtcWallClock } from '../../../shared/timestamp.js';
import { CUSTOMERS_CSV_HEADER } from '../decode/customers-csv.js';
import {
  churnInputs,
  DEMO_MODEL_NAME,
  demoChurnRisk,
  EPISODE_PERIOD_DAYS,
  engagement,
} from './demo-churn-model.js';
import { PERSONAS, type Persona } from './demo-personas.js';
import { counterRandomizer, traitDraw } from './demo-random.js';
import { WeightedPicker } from './weighted-picker.js';

/**
 * The demo world: customers with CRM identities, personas and tastes, a track catalogue with
 * Zipf popularity, and the raw records (in the wire formats of DESIGN §3) they produce.
 * Everything random comes from one seeded generator, so a seed always gives the same world.
 */

export interface DemoCustomer {
  readonly index: number;
  readonly id: string;
  readonly persona: Persona;
  /** Relative number of events this customer makes. */
  readonly activity: number;
  readonly favourites: readonly string[];
  /** Gets slow web responses (one of the churn model's inputs). */
  readonly slowWeb: boolean;
  /** When this customer's fading episodes come (see demo-churn-model.ts): the churners of the story. */
  readonly episodeOffsetDays: number;
  readonly level: 0 | 1 | 2;
  readonly linkedWithApps: boolean;
  readonly zip: string;
  /** The CRM export's columns (DESIGN §3), with extra columns only some customers have. */
  readonly crm: Readonly<Record<string, string | number>>;
}

export interface ListenRecord {
  type: 'listen';
  eventId: string;
  customerId: string;
  trackId: string;
  ts: string;
  mobile: boolean;
  zip: string;
}

export interface ClickRecord {
  type: 'click';
  customerId: string;
  ts: string;
  os: string;
  browser: string;
  responseTimeMs: number;
  product: string;
  url: string;
}

export interface PredictionRecord {
  customerId: string;
  churnRisk: number;
  model: string;
  ts: string;
}

/** The CRM export's header, then the extra columns the demo fills for some customers. */
export const CRM_COLUMNS = [
  ...CUSTOMERS_CSV_HEADER,
  'Email',
  'Phone',
  'Company',
  'PreferredGenre',
  'LoyaltyCard',
] as const;

const OSES = ['win10', 'win7', 'macos', 'ios', 'android', 'linux'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge', 'IE'];
const PRODUCTS = [
  'premium_plan',
  'family_plan',
  'student_plan',
  'personal_credit_card',
  'gift_card',
  'hifi_addon',
];
const GENRES = ['rock', 'pop', 'jazz', 'classical', 'hip-hop', 'electronic', 'country', 'indie'];

/**
 * Where customers come from, by weight: most from the US, the rest with names, streets, cities
 * and phone numbers of their locale, so search meets accents (Mäder, Hương), apostrophes
 * (O'Hara, D'Elia, Мар’яна), hyphens (Ann-Marie) and other scripts (Greek, Cyrillic, Japanese).
 */
const LOCALES: Array<{ weight: number; name: string; locale: Faker }> = [
  { weight: 60, name: 'en_US', locale: en_US },
  { weight: 5, name: 'de', locale: de },
  { weight: 5, name: 'fr', locale: fr },
  { weight: 5, name: 'es', locale: es },
  { weight: 4, name: 'it', locale: it },
  { weight: 3, name: 'pl', locale: pl },
  { weight: 3, name: 'sv', locale: sv },
  { weight: 2, name: 'tr', locale: tr },
  { weight: 2, name: 'vi', locale: vi },
  { weight: 3, name: 'el', locale: el },
  { weight: 3, name: 'ru', locale: ru },
  { weight: 2, name: 'uk', locale: uk },
  { weight: 3, name: 'ja', locale: ja },
];

export interface DemoWorldOptions {
  seed: number;
  customers: number;
  /** Tracks in the catalogue; defaults to scale with the customers. */
  tracks?: number;
}

/** The first of `weighted` whose cumulative weight passes `u` of the total. */
function weightedAt<T>(weighted: ReadonlyArray<{ weight: number; value: T }>, u: number): T {
  const total = weighted.reduce((n, w) => n + w.weight, 0);
  let target = u * total;
  for (const w of weighted) {
    target -= w.weight;
    if (target < 0) return w.value;
  }
  return (weighted.at(-1) as { value: T }).value;
}

interface Identity {
  crm: Record<string, string | number>;
  zip: string;
  favourites: string[];
}

/**
 * A demo customer: traits (persona, activity, churn inputs) drawn when the world is made, as
 * every pick needs them; the CRM identity and favourite tracks (faker's work, ~20 µs each) drawn
 * the first time they are asked for, from generators seeded with the customer's number. A
 * reopened store holds its customers' CRM records, so `serve` on 100,000 customers no longer
 * writes 100,000 names and addresses before it starts (2.5 s).
 */
class WorldCustomer implements DemoCustomer {
  readonly id: string;
  #identity: Identity | null = null;

  constructor(
    readonly index: number,
    readonly persona: Persona,
    readonly activity: number,
    readonly slowWeb: boolean,
    readonly episodeOffsetDays: number,
    readonly level: 0 | 1 | 2,
    readonly linkedWithApps: boolean,
    readonly sex: 'female' | 'male',
    readonly locale: number,
    readonly identityOf: (c: WorldCustomer) => Identity,
  ) {
    this.id = String(index + 1);
  }

  get crm(): Readonly<Record<string, string | number>> {
    this.#identity ??= this.identityOf(this);
    return this.#identity.crm;
  }

  get zip(): string {
    this.#identity ??= this.identityOf(this);
    return this.#identity.zip;
  }

  get favourites(): readonly string[] {
    this.#identity ??= this.identityOf(this);
    return this.#identity.favourites;
  }
}

const PERSONA_WEIGHTS = PERSONAS.map((p) => ({ weight: p.share, value: p }));
const LEVEL_WEIGHTS = [
  { weight: 5, value: 0 as const },
  { weight: 3, value: 1 as const },
  { weight: 2, value: 2 as const },
];
const LOCALE_WEIGHTS = LOCALES.map(({ weight }, i) => ({ weight, value: i }));

/**
 * A faker of a locale (its own definitions, then English, then the base, as the locale's entry
 * point merged them) drawing from `randomizer`. The class comes from the locale's instance: the
 * package's main entry, which exports it, is the one that loads every locale.
 */
function fakerWith(locale: Faker, randomizer: Randomizer): Faker {
  const FakerClass = locale.constructor as typeof Faker;
  return new FakerClass({ locale: locale.rawDefinitions, randomizer });
}

export class DemoWorld {
  /** The world's event stream: every event's draws, in the order events are made. */
  readonly faker: Faker;
  /** One generator per locale, re-seeded for each customer whose identity is drawn. */
  readonly #identity: Array<{ name: string; faker: Faker }>;
  readonly #seed: number;
  readonly customers: DemoCustomer[];
  readonly #tracks: WeightedPicker<string>;
  readonly #byActivity: WeightedPicker<DemoCustomer>;
  readonly #byPersona: Map<Persona, WeightedPicker<DemoCustomer>>;
  #eventSeq = 0;
  #identitiesDrawn = 0;

  constructor(options: DemoWorldOptions) {
    this.#seed = options.seed;
    const stream = counterRandomizer();
    stream.seed([options.seed]);
    this.faker = fakerWith(en_US, stream);
    this.#identity = LOCALES.map(({ name, locale }) => ({
      name,
      faker: fakerWith(locale, counterRandomizer()),
    }));
    const trackCount = options.tracks ?? Math.max(500, Math.min(50_000, options.customers * 4));
    const trackIds = Array.from({ length: trackCount }, (_, i) => String(1000 + i));
    this.#tracks = new WeightedPicker(trackIds, (id) => 1 / (Number(id) - 999) ** 1.05); // Zipf-like popularity
    const identityOf = (c: WorldCustomer) => this.#drawIdentity(c);
    this.customers = Array.from({ length: options.customers }, (_, i) => {
      const u = (k: number) => traitDraw(options.seed, i, k);
      // Box–Muller from two draws: log-normal activity, a few heavy listeners and many light ones.
      const normal = Math.sqrt(-2 * Math.log(1 - u(1))) * Math.cos(2 * Math.PI * u(2));
      return new WorldCustomer(
        i,
        weightedAt(PERSONA_WEIGHTS, u(0)),
        Math.exp(normal * 0.8),
        u(3) < 0.12,
        u(4) * EPISODE_PERIOD_DAYS,
        weightedAt(LEVEL_WEIGHTS, u(5)),
        u(6) < 0.4,
        u(7) < 0.5 ? 'female' : 'male',
        weightedAt(LOCALE_WEIGHTS, u(8)),
        identityOf,
      );
    });
    this.#byActivity = new WeightedPicker(this.customers, (c) => c.activity);
    this.#byPersona = new Map(
      PERSONAS.map((p) => [
        p,
        new WeightedPicker(
          this.customers.filter((c) => c.persona === p),
          (c) => c.activity,
        ),
      ]),
    );
  }

  random(): number {
    return this.faker.number.float({ min: 0, max: 1 });
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }

  /** How many customers' identities have been drawn: what making this world has cost so far. */
  get identitiesDrawn(): number {
    return this.#identitiesDrawn;
  }

  /** A customer's CRM record, zip and favourite tracks, the same whenever (and whether) drawn. */
  #drawIdentity(c: WorldCustomer): Identity {
    this.#identitiesDrawn += 1;
    const { name: locale, faker: local } = this.#identity[c.locale] as { name: string; faker: Faker };
    const f = (this.#identity[0] as { faker: Faker }).faker; // en_US: fields every customer has
    f.seed([this.#seed, c.index, 1]);
    if (local !== f) local.seed([this.#seed, c.index, 2]);
    const first = local.person.firstName(c.sex);
    const last = local.person.lastName(c.sex);
    const zip = f.location.zipCode('#####');
    const signDate = f.date.between({ from: '2023-01-01T00:00:00Z', to: '2026-02-28T00:00:00Z' });
    const crm: Record<string, string | number> = {
      CustID: c.id,
      Name: locale === 'ja' ? `${last} ${first}` : `${first} ${last}`, // family name first in Japanese
      Gender: c.sex,
      Address:
        locale === 'en_US'
          ? `${f.location.streetAddress()}, ${f.location.city()}, ${f.location.state({ abbreviated: true })}`
          : `${local.location.streetAddress()}, ${local.location.city()}`,
      zip,
      SignDate: `${signDate.getUTCMonth() + 1}/${signDate.getUTCDate()}/${signDate.getUTCFullYear()}`,
      Status: f.datatype.boolean(0.94) ? 1 : 0,
      Level: c.level,
      Campaign: f.helpers.weightedArrayElement([
        { weight: 6, value: 0 },
        { weight: 2, value: 1 },
        { weight: 1, value: 2 },
        { weight: 1, value: 3 },
        { weight: 2, value: 4 },
      ]),
      LinkedWithApps: c.linkedWithApps ? 1 : 0,
      Email: local.internet.email({ firstName: first, lastName: last }).toLowerCase(),
    };
    if (f.datatype.boolean(0.9)) crm.Phone = local.phone.number({ style: 'national' });
    if (f.datatype.boolean(0.15)) crm.Company = f.company.name();
    if (f.datatype.boolean(0.45)) crm.PreferredGenre = f.helpers.arrayElement(GENRES);
    if (f.datatype.boolean(0.12)) crm.LoyaltyCard = `LC-${f.string.numeric(8)}`;
    const favouriteCount = f.number.int({ min: 8, max: 40 });
    const favourites = Array.from({ length: favouriteCount }, () =>
      this.#tracks.pick(f.number.float({ min: 0, max: 1 })),
    );
    return { crm, zip, favourites };
  }

  /**
   * A customer likely to be listening at this instant (live generation, where the time is given):
   * by persona for the hour and day, then by activity, then as engaged as they are that day.
   */
  pickCustomerAt(epochMs: number): DemoCustomer {
    const date = new Date(epochMs);
    const hour = date.getUTCHours();
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const persona = this.faker.helpers.weightedArrayElement(
      PERSONAS.map((p) => ({
        weight: p.share * (p.hourWeights[hour] ?? 0) * (weekend ? p.weekendFactor : 1),
        value: p,
      })),
    );
    const picker = this.#byPersona.get(persona) ?? this.#byActivity;
    let c = picker.pick(this.random());
    // A fading customer is picked as often as their engagement says (a few tries, then whoever).
    for (let tries = 0; tries < 4 && this.random() > this.engagement(c, epochMs); tries++)
      c = picker.pick(this.random());
    return c;
  }

  /** An hour of day drawn from the customer's persona rhythm. */
  pickHour(c: DemoCustomer): number {
    return this.faker.helpers.weightedArrayElement(
      c.persona.hourWeights.map((weight, value) => ({ weight, value })),
    );
  }

  /** Engagement at a (wall-clock) instant: 1 as usual, down to 0.05 while fading. */
  engagement(c: DemoCustomer, epochMs: number): number {
    return engagement(c.episodeOffsetDays, epochMs);
  }

  /** True while the customer is fading (or coming back), at this instant. */
  fading(c: DemoCustomer, epochMs: number): boolean {
    return this.engagement(c, epochMs) < 1;
  }

  listen(c: DemoCustomer, epochMs: number): ListenRecord {
    const favourite = this.random() < 0.55 && c.favourites.length > 0;
    return {
      type: 'listen',
      eventId: `e${++this.#eventSeq}`,
      customerId: c.id,
      trackId: favourite ? this.faker.helpers.arrayElement(c.favourites) : this.#tracks.pick(this.random()),
      ts: formatUtcWallClock(epochMs),
      mobile: this.random() < c.persona.mobileShare,
      zip: c.zip,
    };
  }

  click(c: DemoCustomer, epochMs: number): ClickRecord {
    const median = c.slowWeb ? 2600 : 420;
    const responseTimeMs = Math.max(20, Math.round(median * Math.exp(this.normal() * 0.5)));
    const product = this.faker.helpers.arrayElement(PRODUCTS);
    return {
      type: 'click',
      customerId: c.id,
      ts: formatUtcIso(epochMs),
      os: this.faker.helpers.arrayElement(OSES),
      browser: this.faker.helpers.arrayElement(BROWSERS),
      responseTimeMs,
      product,
      url: `https://shop.example.com/products/${product}`,
    };
  }

  prediction(c: DemoCustomer, epochMs: number): PredictionRecord {
    const inputs = churnInputs(
      {
        episodeOffsetDays: c.episodeOffsetDays,
        slowWeb: c.slowWeb,
        free: c.level === 0,
        linkedWithApps: c.linkedWithApps,
      },
      epochMs,
    );
    return {
      customerId: c.id,
      churnRisk: demoChurnRisk(inputs, this.normal()),
      model: DEMO_MODEL_NAME,
      ts: formatUtcIso(epochMs),
    };
  }
}
