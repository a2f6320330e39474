/**
 * The bench's input files: deterministic NDJSON, written once per shape and size into
 * `.cache/bench/data/` (gitignored) before any clock starts, and reused by later runs. Every peer
 * reads the same file.
 */
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";

export type Shape = "flat" | "nested" | "wide" | "tables";

/** A small hash so values look random but are reproducible. */
function mix(i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const NAMES = ["olivia", "liam", "emma", "noah", "ava", "elijah", "sophia", "lucas"];
const CATEGORIES = ["books", "games", "music", "tools", "garden"];
const START = Date.UTC(2024, 0, 1);

/** 10 mixed columns: integers, text, doubles, booleans, an ISO timestamp, a decimal as text, NULLs. */
function flat(i: number): Record<string, unknown> {
  const h = mix(i);
  return {
    id: i,
    name: `${NAMES[h % NAMES.length]}_${String(h % 100000).padStart(5, "0")}`,
    score: (h % 100000) / 1000,
    active: (h & 1) === 1,
    created_at: new Date(START + i * 997 + (h % 1000)).toISOString(),
    amount: i % 10 === 0 ? null : `${Math.floor(h / 7) % 1000000}.${String(h % 100).padStart(2, "0")}`,
    category: CATEGORIES[h % CATEGORIES.length],
    quantity: h % 50,
    ratio: (h % 1000) / 997,
    note: i % 3 === 0 ? null : `note ${h % 997}`,
  };
}

/** A record with a nested object and a list of 5 objects: 1 root row and 5 child rows. */
function nested(i: number): Record<string, unknown> {
  const h = mix(i);
  return {
    id: i,
    customer: { name: NAMES[h % NAMES.length], city: CATEGORIES[h % CATEGORIES.length], zip: String(h % 99999) },
    created_at: new Date(START + i * 997).toISOString(),
    items: Array.from({ length: 5 }, (_, k) => ({ sku: `sku-${(h + k) % 5000}`, qty: (h >>> k) % 9, price: ((h >>> k) % 10000) / 100 })),
  };
}

/** 200 columns cycling integer, double, text and boolean. */
function wide(i: number): Record<string, unknown> {
  const h = mix(i);
  const row: Record<string, unknown> = {};
  for (let c = 0; c < 200; c++) {
    const v = (h >>> c % 16) + c;
    row[`c${c}`] = c % 4 === 0 ? v % 100000 : c % 4 === 1 ? (v % 10000) / 100 : c % 4 === 2 ? `v${v % 1000}` : (v & 1) === 1;
  }
  return row;
}

/** Records spread over `tables` tables, routed by their `table` field (10 rows each in the bench). */
function spread(i: number, tables: number): Record<string, unknown> {
  const h = mix(i);
  return { table: `t_${String(i % tables).padStart(3, "0")}`, id: i, name: NAMES[h % NAMES.length], at: new Date(START + i * 1000).toISOString() };
}

/**
 * The path of the NDJSON file with `count` records of `shape` (for `tables`: `count` records over
 * `tables` tables), writing it first when it does not exist yet.
 */
export async function inputFile(root: string, shape: Shape, count: number, tables = 1): Promise<string> {
  const folder = join(root, "data");
  mkdirSync(folder, { recursive: true });
  const path = join(folder, shape === "tables" ? `tables-${tables}x${count / tables}.ndjson` : `${shape}-${count}.ndjson`);
  if (existsSync(path)) return path;
  const make = shape === "flat" ? flat : shape === "nested" ? nested : shape === "wide" ? wide : (i: number) => spread(i, tables);
  const temp = `${path}.tmp`;
  const out = createWriteStream(temp);
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify(make(i)));
    if (lines.length === 1000 || i === count - 1) {
      if (!out.write(`${lines.join("\n")}\n`)) await once(out, "drain");
      lines = [];
    }
  }
  out.end();
  await once(out, "finish");
  renameSync(temp, path);
  return path;
}
