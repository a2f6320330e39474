/**
 * Deterministic benchmark records: flat rows of 10 mixed columns, and nested records (an object
 * and a list of 5 objects each). The same generator feeds our pipeline, the native baseline and
 * dlt (which receives the same records as JSON lines).
 */

/** A small hash so values look random but are reproducible. */
function mix(i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const NAMES = ["olivia", "liam", "emma", "noah", "ava", "elijah", "sophia", "lucas"];
const CATEGORIES = ["books", "games", "music", "tools", "garden"];
const START = Date.UTC(2024, 0, 1);

export interface FlatRow {
  id: number;
  name: string;
  score: number;
  active: boolean;
  created_at: Date;
  amount: string | null;
  category: string;
  quantity: number;
  ratio: number;
  note: string | null;
}

export function flatRow(i: number): FlatRow {
  const h = mix(i);
  return {
    id: i,
    name: `${NAMES[h % NAMES.length]}_${String(h % 100000).padStart(5, "0")}`,
    score: (h % 100000) / 1000,
    active: (h & 1) === 1,
    created_at: new Date(START + i * 997 + (h % 1000)),
    amount: i % 10 === 0 ? null : `${Math.floor(h / 7) % 1000000}.${String(h % 100).padStart(2, "0")}`,
    category: CATEGORIES[h % CATEGORIES.length]!,
    quantity: h % 50,
    ratio: (h % 1000) / 997,
    note: i % 3 === 0 ? null : `note ${h % 997}`,
  };
}

export function nestedRecord(i: number): Record<string, unknown> {
  const h = mix(i);
  return {
    id: i,
    customer: { name: `${NAMES[h % NAMES.length]}`, city: CATEGORIES[h % CATEGORIES.length], zip: String(h % 99999) },
    created_at: new Date(START + i * 997),
    items: Array.from({ length: 5 }, (_, k) => ({ sku: `sku-${(h + k) % 5000}`, qty: (h >>> k) % 9, price: ((h >>> k) % 10000) / 100 })),
  };
}

export function* flatRows(count: number): Generator<FlatRow> {
  for (let i = 0; i < count; i++) yield flatRow(i);
}

export function* nestedRecords(count: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < count; i++) yield nestedRecord(i);
}
