import type { QueryResult } from "../../destination/sql-client.js";

/**
 * A query value as JSON: numbers stay numbers, bigint beyond 2^53 and decimals are strings (no
 * precision lost), timestamps are ISO-8601 UTC with milliseconds, binary is base64, NULL is null.
 * NaN and ±Infinity, which JSON has no number for, are the strings Athena prints ("NaN",
 * "Infinity", "-Infinity"), never null: a NULL and a NaN stay apart.
 */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

/** Text for tables and CSV. */
export function textValue(value: unknown): string {
  const json = jsonValue(value);
  if (json === null) return "";
  return typeof json === "string" ? json : String(json);
}

/**
 * Column names made unique for JSON objects: a repeated name gets `_2`, `_3`, … (skipping names
 * the result already has), so two columns both named `id` keep both values.
 *
 * @example uniqueColumnNames(["id", "id", "name"]) // ["id", "id_2", "name"]
 */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`) || seen.has(`${name}_${n}`)) n += 1;
    const unique = `${name}_${n}`;
    seen.add(unique);
    return unique;
  });
}

/** `{ columns, rows }` with rows as objects keyed by column name (repeated names suffixed). */
export function resultToJson(result: QueryResult): { columns: { name: string; type: string }[]; rows: Record<string, unknown>[] } {
  const names = uniqueColumnNames(result.columns.map((c) => c.name));
  return {
    columns: result.columns.map((c, i) => ({ name: names[i]!, type: c.type })),
    rows: result.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, jsonValue(row[i])]))),
  };
}

/** RFC 4180 CSV with a header line. */
export function resultToCsv(result: QueryResult): string {
  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [result.columns.map((c) => cell(c.name)).join(",")];
  for (const row of result.rows) lines.push(row.map((v) => (v === null || v === undefined ? "" : cell(textValue(v)))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** An aligned text table; NULL shows as `NULL`. */
export function resultToTable(result: QueryResult, showTypes = false): string {
  const header = result.columns.map((c) => (showTypes ? `${c.name} (${c.type})` : c.name));
  const body = result.rows.map((row) => row.map((v) => (v === null || v === undefined ? "NULL" : textValue(v))));
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((r) => (r[i] ?? "").length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...body.map(line)].join("\n");
}
