/**
 * A simulated online shop, so the demo runs offline: customers (with an address object and a
 * list of tags) and orders (with a list of line items). Everything is generated from a seeded
 * random generator, one day of trading at a time, so the same day always yields the same data.
 *
 * The shop opened on 2024-01-01. The first run sees its first 90 days; each later run sees one
 * more day, so it finds a few dozen new orders and a handful of new or changed customers.
 */

export interface Address {
  readonly street: string;
  readonly city: string;
  readonly postal_code: string;
  readonly country: string;
}

export interface Customer {
  readonly customer_id: number;
  readonly name: string;
  readonly email: string;
  readonly tier: "basic" | "silver" | "gold";
  readonly address: Address;
  readonly tags: readonly string[];
  readonly signed_up_at: Date;
  readonly updated_at: Date;
}

export interface LineItem {
  readonly sku: string;
  readonly product: string;
  readonly quantity: number;
  readonly unit_price: number;
}

export interface Order {
  readonly order_id: number;
  readonly customer_id: number;
  readonly placed_at: Date;
  readonly status: "paid" | "shipped" | "delivered";
  readonly shipping: { readonly method: "standard" | "express"; readonly cost: number };
  readonly items: readonly LineItem[];
}

const OPENING_DAY = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;
/** Days of trading the first run sees (day 0 is the opening). */
export const FIRST_RUN_DAYS = 90;

const FIRST_NAMES = ["Ada", "Ben", "Chloe", "Dario", "Eva", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Nora", "Oskar", "Priya"];
const LAST_NAMES = ["Novak", "Schmidt", "Rossi", "Garcia", "Kowalski", "Dubois", "Silva", "Jensen", "Okafor", "Berg", "Moreau", "Costa"];
const CITIES: ReadonlyArray<readonly [string, string]> = [
  ["Berlin", "DE"], ["Hamburg", "DE"], ["Munich", "DE"], ["Paris", "FR"], ["Lyon", "FR"], ["Madrid", "ES"],
  ["Lisbon", "PT"], ["Milan", "IT"], ["Warsaw", "PL"], ["Vienna", "AT"], ["Copenhagen", "DK"], ["Amsterdam", "NL"],
];
const STREETS = ["Main St", "Station Rd", "Park Ave", "Harbour Way", "Mill Lane", "Church St", "Market Sq"];
const TAGS = ["newsletter", "vip", "wholesale", "returns_often", "gift_buyer", "eco"];
const PRODUCTS: ReadonlyArray<readonly [string, string, number]> = [
  ["MUG-01", "Enamel mug", 12.5], ["MUG-02", "Espresso cup set", 24.0], ["TEE-01", "Organic T-shirt", 19.9],
  ["TEE-02", "Long-sleeve shirt", 29.9], ["BAG-01", "Canvas tote", 15.0], ["BAG-02", "Leather backpack", 129.0],
  ["NB-01", "Dot-grid notebook", 9.5], ["NB-02", "Hardcover journal", 18.0], ["PEN-01", "Fountain pen", 45.0],
  ["PEN-02", "Gel pen pack", 6.5], ["LMP-01", "Desk lamp", 59.0], ["PLT-01", "Ceramic planter", 22.0],
  ["TEA-01", "Green tea, 100 g", 8.9], ["TEA-02", "Chai blend, 250 g", 14.5], ["SOC-01", "Wool socks", 11.0],
];

/** mulberry32: a tiny seeded generator, so each day's data is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Day {
  readonly customers: Customer[];
  readonly orders: Order[];
}

/** Replays the shop from its opening through `lastDay`: every customer's latest version, and every order. */
function simulate(lastDay: number): Day {
  const customers = new Map<number, Customer>();
  const orders: Order[] = [];
  for (let day = 0; day <= lastDay; day++) {
    const rand = random(day * 7919 + 17);
    const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
    const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;
    const at = () => new Date(OPENING_DAY + day * DAY_MS + int(8 * 3600, 22 * 3600) * 1000);
    const address = (): Address => {
      const [city, country] = pick(CITIES);
      return { street: `${int(1, 180)} ${pick(STREETS)}`, city, postal_code: String(int(10000, 99999)), country };
    };

    for (let n = day === 0 ? 300 : int(2, 6); n > 0; n--) {
      const id = customers.size + 1;
      const name = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
      const signedUp = at();
      const tags = TAGS.filter(() => rand() < 0.2);
      customers.set(id, {
        customer_id: id, name, email: `${name.toLowerCase().replace(" ", ".")}.${id}@example.com`,
        tier: "basic", address: address(), tags, signed_up_at: signedUp, updated_at: signedUp,
      });
    }
    if (day > 0) {
      // A few customers move house, climb a tier or pick up a tag.
      for (let n = int(3, 8); n > 0; n--) {
        const current = customers.get(int(1, customers.size))!;
        const change = rand();
        const updated: Customer =
          change < 0.4 ? { ...current, address: address() }
          : change < 0.8 ? { ...current, tier: current.tier === "basic" ? "silver" : "gold" }
          : { ...current, tags: [...new Set([...current.tags, pick(TAGS)])] };
        customers.set(current.customer_id, { ...updated, updated_at: at() });
      }
      for (let n = int(25, 40); n > 0; n--) {
        const items = Array.from({ length: int(1, 4) }, () => {
          const [sku, product, unitPrice] = pick(PRODUCTS);
          return { sku, product, quantity: int(1, 3), unit_price: unitPrice };
        });
        const express = rand() < 0.25;
        orders.push({
          order_id: orders.length + 1,
          customer_id: int(1, customers.size),
          placed_at: at(),
          status: pick(["paid", "shipped", "delivered"] as const),
          shipping: { method: express ? "express" : "standard", cost: express ? 9.9 : 4.5 },
          items,
        });
      }
    }
  }
  return { customers: [...customers.values()], orders };
}

/** The day after the one `since` falls on, or the last day of the first run when nothing was loaded yet. */
export function today(since: Date | string | undefined): number {
  if (since === undefined) return FIRST_RUN_DAYS - 1;
  return Math.floor((new Date(since).getTime() - OPENING_DAY) / DAY_MS) + 1;
}

function* pages<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** Customers created or changed after `since`, in pages, like a REST API's `?updated_since=`. */
export function* fetchCustomers(since?: Date | string): Generator<Customer[]> {
  const after = since === undefined ? -Infinity : new Date(since).getTime();
  const changed = simulate(today(since)).customers.filter((c) => c.updated_at.getTime() > after);
  yield* pages(changed, 250);
}

/** Orders placed after `since`, in pages. */
export function* fetchOrders(since?: Date | string): Generator<Order[]> {
  const after = since === undefined ? -Infinity : new Date(since).getTime();
  yield* pages(simulate(today(since)).orders.filter((o) => o.placed_at.getTime() > after), 500);
}
