/**
 * Trino's most used functions on the local engine, as DuckDB macros created on every connection
 * (`CREATE OR REPLACE TEMP MACRO`, so nothing is stored in the database file). A temporary macro
 * takes precedence over a DuckDB built-in of the same name (verified on 1.5.6), so `date_add`,
 * `date_diff`, `date_trunc`, `element_at`, `cardinality`, `regexp_replace` and `regexp_extract`
 * take Trino's argument orders and meanings here; macro bodies reach the built-ins through
 * their aliases (`datetrunc`, `date_sub`) or `system.main.<name>`, never through a shadowed name.
 *
 * Semantics follow Trino 476's documentation (functions/datetime.md, json.md, array.md,
 * regexp.md, aggregate.md) and were checked against a Trino 476 server; what stays different is
 * listed in the README ("SQL on the local engine").
 */
import { quoteDuckDBString as qs } from "../../writers/duckdb-types.js";

/** Session settings that make DuckDB evaluate like Athena: UTC session zone, integer `/`. */
export const TRINO_SESSION_SETTINGS: readonly string[] = ["SET TimeZone = 'UTC'", "SET integer_division = true"];

/** `%x` → strftime/strptime text for Trino's MySQL-style specifiers (functions/datetime.md). */
const FORMAT_SPECIFIERS: Readonly<Record<string, string>> = {
  "%a": "%a",
  "%b": "%b",
  "%c": "%-m",
  "%d": "%d",
  "%e": "%-d",
  "%f": "%f",
  "%H": "%H",
  "%h": "%I",
  "%I": "%I",
  "%i": "%M",
  "%j": "%j",
  "%k": "%-H",
  "%l": "%-I",
  "%M": "%B",
  "%m": "%m",
  "%p": "%p",
  "%r": "%I:%M:%S %p",
  "%S": "%S",
  "%s": "%S",
  "%T": "%H:%M:%S",
  "%v": "%V",
  "%W": "%A",
  "%x": "%G",
  "%Y": "%Y",
  "%y": "%y",
  "%%": "%%",
};

/** Where parsing needs other DuckDB specifiers than printing (strptime reads 1-2 digits anyway). */
const PARSE_SPECIFIERS: Readonly<Record<string, string>> = {
  ...FORMAT_SPECIFIERS,
  "%c": "%m",
  "%e": "%d",
  "%k": "%H",
  "%l": "%I",
  // Trino reads 1-9 fraction digits; DuckDB's %n reads up to nanoseconds.
  "%f": "%n",
};

/** Specifiers Trino rejects ("%D not supported in date format string"). */
const UNSUPPORTED_SPECIFIERS = ["%D", "%U", "%u", "%V", "%w", "%X"];

/** The format's tokens: `%` plus one character, or a run of literal text. A lone trailing `%` is dropped, as in Trino. */
function tokens(format: string): string {
  return `regexp_extract_all(${format}, '(?s)%.|[^%]+')`;
}

/**
 * SQL that turns a Trino format string (a SQL expression) into a strftime/strptime format.
 * DuckDB needs that format to be constant when a query binds, so the format must be a literal
 * (or a constant expression), which it nearly always is. The lambda around it keeps DuckDB from
 * evaluating it with a placeholder when the macro is created (strptime refuses that, 1.5.6).
 */
function translatedFormat(format: string, specifiers: Readonly<Record<string, string>>): string {
  const cases = Object.entries(specifiers)
    .map(([trino, duck]) => `WHEN ${qs(trino)} THEN ${qs(duck)}`)
    .join(" ");
  // Any other `%x` stands for `x`; literal text cannot contain `%` (the token regex splits there).
  const piece = `CASE t ${cases} ELSE CASE WHEN t[1] = '%' THEN t[2] ELSE t END END`;
  return `list_transform([${format}], ff -> array_to_string(list_transform(${tokens("ff")}, t -> ${piece}), ''))[1]`;
}

/** `body`, or Trino's error when the format uses a specifier Trino does not support. */
function checkedFormat(format: string, body: string): string {
  const unsupported = `list_filter(${tokens(format)}, t -> t IN (${UNSUPPORTED_SPECIFIERS.map(qs).join(", ")}))`;
  return `CASE WHEN len(${unsupported}) > 0 THEN error(${unsupported}[1] || ' not supported in date format string') ELSE ${body} END`;
}

/** True when the format has one of the given specifiers (as tokens, so `%%Y` does not count). */
function hasSpecifier(format: string, specifiers: readonly string[]): string {
  return `len(list_filter(${tokens(format)}, t -> t IN (${specifiers.map(qs).join(", ")}))) > 0`;
}

/**
 * `date_parse`: strptime, truncated to milliseconds (Trino returns timestamp(3)). DuckDB's
 * defaults differ in two places, corrected here: a format without a year starts in 1900 on
 * DuckDB and in 1970 on Trino; `%y` reads 69 as 1969 on DuckDB and as 2069 on Trino (70-99 are
 * 19xx on both).
 */
function dateParseBody(): string {
  const parsed = `CAST(strptime(s, ${translatedFormat("f", PARSE_SPECIFIERS)}) AS TIMESTAMP)`;
  const noYear = `NOT ${hasSpecifier("f", ["%Y", "%y", "%x"])}`;
  const yearFix =
    `CASE WHEN ${noYear} THEN INTERVAL 70 YEAR ` +
    `WHEN ${hasSpecifier("f", ["%y"])} AND year(${parsed}) = 1969 THEN INTERVAL 100 YEAR ELSE INTERVAL 0 YEAR END`;
  return checkedFormat("f", `datetrunc('millisecond', ${parsed} + ${yearFix})`);
}

/** Trino's interval units → a DuckDB interval of `v` units; anything else raises Trino's error. */
function interval(unit: string, value: string): string {
  return (
    `CASE lower(${unit}) WHEN 'millisecond' THEN to_milliseconds(${value}) WHEN 'second' THEN to_seconds(${value}) ` +
    `WHEN 'minute' THEN to_minutes(${value}) WHEN 'hour' THEN to_hours(${value}) WHEN 'day' THEN to_days(${value}) ` +
    `WHEN 'week' THEN to_days(${value} * 7) WHEN 'month' THEN to_months(${value}) WHEN 'quarter' THEN to_months(${value} * 3) ` +
    `WHEN 'year' THEN to_years(${value}) ELSE error('''' || ${unit} || ''' is not a valid Timestamp field') END`
  );
}

/** Raises Trino's error for a unit below a day on a DATE. */
function dateUnitCheck(unit: string): string {
  return `CASE WHEN lower(${unit}) IN ('millisecond', 'second', 'minute', 'hour') THEN error('''' || ${unit} || ''' is not a valid DATE field') END`;
}

// Trino's JSONPath accepts ["key"]; DuckDB's spells it ."key".
const JSON_PATH = `system.main.regexp_replace(p, '\\["([^"]*)"\\]', '."\\1"', 'g')`;

/** `name` → its overloads `(params) AS body`. */
const MACROS: Readonly<Record<string, readonly string[]>> = {
  // Exact on the local engine: within any error bound Trino documents (2.3% by default).
  approx_distinct: ["(x) AS count(DISTINCT x)", "(x, e) AS count(DISTINCT x)"],
  date_format: [`(x, f) AS ${checkedFormat("f", `strftime(datetrunc('millisecond', x), ${translatedFormat("f", FORMAT_SPECIFIERS)})`)}`],
  date_parse: [`(s, f) AS ${dateParseBody()}`],
  // ISO 8601 with optional time and zone; the session zone (UTC) when none is given.
  from_iso8601_timestamp: [
    `(s) AS datetrunc('millisecond', CAST(CASE WHEN regexp_matches(s, '^\\d{4}$') THEN s || '-01-01' ` +
      `WHEN regexp_matches(s, '^\\d{4}-\\d{2}$') THEN s || '-01' ELSE s END AS TIMESTAMPTZ))`,
  ],
  from_iso8601_date: ["(s) AS CAST(s AS DATE)"],
  to_iso8601: [
    "(x DATE) AS strftime(x, '%Y-%m-%d')",
    "(x TIMESTAMP) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g')",
    "(x TIMESTAMPTZ) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ')",
  ],
  // Every map binds to the MAP overload (DuckDB casts keys and values implicitly, which keeps
  // the count), everything else to the array one; one MAP overload only, as several are ambiguous.
  cardinality: ["(x MAP(VARCHAR, VARCHAR)) AS len(map_keys(x))", "(x) AS len(x)"],
  // 1-based, negative from the end, NULL beyond either end; a map answers by key.
  element_at: ["(x, k) AS x[k]"],
  regexp_like: ["(s, p) AS regexp_matches(s, p)"],
  // Trino replaces every match and writes groups as $1; DuckDB replaces the first unless 'g', with \1.
  regexp_replace: [
    "(s, p) AS system.main.regexp_replace(s, p, '', 'g')",
    "(s, p, r) AS system.main.regexp_replace(s, p, system.main.regexp_replace(r, '\\$(\\d)', '\\\\\\1', 'g'), 'g')",
  ],
  // NULL when nothing matches (DuckDB returns '').
  regexp_extract: [
    "(s, p) AS CASE WHEN regexp_matches(s, p) THEN system.main.regexp_extract(s, p) END",
    "(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN system.main.regexp_extract(s, p, g) END",
  ],
  // A scalar (string, number, boolean) as text; NULL for objects, arrays, JSON null, misses and invalid JSON.
  json_extract_scalar: [
    `(j, p) AS CASE WHEN json_valid(j) AND json_type(j, ${JSON_PATH}) NOT IN ('OBJECT', 'ARRAY') ` +
      `THEN json_extract_string(j, ${JSON_PATH}) END`,
  ],
  to_unixtime: ["(x) AS epoch(x)"],
  // Seconds since the epoch (fractions kept to the millisecond) as an instant; zone arguments
  // are accepted, but the value is the same instant shown in UTC.
  from_unixtime: [
    "(x) AS datetrunc('millisecond', to_timestamp(x))",
    "(x, zone) AS datetrunc('millisecond', to_timestamp(x))",
    "(x, h, m) AS datetrunc('millisecond', to_timestamp(x))",
  ],
  date_trunc: [
    `(u VARCHAR, x DATE) AS CASE WHEN lower(u) IN ('millisecond', 'second', 'minute', 'hour') ` +
      `THEN error('''' || u || ''' is not a valid DATE field') ELSE CAST(datetrunc(u, x) AS DATE) END`,
    "(u VARCHAR, x TIMESTAMP) AS datetrunc(u, x)",
    "(u VARCHAR, x TIMESTAMPTZ) AS datetrunc(u, x)",
  ],
  date_add: [
    `(u VARCHAR, v BIGINT, x DATE) AS coalesce(${dateUnitCheck("u")}, CAST(x + ${interval("u", "v")} AS DATE))`,
    `(u VARCHAR, v BIGINT, x TIMESTAMP) AS x + ${interval("u", "v")}`,
    `(u VARCHAR, v BIGINT, x TIMESTAMPTZ) AS x + ${interval("u", "v")}`,
  ],
  // Whole units from a to b, truncated toward zero; months count a month-end as a whole month,
  // which DuckDB's date_sub does the same way.
  date_diff: ["(u, a, b) AS date_sub(lower(u), a, b)"],
  day_of_week: ["(x) AS isodow(x)"],
  dow: ["(x) AS isodow(x)"],
  day_of_year: ["(x) AS dayofyear(x)"],
  doy: ["(x) AS dayofyear(x)"],
  year_of_week: ["(x) AS isoyear(x)"],
  yow: ["(x) AS isoyear(x)"],
  week_of_year: ["(x) AS week(x)"],
  last_day_of_month: ["(x) AS last_day(x)"],
  arbitrary: ["(x) AS any_value(x)"],
  // Inclusive bounds, as DuckDB's generate_series; dates step by a day.
  sequence: [
    "(a DATE, b DATE) AS list_transform(generate_series(CAST(a AS TIMESTAMP), CAST(b AS TIMESTAMP), INTERVAL 1 DAY), d -> CAST(d AS DATE))",
    "(a BIGINT, b BIGINT) AS generate_series(a, b)",
    "(a BIGINT, b BIGINT, step BIGINT) AS generate_series(a, b, step)",
  ],
  array_join: ["(a, sep) AS array_to_string(a, sep)"],
};

/** The Trino function names the local engine defines. */
export const TRINO_FUNCTIONS: readonly string[] = Object.keys(MACROS).sort();

/**
 * The statements that prepare a connection: session settings, then one macro per function.
 *
 * @example
 * trinoFunctionMacros().some((s) => s.startsWith('CREATE OR REPLACE TEMP MACRO "date_add"')); // true
 */
export function trinoFunctionMacros(): readonly string[] {
  return [
    ...TRINO_SESSION_SETTINGS,
    ...Object.entries(MACROS).map(([name, overloads]) => `CREATE OR REPLACE TEMP MACRO "${name}"${overloads.join(", ")}`),
  ];
}
