/**
 * The parity corpus: each case is run through dlt (the oracle) and through `dlt-athena --local`,
 * run by run, and the resulting tables are compared. Cases are plain JSON so both sides read the
 * same file; values JSON cannot carry are tagged objects (`$date`, `$bigint`, `$bytes`, `$decimal`).
 * `table_format` is applied on our side only (dlt's duckdb destination has no Iceberg; on Athena
 * merge needs Iceberg tables).
 */

export type Tagged = { $date: string } | { $bigint: string } | { $bytes: string } | { $decimal: string } | { $float: string };

export interface ColumnSpec {
  readonly data_type?: string;
  readonly nullable?: boolean;
  readonly precision?: number;
  readonly scale?: number;
  readonly timezone?: boolean;
  readonly primary_key?: boolean;
  readonly merge_key?: boolean;
  readonly unique?: boolean;
  readonly partition?: boolean;
}

export interface ResourceSpec {
  readonly name: string;
  readonly table_name?: string;
  readonly write_disposition?: "append" | "replace" | "merge" | { disposition: "merge"; strategy: "upsert" | "delete-insert" };
  readonly primary_key?: string | readonly string[];
  readonly merge_key?: string | readonly string[];
  readonly columns?: Readonly<Record<string, ColumnSpec>>;
  readonly table_format?: "iceberg";
  readonly max_table_nesting?: number;
  readonly incremental?: {
    readonly cursor_path: string;
    readonly initial_value?: unknown;
    readonly primary_key?: string | readonly string[];
    readonly last_value_func?: "max" | "min";
  };
  readonly data: readonly unknown[];
}

export interface RunSpec {
  readonly resources: readonly ResourceSpec[];
}

export interface ParityCase {
  readonly name: string;
  /** What part of the rule set the case covers (the report groups by it). */
  readonly covers: string;
  readonly runs: readonly RunSpec[];
}

const one = (name: string, covers: string, resource: ResourceSpec): ParityCase => ({ name, covers, runs: [{ resources: [resource] }] });
const date = (iso: string): Tagged => ({ $date: iso });
const big = (digits: string): Tagged => ({ $bigint: digits });

const ORDERS = [
  { id: 1, customer: { name: "Ann", address: { city: "Oslo" } }, total: 10.5, items: [{ sku: "a", qty: 1 }, { sku: "b", qty: 2 }] },
  { id: 2, customer: { name: "Bob", address: { city: "Rome" } }, total: 3.25, items: [{ sku: "c", qty: 5, tags: ["x", "y"] }] },
];

export const CASES: readonly ParityCase[] = [
  // --- nesting
  one("nest_flat_dict", "nesting", { name: "events", data: [{ id: 1, a: { b: 1, c: { d: "x" } }, e: 2 }, { id: 2, a: { b: 2 }, e: 3 }] }),
  one("nest_order_after_scalars", "nesting", { name: "things", data: [{ a: { b: 1 }, c: 2, d: { e: "x" }, f: true }] }),
  one("nest_child_tables", "nesting", { name: "orders", data: ORDERS }),
  one("nest_list_of_scalars", "nesting", { name: "posts", data: [{ id: 1, tags: ["a", "b", "c"] }, { id: 2, tags: [] }, { id: 3, tags: ["d"] }] }),
  one("nest_list_of_lists", "nesting", { name: "matrix", data: [{ id: 1, m: [[1, 2], [3]] }, { id: 2, m: [[], [4, 5, 6]] }] }),
  one("nest_three_levels", "nesting", {
    name: "shop",
    data: [{ id: 1, orders: [{ no: 1, lines: [{ sku: "a", opts: [{ k: "c", v: "red" }] }] }, { no: 2, lines: [] }] }],
  }),
  one("nest_max_nesting_1", "nesting", { name: "docs", max_table_nesting: 1, data: [{ id: 1, a: { b: { c: 1 } }, l: [{ x: [1, 2], y: { z: 1 } }] }] }),
  one("nest_max_nesting_0", "nesting", { name: "docs0", max_table_nesting: 0, data: [{ id: 1, a: { b: 1 }, l: [1, 2] }] }),
  one("nest_empty_containers", "nesting", { name: "empties", data: [{ id: 1, d: {}, l: [], n: null }, { id: 2, d: { k: 1 }, l: [1] }] }),
  one("nest_scalar_items", "nesting", { name: "numbers", data: [1, 2, 3] }),
  one("nest_mixed_list", "nesting", { name: "mixed", data: [{ id: 1, l: [1, "two", { three: 3 }] }] }),
  one("nest_null_items", "nesting", { name: "sparse", data: [{ id: 1, v: "a" }, null, { id: 2, v: "b" }] }),
  one("names_collision_nested", "names", { name: "coll", data: [{ id: 1, a: { userName: "x" }, a__user_name: "y", "A User Name": "z" }] }),
  one("nest_list_in_dict", "nesting", { name: "profiles", data: [{ id: 1, meta: { langs: ["en", "de"], score: 3 } }] }),
  // --- names
  one("names_conventions", "names", {
    name: "Naming Test",
    data: [{ userName: "a", "Last Name": "b", "user-id": 1, "ÄÖÜ": 2, "123abc": 3, "a.b": 4, __x__: 5, "CamelCaseKey": 6, "with$dollar": 7 }],
  }),
  one("names_collision_one_row", "names", { name: "people", data: [{ id: 1, userName: "camel", user_name: "snake", "User Name": "spaced" }] }),
  one("names_collision_across_rows", "names", { name: "people2", data: [{ id: 1, userName: "camel" }, { id: 2, user_name: "snake" }] }),
  one("names_table_name", "names", { name: "My Orders-2024", data: [{ id: 1 }] }),
  one("names_long_child_231", "names", { name: "parent_t", data: [{ id: 1, ["c".repeat(222)]: [{ v: 1 }, { v: 2 }] }] }),
  one("names_long_column_120", "names", { name: "wide", data: [{ id: 1, ["k".repeat(120)]: "v", nested: { ["n".repeat(100)]: 1 } }] }),
  // --- variants and inference
  { name: "variant_int_then_text", covers: "variants", runs: [{ resources: [{ name: "v1", data: [{ a: 1 }] }] }, { resources: [{ name: "v1", data: [{ a: "x" }, { a: 2 }] }] }] },
  one("variant_text_then_scalars", "variants", { name: "v2", data: [{ a: "x" }, { a: 5 }, { a: 1.5 }, { a: true }] }),
  one("variant_int_then_float", "variants", { name: "v3", data: [{ a: 1 }, { a: 1.5 }, { a: "2" }] }),
  one("variant_bool_then_int", "variants", { name: "v4", data: [{ a: true }, { a: 1 }, { a: "yes" }] }),
  one("variant_text_then_dict", "variants", { name: "v5", data: [{ a: "x" }, { a: { b: 1 } }, { a: [1] }] }),
  one("infer_types", "inference", {
    name: "types",
    data: [{ i: 1, f: 1.5, s: "x", b: false, ts: "2024-01-15T10:00:00Z", d: "2024-01-15", t: "10:00:00", neg: -3, big: big("9223372036854775807") }],
  }),
  one("infer_timestamp_strings", "timestamps", {
    name: "ts_strings",
    data: [{ a: "2024-01-15T10:00:00+02:00", b: "2024-01-15 10:00:00", c: "2024-01-15T10:00:00.123Z", e: "2024-01-15T10:00", f: "20240115T100000Z", g: "2024/01/15 10:00", h: "2024-W03-1", i: "10:00:00", j: "2024-01-15T1000" }],
  }),
  one("timestamp_microseconds", "timestamps", { name: "ts_micros", data: [{ c: "2024-01-15T10:00:00.123456Z" }] }),
  one("infer_dates_objects", "timestamps", { name: "dates", data: [{ id: 1, at: date("2024-03-01T12:30:00.250Z") }, { id: 2, at: date("1999-12-31T23:59:59Z") }] }),
  one("infer_binary", "inference", { name: "blobs", data: [{ id: 1, data: { $bytes: "00ff10" } }] }),
  one("infer_nan_infinity", "coercions", { name: "floats", data: [{ id: 1, x: 1.5 }, { id: 2, x: { $float: "nan" } }, { id: 3, x: { $float: "inf" } }, { id: 4, x: { $float: "-inf" } }, { id: 5, x: "NaN" }] }),
  // --- coercions into hinted columns
  one("coerce_bool", "coercions", { name: "flags", columns: { f: { data_type: "bool" } }, data: ["yes", "T", "f", 0, 1, "true", "FALSE", "no", "n", "Y"].map((f, i) => ({ i, f })) }),
  one("coerce_bigint", "coercions", { name: "ints", columns: { n: { data_type: "bigint" } }, data: ["0x1A", "1_000", "42", "-7", " 8 "].map((n, i) => ({ i, n })) }),
  one("coerce_double", "coercions", { name: "dbls", columns: { x: { data_type: "double" } }, data: ["NaN", "inf", "-inf", "1.5", "1e3", "-0.0", 3, { $float: "1e300" }].map((x, i) => ({ i, x })) }),
  one("coerce_text", "coercions", { name: "texts", columns: { s: { data_type: "text" } }, data: [true, { $float: "1e20" }, { $float: "-0.0" }, 1.5, 12, false, { $float: "1.5e-7" }].map((s, i) => ({ i, s })) }),
  one("coerce_timestamp_forms", "timestamps", {
    name: "ts_forms",
    columns: { t: { data_type: "timestamp" } },
    data: ["20240115T100000Z", "2024-01-15T10", "2024-W03-1", "2024-015", "2024/01/15 10:00:00", "2024-01-15", "2024-01-15T10:00:00-05:00", 1705312800].map((t, i) => ({ i, t })),
  }),
  one("coerce_date", "timestamps", { name: "days", columns: { d: { data_type: "date" } }, data: ["2024-01-15", "2024-01-15T23:00:00Z", 1705312800].map((d, i) => ({ i, d })) }),
  one("coerce_decimal", "hints", { name: "money", columns: { m: { data_type: "decimal", precision: 10, scale: 2 } }, data: ["1.23", "100", 5, "-0.5", "12345678.99"].map((m, i) => ({ i, m })) }),
  one("decimal_over_scale", "hints", { name: "money2", columns: { m: { data_type: "decimal", precision: 10, scale: 2 } }, data: [{ m: "1.23" }, { m: "1.234" }] }),
  one("decimal_over_precision", "hints", { name: "money3", columns: { m: { data_type: "decimal", precision: 5, scale: 2 } }, data: [{ m: "1.23" }, { m: "12345.5" }] }),
  one("json_column_values", "hints", {
    name: "payloads",
    columns: { p: { data_type: "json" } },
    data: [{ i: 1, p: "plain" }, { i: 2, p: 5 }, { i: 3, p: { a: 1 } }, { i: 4, p: [1, 2] }, { i: 5, p: '{"a": 2}' }, { i: 6, p: true }],
  }),
  // --- hints
  { name: "hint_not_null", covers: "hints", runs: [{ resources: [{ name: "nn", columns: { v: { data_type: "text", nullable: false } }, data: [{ id: 1, v: "a" }, { id: 2 }] }] }] },
  { name: "hint_merge_pk_null", covers: "hints", runs: [{ resources: [{ name: "mk", write_disposition: "merge", primary_key: "id", table_format: "iceberg", data: [{ id: 1, v: "a" }, { v: "b" }] }] }] },
  one("hint_pk_nullability", "hints", { name: "keys", primary_key: "id", merge_key: "day", write_disposition: "merge", table_format: "iceberg", data: [{ id: 1, day: "d1", v: 1 }] }),
  one("hint_column_flags", "hints", {
    name: "flagged",
    columns: { u: { unique: true }, p: { partition: true, data_type: "text" }, ts: { data_type: "timestamp", timezone: false }, n: { data_type: "bigint", nullable: false } },
    data: [{ u: 1, p: "x", ts: "2024-01-01T00:00:00Z", n: 1 }],
  }),
  one("hint_typed_nested", "hints", { name: "typed", columns: { meta: { data_type: "json" }, count: { data_type: "double" } }, data: [{ meta: { a: { b: 1 } }, count: 3 }] }),
  // --- dispositions over several runs
  {
    name: "disp_append_runs",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "log", data: [{ id: 1, tags: ["a"] }] }] },
      { resources: [{ name: "log", data: [{ id: 2, tags: ["b", "c"] }, { id: 3, extra: "new column" }] }] },
    ],
  },
  {
    name: "disp_replace_runs",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "snap", write_disposition: "replace", data: [{ id: 1, tags: ["a"] }, { id: 2, tags: ["b"] }] }] },
      { resources: [{ name: "snap", write_disposition: "replace", data: [{ id: 3, tags: ["c", "d"] }] }] },
    ],
  },
  {
    name: "disp_replace_empty",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "snap2", write_disposition: "replace", data: [{ id: 1, tags: ["a"] }, { id: 2, tags: ["b"] }] }] },
      { resources: [{ name: "snap2", write_disposition: "replace", data: [] }] },
    ],
  },
  {
    name: "disp_replace_empty_iceberg",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "snap3", write_disposition: "replace", table_format: "iceberg", data: [{ id: 1, tags: ["a"] }] }] },
      { resources: [{ name: "snap3", write_disposition: "replace", table_format: "iceberg", data: [] }] },
    ],
  },
  {
    name: "disp_merge_delete_insert",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "users", write_disposition: "merge", primary_key: "id", table_format: "iceberg", data: [{ id: 1, v: "a", tags: ["x", "y"] }, { id: 2, v: "b", tags: ["z"] }] }] },
      { resources: [{ name: "users", write_disposition: "merge", primary_key: "id", table_format: "iceberg", data: [{ id: 2, v: "b2", tags: [] }, { id: 3, v: "c", tags: ["q"] }] }] },
      { resources: [{ name: "users", write_disposition: "merge", primary_key: "id", table_format: "iceberg", data: [{ id: 1, v: "a3", tags: ["r"] }] }] },
    ],
  },
  {
    name: "disp_merge_upsert",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "ups", write_disposition: { disposition: "merge", strategy: "upsert" }, primary_key: "id", table_format: "iceberg", data: [{ id: 1, v: "a", l: [1, 2] }, { id: 2, v: "b", l: [3] }] }] },
      { resources: [{ name: "ups", write_disposition: { disposition: "merge", strategy: "upsert" }, primary_key: "id", table_format: "iceberg", data: [{ id: 2, v: "b2", l: [4, 5] }, { id: 3, v: "c", l: [] }] }] },
    ],
  },
  {
    name: "disp_merge_key",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "daily", write_disposition: "merge", merge_key: "day", table_format: "iceberg", data: [{ day: "d1", v: 1 }, { day: "d1", v: 2 }, { day: "d2", v: 3 }] }] },
      { resources: [{ name: "daily", write_disposition: "merge", merge_key: "day", table_format: "iceberg", data: [{ day: "d1", v: 9 }] }] },
    ],
  },
  {
    name: "disp_merge_dedup_in_batch",
    covers: "dispositions",
    runs: [{ resources: [{ name: "dups", write_disposition: "merge", primary_key: "id", table_format: "iceberg", data: [{ id: 1, v: "a" }, { id: 1, v: "b" }, { id: 2, v: "c" }] }] }],
  },
  // --- incremental
  {
    name: "inc_basic",
    covers: "incremental",
    runs: [
      { resources: [{ name: "feed", incremental: { cursor_path: "n" }, data: [{ n: 1 }, { n: 2 }, { n: 3 }] }] },
      { resources: [{ name: "feed", incremental: { cursor_path: "n" }, data: [{ n: 2 }, { n: 3 }, { n: 4 }] }] },
    ],
  },
  {
    name: "inc_boundary_resource_pk",
    covers: "incremental",
    runs: [
      { resources: [{ name: "tickets", primary_key: "id", incremental: { cursor_path: "updated" }, data: [{ id: 1, updated: 10, s: "open" }, { id: 2, updated: 20, s: "open" }] }] },
      { resources: [{ name: "tickets", primary_key: "id", incremental: { cursor_path: "updated" }, data: [{ id: 2, updated: 20, s: "changed" }, { id: 3, updated: 20, s: "new" }, { id: 4, updated: 30, s: "new" }] }] },
    ],
  },
  {
    name: "inc_boundary_no_pk",
    covers: "incremental",
    runs: [
      { resources: [{ name: "ticks", incremental: { cursor_path: "updated" }, data: [{ id: 1, updated: 10 }, { id: 2, updated: 20 }] }] },
      { resources: [{ name: "ticks", incremental: { cursor_path: "updated" }, data: [{ id: 2, updated: 20 }, { id: 3, updated: 20 }, { id: 2, updated: 20, x: 1 }] }] },
    ],
  },
  {
    name: "inc_initial_value",
    covers: "incremental",
    runs: [{ resources: [{ name: "since", incremental: { cursor_path: "n", initial_value: 2 }, data: [{ n: 1 }, { n: 2 }, { n: 3 }] }] }],
  },
  {
    name: "inc_date_cursor",
    covers: "incremental",
    runs: [1, 2, 3].map((r) => ({
      resources: [{ name: "dated", incremental: { cursor_path: "at" }, data: [1, 2, 3].map((d) => ({ id: r * 10 + d, at: date(`2024-01-0${r + d - 1}T00:00:00Z`) })) }],
    })),
  },
  {
    name: "inc_bigint_cursor",
    covers: "incremental",
    runs: [
      { resources: [{ name: "seq", incremental: { cursor_path: "n" }, data: [{ n: big("9007199254740993") }, { n: big("9007199254740995") }] }] },
      { resources: [{ name: "seq", incremental: { cursor_path: "n" }, data: [{ n: big("9007199254740994") }, { n: big("9007199254740995") }, { n: big("9007199254740997") }] }] },
      { resources: [{ name: "seq", incremental: { cursor_path: "n" }, data: [{ n: big("9007199254740997") }, { n: big("9007199254740999") }] }] },
    ],
  },
  {
    name: "inc_min",
    covers: "incremental",
    runs: [
      { resources: [{ name: "down", incremental: { cursor_path: "n", last_value_func: "min" }, data: [{ n: 5 }, { n: 4 }] }] },
      { resources: [{ name: "down", incremental: { cursor_path: "n", last_value_func: "min" }, data: [{ n: 5 }, { n: 4 }, { n: 3 }] }] },
    ],
  },
  {
    name: "inc_merge_pk",
    covers: "incremental",
    runs: [
      { resources: [{ name: "inc_users", write_disposition: "merge", primary_key: "id", table_format: "iceberg", incremental: { cursor_path: "u" }, data: [{ id: 1, u: 1 }, { id: 2, u: 2 }] }] },
      { resources: [{ name: "inc_users", write_disposition: "merge", primary_key: "id", table_format: "iceberg", incremental: { cursor_path: "u" }, data: [{ id: 2, u: 2, v: "same" }, { id: 1, u: 3 }] }] },
    ],
  },
  // --- evolution and hint changes over runs
  {
    name: "evolve_new_columns_nested",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "evo", data: [{ id: 1, a: { b: 1 } }] }] },
      { resources: [{ name: "evo", data: [{ id: 2, a: { b: 2, c: "new" }, l: [{ x: 1 }] }] }] },
    ],
  },
  {
    name: "hint_precision_widening",
    covers: "hints",
    runs: [
      { resources: [{ name: "prec", columns: { m: { data_type: "decimal", precision: 5, scale: 2 } }, data: [{ m: "1.23" }] }] },
      { resources: [{ name: "prec", columns: { m: { data_type: "decimal", precision: 12, scale: 2 } }, data: [{ m: "1234567890.12" }] }] },
    ],
  },
  // --- a mixed batch, as sources really look
  one("mix_list_variants", "variants", { name: "mixv", data: [{ id: 1, vals: [1, "two", 3.5, true, null, { k: 1 }] }] }),
  one("mix_nested_lists_of_dicts", "nesting", {
    name: "deep",
    data: [{ id: 1, groups: [{ name: "g1", members: [{ u: "a", roles: ["x"] }, { u: "b", roles: [] }] }, { name: "g2", members: [] }] }],
  }),
  one("mix_unicode_and_blank_keys", "names", { name: "uni", data: [{ "": 1, " ": 2, "名前": "n", "Ünïcödé": "u", "a  b": 3, "UPPER": 4 }] }),
  one("mix_big_ints", "inference", { name: "bigs", data: [{ a: big("9223372036854775807"), b: big("-9223372036854775808"), c: 9007199254740991 }] }),
  one("mix_empty_strings", "inference", { name: "empties2", data: [{ id: 1, s: "" }, { id: 2, s: " " }, { id: 3, s: "x" }] }),
  one("mix_dates_in_children", "timestamps", { name: "sched", data: [{ id: 1, slots: [{ at: "2024-01-15T10:00:00Z" }, { at: "2024-01-16" }, { at: "later" }] }] }),
  {
    name: "mix_merge_nested_upsert_three_runs",
    covers: "dispositions",
    runs: [1, 2, 3].map((r) => ({
      resources: [
        {
          name: "accounts",
          write_disposition: { disposition: "merge", strategy: "upsert" } as const,
          primary_key: "id",
          table_format: "iceberg" as const,
          data: [{ id: r, v: `v${r}`, tags: Array.from({ length: r }, (_, i) => `t${i}`) }, { id: 1, v: `again${r}`, tags: [] }],
        },
      ],
    })),
  },
  {
    name: "mix_replace_then_refill",
    covers: "dispositions",
    runs: [
      { resources: [{ name: "snap4", write_disposition: "replace", data: [{ id: 1, l: [1] }] }] },
      { resources: [{ name: "snap4", write_disposition: "replace", data: [] }] },
      { resources: [{ name: "snap4", write_disposition: "replace", data: [{ id: 2, l: [2, 3] }] }] },
    ],
  },
  {
    name: "mix_incremental_nested_pk",
    covers: "incremental",
    runs: [
      { resources: [{ name: "posts2", primary_key: "id", incremental: { cursor_path: "at" }, data: [{ id: 1, at: "2024-01-01T00:00:00Z", c: [{ t: "a" }] }, { id: 2, at: "2024-01-02T00:00:00Z", c: [] }] }] },
      { resources: [{ name: "posts2", primary_key: "id", incremental: { cursor_path: "at" }, data: [{ id: 2, at: "2024-01-02T00:00:00Z", c: [{ t: "b" }] }, { id: 3, at: "2024-01-03T00:00:00Z", c: [{ t: "c" }] }] }] },
    ],
  },
  one("mix_decimal_objects", "hints", { name: "prices", columns: { p: { data_type: "decimal", precision: 12, scale: 4 } }, data: [{ p: { $decimal: "1.5" } }, { p: "2.25" }, { p: 3 }, { p: 4.125 }] }),
  one("mix_binary_hint", "coercions", { name: "bins", columns: { b: { data_type: "binary" } }, data: [{ b: "0x0102" }, { b: "AQI=" }, { b: { $bytes: "ff" } }] }),
];
