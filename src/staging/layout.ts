/**
 * The staging filename layout: rendering (dlt's `path_utils.create_path`) and Athena's
 * validation (dlt's `get_table_prefix_layout`, plus the `{file_id}` and unknown-placeholder rules
 * that dlt documents but checks later or not at all). Pure: no clock, no I/O.
 */
import { ConfigError } from "../errors.js";

/** Date tokens rendered from `current_datetime` with pendulum's meaning, lower-cased like dlt. */
export const DATETIME_PLACEHOLDERS = [
  "YYYY", "YY", "Y", "MMMM", "MMM", "MM", "M", "DD", "D", "HH", "H", "mm", "m",
  "dddd", "ddd", "dd", "d", "ss", "s", "SSSS", "SSS", "SS", "S", "Q",
] as const;

/** Every placeholder a layout may use without `extra_placeholders`. */
export const STANDARD_PLACEHOLDERS: readonly string[] = [
  "schema_name", "table_name", "load_id", "file_id", "ext", "curr_date",
  "timestamp", "timestamp_ms", "load_package_timestamp", "load_package_timestamp_ms",
  ...DATETIME_PLACEHOLDERS,
];

/** dlt's default layout, also the example every validation message shows. */
export const DEFAULT_LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

/** The values one job path is rendered from. */
export interface LayoutParams {
  readonly schemaName: string;
  readonly tableName: string;
  readonly loadId: string;
  readonly fileId: string;
  /** `parquet`, or `jsonl.gz` style when compressed. */
  readonly ext: string;
  /** Creation time of the load package → `{load_package_timestamp}`. */
  readonly loadPackageTimestamp: Date;
  /** dlt's `current_datetime` → date tokens, `{timestamp}`, `{curr_date}`. Defaults to the package time. */
  readonly currentDatetime?: Date;
  /** `extra_placeholders` from config (name → value). Standard placeholders win on a name clash. */
  readonly extraPlaceholders?: Readonly<Record<string, string>>;
}

/** Names of the validation rules; they appear in messages and in `meta.rule`. */
export type LayoutRule =
  | "unknown_placeholder"
  | "table_name_missing"
  | "file_id_missing"
  | "file_id_before_table_name"
  | "placeholder_before_table_name"
  | "separator_after_table_name"
  | "table_needs_own_folder"
  | "unsafe_path";

const PLACEHOLDER = /\{(.*?)\}/g;

/**
 * Lists the placeholder names of a layout in order (dlt's regex `\{(.*?)\}`).
 *
 * @example
 * parsePlaceholders("{table_name}/{load_id}.{ext}"); // ["table_name", "load_id", "ext"]
 */
export function parsePlaceholders(layout: string): string[] {
  return [...layout.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "");
}

/**
 * Renders one job path (relative to the dataset folder). Unknown placeholders are a
 * {@link ConfigError} `invalid_layout`; as in dlt, `.<ext>` is appended when the layout has no
 * `{ext}`. Times are rendered in UTC.
 *
 * @example
 * renderLayout("{table_name}/{YYYY}/{MMM}/{load_id}.{file_id}.{ext}", {
 *   schemaName: "shop", tableName: "orders", loadId: "1714392000.1234567", fileId: "a1b2c3d4e5",
 *   ext: "parquet", loadPackageTimestamp: new Date("2024-04-29T12:00:00Z"),
 * }); // "orders/2024/apr/1714392000.1234567.a1b2c3d4e5.parquet"
 */
export function renderLayout(layout: string, params: LayoutParams): string {
  const values = renderParams(params);
  const unknown = parsePlaceholders(layout).filter((p) => !Object.hasOwn(values, p));
  if (unknown.length > 0) throw unknownPlaceholderError(layout, unknown, Object.keys(params.extraPlaceholders ?? {}));
  const path = layout.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "");
  const rendered = parsePlaceholders(layout).includes("ext") ? path : `${path}.${params.ext}`;
  // A placeholder value (extra_placeholders, a table name) must not make the key leave its folder.
  const problem = unsafePathProblem(rendered);
  if (problem !== undefined) throw layoutError(layout, "unsafe_path", `It renders to \`${rendered}\`, which ${problem}.`, { rendered });
  return rendered;
}

/**
 * Why a layout (or a key rendered from it) would not stay inside the dataset folder, or
 * `undefined` when it does: it must be a relative path with `/` between non-empty segments,
 * none of them `.` or `..`, and no backslash (S3 keeps it, a file store would treat it as a folder).
 *
 * @example unsafePathProblem("../{table_name}/{file_id}.{ext}"); // "has a `..` segment"
 */
export function unsafePathProblem(path: string): string | undefined {
  if (path.startsWith("/")) return "starts with `/`";
  if (path.includes("\\")) return "contains a backslash";
  const segments = path.split("/");
  if (segments.some((segment) => segment === "..")) return "has a `..` segment";
  if (segments.some((segment) => segment === ".")) return "has a `.` segment";
  if (segments.some((segment) => segment === "")) return "has an empty segment (`//` or a trailing `/`)";
  if (/[\u0000-\u001f\u007f]/.test(path)) return "contains a control character";
  return undefined;
}

function renderParams(params: LayoutParams): Record<string, string> {
  const now = params.currentDatetime ?? params.loadPackageTimestamp;
  return {
    ...params.extraPlaceholders,
    schema_name: params.schemaName,
    table_name: params.tableName,
    load_id: params.loadId,
    file_id: params.fileId,
    ext: params.ext,
    curr_date: now.toISOString().slice(0, 10),
    timestamp: String(Math.floor(now.getTime() / 1000)),
    timestamp_ms: String(now.getTime()),
    load_package_timestamp: String(Math.floor(params.loadPackageTimestamp.getTime() / 1000)),
    load_package_timestamp_ms: String(params.loadPackageTimestamp.getTime()),
    ...renderDateTokens(now),
  };
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/**
 * Pendulum's token meanings (pendulum/formatting/formatter.py): `d` is 0-6 with Sunday = 0,
 * `dd` the two-letter day name, `S…SSSS` fractions of a second (JS dates stop at milliseconds,
 * so `SSSS` ends in 0). dlt lower-cases every rendered token.
 *
 * @example
 * renderDateTokens(new Date("2024-04-29T12:05:09.123Z")).dddd; // "monday"
 */
export function renderDateTokens(date: Date): Record<(typeof DATETIME_PLACEHOLDERS)[number], string> {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const weekday = date.getUTCDay();
  const ms = date.getUTCMilliseconds();
  const tokens = {
    YYYY: String(year),
    YY: String(year).slice(2),
    Y: String(year),
    MMMM: MONTHS[month] ?? "",
    MMM: (MONTHS[month] ?? "").slice(0, 3),
    MM: pad(month + 1),
    M: String(month + 1),
    DD: pad(date.getUTCDate()),
    D: String(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    H: String(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    m: String(date.getUTCMinutes()),
    dddd: WEEKDAYS[weekday] ?? "",
    ddd: (WEEKDAYS[weekday] ?? "").slice(0, 3),
    dd: (WEEKDAYS[weekday] ?? "").slice(0, 2),
    d: String(weekday),
    ss: pad(date.getUTCSeconds()),
    s: String(date.getUTCSeconds()),
    SSSS: pad(ms * 10, 4),
    SSS: pad(ms, 3),
    SS: pad(Math.floor(ms / 10)),
    S: String(Math.floor(ms / 100)),
    Q: String(Math.floor(month / 3) + 1),
  };
  for (const key of Object.keys(tokens) as (keyof typeof tokens)[]) tokens[key] = tokens[key].toLowerCase();
  return tokens;
}

/**
 * Validates a layout for Athena before anything is extracted or uploaded. Rules, in order:
 * no unknown placeholders; `{table_name}` present; `{file_id}` present and after `{table_name}`;
 * no placeholder before `{table_name}` (literal text is fine: `data/{table_name}/…`); a `/`
 * right after `{table_name}` so every table has its own folder.
 *
 * @throws ConfigError `invalid_layout` quoting the layout, naming the rule, showing an example.
 * @example
 * validateLayoutForAthena("{table_name}/{load_id}/{file_id}.{ext}"); // ok
 * validateLayoutForAthena("{schema_name}/{table_name}/{file_id}.{ext}"); // throws
 */
export function validateLayoutForAthena(
  layout: string,
  extraPlaceholders: Readonly<Record<string, string>> | readonly string[] = [],
): void {
  const extraNames = Array.isArray(extraPlaceholders)
    ? (extraPlaceholders as readonly string[])
    : Object.keys(extraPlaceholders);
  const problem = unsafePathProblem(layout);
  if (problem !== undefined) {
    throw layoutError(layout, "unsafe_path", `The layout ${problem}; every staged file must stay inside <bucket_url>/<dataset>/.`);
  }
  const placeholders = parsePlaceholders(layout);
  const allowed = new Set([...STANDARD_PLACEHOLDERS, ...extraNames]);
  const unknown = placeholders.filter((p) => !allowed.has(p));
  if (unknown.length > 0) throw unknownPlaceholderError(layout, unknown, extraNames);
  validateTableFolder(layout, placeholders, true);
}

/**
 * The folder prefix of a table's files, relative to the dataset folder: the layout up to
 * `{table_name}` with the table substituted, plus `/`. Replace deletes list exactly this prefix,
 * so `orders/` never matches `orders_archive/…` or `orders__items/…`.
 *
 * @example
 * tablePrefix("{table_name}/{load_id}.{file_id}.{ext}", "orders"); // "orders/"
 * tablePrefix("data/{table_name}/{file_id}.{ext}", "orders");      // "data/orders/"
 */
export function tablePrefix(layout: string, table: string): string {
  validateTableFolder(layout, parsePlaceholders(layout), false);
  if (table === "" || table.includes("/") || table === "." || table === "..") {
    throw new ConfigError("invalid_table_name", `Invalid table name '${table}' for a staging folder.`, {
      meta: { table },
    });
  }
  return `${layout.slice(0, layout.indexOf("{table_name}"))}${table}/`;
}

function validateTableFolder(layout: string, placeholders: readonly string[], requireFileId: boolean): void {
  const tableIndex = placeholders.indexOf("table_name");
  if (tableIndex < 0) {
    throw layoutError(layout, "table_name_missing", "{table_name} placeholder not found. Athena needs every table in its own folder.");
  }
  if (requireFileId) {
    const fileIndex = placeholders.indexOf("file_id");
    if (fileIndex < 0) {
      throw layoutError(layout, "file_id_missing", "{file_id} placeholder not found. Without it, files of the same table and load overwrite each other.");
    }
    if (fileIndex < tableIndex) {
      throw layoutError(layout, "file_id_before_table_name", "{file_id} must appear after {table_name}.");
    }
  }
  const before = placeholders.slice(0, tableIndex);
  if (before.length > 0) {
    // dlt prints a Python list; we keep its wording so users can search for it.
    const list = `[${before.map((p) => `'${p}'`).join(", ")}]`;
    throw layoutError(layout, "placeholder_before_table_name", `No other placeholders are allowed before {table_name} but you have ${list} present.`);
  }
  const after = layout.charAt(layout.indexOf("{table_name}") + "{table_name}".length);
  if (after === "{") {
    throw layoutError(layout, "separator_after_table_name", "A separator is required after a {table_name}.");
  }
  if (after !== "/") {
    throw layoutError(layout, "table_needs_own_folder", "Table requires its own folder, please add a '/' after your {table_name}.");
  }
}

function unknownPlaceholderError(layout: string, unknown: readonly string[], extraNames: readonly string[]): ConfigError {
  const names = unknown.map((p) => `{${p}}`).join(", ");
  const extras = extraNames.length > 0 ? extraNames.map((p) => `{${p}}`).join(", ") : "none";
  return layoutError(
    layout,
    "unknown_placeholder",
    `Unknown placeholder(s) ${names}. Use a standard placeholder ({table_name}, {load_id}, {file_id}, {ext}, {schema_name}, {timestamp}, {curr_date}, {YYYY}, …) or declare it in extra_placeholders (declared: ${extras}).`,
    { unknown },
  );
}

function layoutError(layout: string, rule: LayoutRule, detail: string, meta: Record<string, unknown> = {}): ConfigError {
  return new ConfigError(
    "invalid_layout",
    `Invalid staging layout \`layout='${layout}'\` (rule: ${rule}): ${detail} An example of valid layout: \`${DEFAULT_LAYOUT}\``,
    { meta: { layout, rule, example: DEFAULT_LAYOUT, ...meta } },
  );
}
