/**
 * All escaping of the Athena dialect. Athena speaks two languages: DDL is Hive (identifiers in
 * backticks, string literals with backslash escapes) and DML is Trino (identifiers in double
 * quotes, string literals with `''`). Names reach us already normalized by the naming convention,
 * but this module still refuses anything that cannot be written identically in both languages,
 * so a hostile name fails loudly instead of changing the meaning of a statement.
 */
import { LoadError } from "../../errors.js";
import type { TableRef } from "../plan.js";

/** Athena/Glue identifiers are 1–255 bytes (UTF-8). */
export const MAX_IDENTIFIER_BYTES = 255;

// C0/C1 control characters (NUL, newline, tab, ...), DEL and the two Unicode line separators:
// none can appear in a name on one line of a statement.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * Refuses an identifier that could break out of quoting or that DDL and DML would read
 * differently: empty, longer than 255 bytes, control characters (NUL, newline, …), or a
 * backslash. Why the backslash: dlt escapes it as `\\` in DDL, but Hive's quoted-identifier
 * grammar has no backslash escapes (only ``` `` ```), so DDL would name a different column than
 * DML — and `` \` `` would close the quote in Hive. Quotes and backticks are escaped, not refused.
 *
 * @throws LoadError `unsafe_identifier`
 * @example
 * assertSafeIdentifier("orders__items"); // ok
 * assertSafeIdentifier("a\nb");          // throws
 */
export function assertSafeIdentifier(name: string, what = "identifier"): void {
  let reason: string | undefined;
  if (name === "") reason = "it is empty";
  else if (CONTROL.test(name)) reason = "it contains a control character (NUL, newline, tab, …)";
  else if (name.includes("\\")) reason = "it contains a backslash, which Hive DDL and Trino DML read differently";
  else if (Buffer.byteLength(name, "utf8") > MAX_IDENTIFIER_BYTES) reason = `it is longer than ${MAX_IDENTIFIER_BYTES} bytes`;
  if (reason !== undefined) {
    throw new LoadError(
      "unsafe_identifier",
      `The ${what} ${JSON.stringify(name)} cannot be used in Athena: ${reason}. Rename it (the snake_case naming convention produces safe names).`,
      { meta: { identifier: name, what } },
    );
  }
}

/**
 * A DDL (Hive) identifier: lower-cased, in backticks, a backtick doubled as Hive's grammar wants.
 *
 * @example
 * quoteDdlIdentifier("_dlt_Loads"); // "`_dlt_loads`"
 * quoteDdlIdentifier("a`b");        // "`a``b`"
 */
export function quoteDdlIdentifier(name: string): string {
  assertSafeIdentifier(name);
  return `\`${name.toLowerCase().replaceAll("`", "``")}\``;
}

/**
 * A DML (Trino) identifier: lower-cased, in double quotes, a double quote doubled.
 *
 * @example
 * quoteDmlIdentifier("Order");  // "\"order\""
 * quoteDmlIdentifier('a"b');    // "\"a\"\"b\""
 */
export function quoteDmlIdentifier(name: string): string {
  assertSafeIdentifier(name);
  return `"${name.toLowerCase().replaceAll('"', '""')}"`;
}

/**
 * `catalog`.`database`.`table` for DDL.
 *
 * @example
 * qualifyDdl({ catalog: "awsdatacatalog", database: "shop", table: "orders" }); // "`awsdatacatalog`.`shop`.`orders`"
 */
export function qualifyDdl(ref: TableRef): string {
  return [ref.catalog, ref.database, ref.table].map(quoteDdlIdentifier).join(".");
}

/**
 * "catalog"."database"."table" for DML and queries.
 *
 * @example
 * qualifyDml({ catalog: "awsdatacatalog", database: "shop", table: "orders" }); // '"awsdatacatalog"."shop"."orders"'
 */
export function qualifyDml(ref: TableRef): string {
  return [ref.catalog, ref.database, ref.table].map(quoteDmlIdentifier).join(".");
}

/**
 * A Trino string literal (DML and queries): `'` doubled. NUL is refused (Athena cannot store it).
 *
 * @throws LoadError `unsafe_literal`
 * @example
 * quoteLiteral("it's"); // "'it''s'"
 */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) {
    throw new LoadError("unsafe_literal", "A string literal contains a NUL character, which Athena cannot store.", {
      meta: { literal: value.slice(0, 100) },
    });
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A Hive string literal for DDL (LOCATION, TBLPROPERTIES). Hive strings have backslash escapes,
 * so rather than re-implement them we refuse `'`, `\` and control characters: these values are
 * bucket URLs and property names, where such characters are always a mistake.
 *
 * @throws LoadError `unsafe_literal`
 * @example
 * quoteDdlLiteral("s3://my-lake/raw/shop/orders/"); // "'s3://my-lake/raw/shop/orders/'"
 */
export function quoteDdlLiteral(value: string): string {
  if (/['\\]/.test(value) || CONTROL.test(value)) {
    throw new LoadError(
      "unsafe_literal",
      `The DDL value ${JSON.stringify(value)} contains a quote, a backslash or a control character; use a bucket_url and names without them.`,
      { meta: { literal: value } },
    );
  }
  return `'${value}'`;
}

/**
 * A timestamp literal in UTC with milliseconds (JavaScript dates stop there).
 *
 * @example
 * timestampLiteral(new Date("2024-04-29T12:00:00.123Z")); // "TIMESTAMP '2024-04-29 12:00:00.123'"
 */
export function timestampLiteral(date: Date): string {
  const iso = isoOf(date);
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

/**
 * A date literal (UTC day of a `Date`, or a `YYYY-MM-DD` string).
 *
 * @example
 * dateLiteral("2024-04-29"); // "DATE '2024-04-29'"
 */
export function dateLiteral(value: Date | string): string {
  const day = typeof value === "string" ? value : isoOf(value).slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new LoadError("invalid_literal", `'${day}' is not a date (YYYY-MM-DD).`, { meta: { value: day } });
  }
  return `DATE '${day}'`;
}

function isoOf(date: Date): string {
  const time = date.getTime();
  // toISOString writes 6-digit signed years outside 0000–9999, which Athena does not parse.
  if (Number.isNaN(time) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) {
    throw new LoadError("invalid_literal", `Cannot write ${String(date)} as an Athena timestamp.`, { meta: { value: String(date) } });
  }
  return date.toISOString();
}
