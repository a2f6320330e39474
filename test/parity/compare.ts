/**
 * Compares what dlt and dlt-athena made of one parity case: run outcomes, tables, columns (names,
 * order, data types, nullability, hints), row counts, values and parent/child linkage. Both
 * databases were dumped by the same reader (`dlt_side.py`), so cells are comparable as text.
 */

/** One column's schema, in dlt's stored-schema spelling. */
export type ColumnAttrs = Record<string, unknown>;

export interface SideTable {
  readonly columns: ReadonlyArray<{ readonly name: string; readonly db_type: string }>;
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
  /** Set when the table could not be read (e.g. its files do not fit its declared types). */
  readonly error?: string;
}

export interface SideResult {
  readonly outcomes: ReadonlyArray<{ readonly ok: boolean; readonly error?: string }>;
  /** Table name → column name → attributes (dlt's keys). */
  readonly schema: Record<string, { readonly parent?: string; readonly writeDisposition?: string; readonly columns: Record<string, ColumnAttrs> }>;
  readonly tables: Record<string, SideTable>;
}

export interface CaseComparison {
  readonly name: string;
  readonly covers: string;
  readonly agree: boolean;
  readonly outcomes: boolean;
  readonly tables: { readonly agree: number; readonly total: number };
  readonly columns: { readonly agree: number; readonly total: number };
  readonly order: boolean;
  readonly rows: boolean;
  readonly values: { readonly agree: number; readonly total: number };
  readonly differences: readonly string[];
}

/** The column attributes compared, with the value an absent key means. */
const HINTS: Record<string, unknown> = {
  data_type: undefined,
  nullable: true,
  precision: undefined,
  scale: undefined,
  timezone: true,
  primary_key: false,
  merge_key: false,
  unique: false,
  partition: false,
  row_key: false,
  parent_key: false,
  root_key: false,
  variant: false,
};

const LINK_COLUMNS = new Set(["_dlt_id", "_dlt_parent_id", "_dlt_root_id", "_dlt_load_id"]);

/** dlt's stored schema → the comparable shape. */
export function dltSchemaShape(stored: unknown): SideResult["schema"] {
  const tables = ((stored as { tables?: Record<string, Record<string, unknown>> } | null)?.tables ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(
    Object.entries(tables).map(([name, t]) => [
      name,
      {
        ...(typeof t.parent === "string" ? { parent: t.parent } : {}),
        ...(typeof t.write_disposition === "string" ? { writeDisposition: t.write_disposition } : {}),
        columns: (t.columns ?? {}) as Record<string, ColumnAttrs>,
      },
    ]),
  );
}

function attrsOf(column: ColumnAttrs | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, absent] of Object.entries(HINTS)) {
    const value = column?.[key];
    out[key] = value === undefined || value === null ? absent : value;
  }
  return out;
}

function sameAttrs(a: ColumnAttrs | undefined, b: ColumnAttrs | undefined): string | undefined {
  const x = attrsOf(a);
  const y = attrsOf(b);
  const diffs = Object.keys(HINTS).filter((k) => x[k] !== y[k]).map((k) => `${k} ${String(x[k])}≠${String(y[k])}`);
  return diffs.length === 0 ? undefined : diffs.join(", ");
}

type CanonRow = Record<string, string | null>;

/**
 * Rows with `_dlt_id`/`_dlt_parent_id`/`_dlt_root_id` replaced by ids derived from content and
 * position (root: its values; child: its parent's id and list index), so linkage compares.
 */
function canonicalRows(tables: Record<string, SideTable>, shared: (table: string) => readonly string[]): Map<string, CanonRow[]> {
  const ids = new Map<string, string>();
  const out = new Map<string, CanonRow[]>();
  // Parents first: a parent's name is a prefix of its children's.
  for (const name of Object.keys(tables).sort((a, b) => a.length - b.length || (a < b ? -1 : 1))) {
    const table = tables[name]!;
    const cols = table.columns.map((c) => c.name);
    const keyCols = shared(name).filter((c) => !LINK_COLUMNS.has(c) && c !== "_dlt_list_idx");
    const seen = new Map<string, number>();
    const rows: CanonRow[] = [];
    for (const raw of table.rows) {
      const row: CanonRow = {};
      cols.forEach((c, i) => (row[c] = raw[i] ?? null));
      const parent = row._dlt_parent_id;
      let id: string;
      if (parent !== undefined && parent !== null) {
        const parentId = ids.get(parent) ?? `?${parent}`;
        id = `${parentId}/${name}[${row._dlt_list_idx ?? "?"}]`;
        row._dlt_parent_id = parentId;
      } else {
        const content = JSON.stringify(keyCols.map((c) => row[c] ?? null));
        const n = (seen.get(content) ?? 0) + 1;
        seen.set(content, n);
        id = `${name}${content}#${n}`;
      }
      if (row._dlt_root_id !== undefined && row._dlt_root_id !== null) row._dlt_root_id = ids.get(row._dlt_root_id) ?? `?${row._dlt_root_id}`;
      if (typeof row._dlt_id === "string") ids.set(row._dlt_id, id);
      delete row._dlt_id;
      delete row._dlt_load_id;
      rows.push(row);
    }
    out.set(name, rows);
  }
  return out;
}

function compareValues(name: string, a: CanonRow[], b: CanonRow[], columns: readonly string[], diffs: string[]): { agree: number; total: number } {
  const key = (r: CanonRow) => JSON.stringify(columns.map((c) => r[c] ?? null));
  const left = [...a].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  const pool = new Map<string, number>();
  for (const r of b) pool.set(key(r), (pool.get(key(r)) ?? 0) + 1);
  const total = columns.length * Math.max(a.length, b.length);
  let agree = 0;
  const unmatchedLeft: CanonRow[] = [];
  for (const r of left) {
    const k = key(r);
    const n = pool.get(k) ?? 0;
    if (n > 0) {
      pool.set(k, n - 1);
      agree += columns.length;
    } else unmatchedLeft.push(r);
  }
  const unmatchedRight = b.filter((r) => {
    const k = key(r);
    const n = pool.get(k) ?? 0;
    if (n > 0) {
      pool.set(k, n - 1);
      return true;
    }
    return false;
  }).sort((x, y) => (key(x) < key(y) ? -1 : 1));
  for (let i = 0; i < Math.min(unmatchedLeft.length, unmatchedRight.length); i++) {
    const l = unmatchedLeft[i]!;
    const r = unmatchedRight[i]!;
    const cells = columns.filter((c) => (l[c] ?? null) !== (r[c] ?? null));
    agree += columns.length - cells.length;
    if (diffs.length < 12) diffs.push(`${name}: row differs in ${cells.map((c) => `${c} dlt=${String(l[c] ?? null)} ours=${String(r[c] ?? null)}`).join("; ")}`);
  }
  if (unmatchedLeft.length !== unmatchedRight.length && diffs.length < 12) {
    const extra = unmatchedLeft.length > unmatchedRight.length ? unmatchedLeft.slice(unmatchedRight.length) : unmatchedRight.slice(unmatchedLeft.length);
    diffs.push(`${name}: ${extra.length} row(s) only in ${unmatchedLeft.length > unmatchedRight.length ? "dlt" : "ours"}: ${JSON.stringify(extra.slice(0, 2))}`);
  }
  return { agree, total };
}

export function compareCase(name: string, covers: string, dlt: SideResult, ours: SideResult): CaseComparison {
  const differences: string[] = [];
  const outcomes =
    dlt.outcomes.length === ours.outcomes.length && dlt.outcomes.every((o, i) => o.ok === ours.outcomes[i]?.ok);
  if (!outcomes) {
    differences.push(
      `outcomes: dlt ${dlt.outcomes.map((o) => (o.ok ? "ok" : "failed")).join(",")} ours ${ours.outcomes.map((o) => (o.ok ? "ok" : `failed (${o.error?.slice(0, 160)})`)).join(",")}`,
    );
  }
  const tableNames = [...new Set([...Object.keys(dlt.tables), ...Object.keys(ours.tables)])].sort();
  let tablesAgree = 0;
  let colAgree = 0;
  let colTotal = 0;
  let order = true;
  let rows = true;
  let valAgree = 0;
  let valTotal = 0;
  const sharedColumns = (table: string) => {
    const theirs = dlt.tables[table]?.columns.map((c) => c.name) ?? [];
    const mine = new Set(ours.tables[table]?.columns.map((c) => c.name) ?? []);
    return theirs.filter((c) => mine.has(c));
  };
  const dltRows = canonicalRows(dlt.tables, sharedColumns);
  const ourRows = canonicalRows(ours.tables, sharedColumns);
  for (const table of tableNames) {
    const a = dlt.tables[table];
    const b = ours.tables[table];
    if (a === undefined || b === undefined) {
      differences.push(`table ${table} only in ${a === undefined ? "ours" : "dlt"}`);
      const only = (a ?? b)!;
      colTotal += only.columns.length;
      valTotal += only.columns.length * only.rows.length;
      continue;
    }
    if (a.error !== undefined || b.error !== undefined) {
      differences.push(`${table} unreadable in ${a.error !== undefined ? "dlt" : "ours"}: ${a.error ?? b.error}`);
      colTotal += a.columns.length;
      valTotal += a.columns.length * Math.max(a.rows.length, 1);
      continue;
    }
    tablesAgree++;
    const aCols = a.columns.map((c) => c.name);
    const bCols = b.columns.map((c) => c.name);
    const union = [...new Set([...aCols, ...bCols])];
    for (const column of union) {
      colTotal++;
      if (!aCols.includes(column) || !bCols.includes(column)) {
        differences.push(`${table}.${column} only in ${aCols.includes(column) ? "dlt" : "ours"}`);
        continue;
      }
      const diff = sameAttrs(dlt.schema[table]?.columns[column], ours.schema[table]?.columns[column]);
      if (diff === undefined) colAgree++;
      else differences.push(`${table}.${column}: ${diff} (dlt≠ours)`);
    }
    const aShared = aCols.filter((c) => bCols.includes(c));
    const bShared = bCols.filter((c) => aCols.includes(c));
    if (aShared.join() !== bShared.join()) {
      order = false;
      differences.push(`${table} column order: dlt [${aCols.join(", ")}] ours [${bCols.join(", ")}]`);
    }
    if (a.rows.length !== b.rows.length) {
      rows = false;
      differences.push(`${table} rows: dlt ${a.rows.length} ours ${b.rows.length}`);
    }
    const valueColumns = union.filter((c) => c !== "_dlt_id" && c !== "_dlt_load_id");
    const v = compareValues(table, dltRows.get(table) ?? [], ourRows.get(table) ?? [], valueColumns, differences);
    valAgree += v.agree;
    valTotal += v.total;
  }
  const agree =
    outcomes && tablesAgree === tableNames.length && colAgree === colTotal && order && rows && valAgree === valTotal;
  return {
    name,
    covers,
    agree,
    outcomes,
    tables: { agree: tablesAgree, total: tableNames.length },
    columns: { agree: colAgree, total: colTotal },
    order,
    rows,
    values: { agree: valAgree, total: valTotal },
    differences,
  };
}

const pct = (x: { agree: number; total: number }) => (x.total === 0 ? "100.0%" : `${((100 * x.agree) / x.total).toFixed(1)}%`);

/** The agreement table, the totals and the `parity: N/M cases agree` line. */
export function renderReport(results: readonly CaseComparison[], expected: ReadonlyMap<string, string>): string {
  const lines: string[] = [];
  const head = ["case", "covers", "outcome", "tables", "columns", "order", "rows", "values", "verdict"];
  const body = results.map((r) => [
    r.name,
    r.covers,
    r.outcomes ? "same" : "DIFF",
    `${r.tables.agree}/${r.tables.total}`,
    `${r.columns.agree}/${r.columns.total}`,
    r.order ? "same" : "DIFF",
    r.rows ? "same" : "DIFF",
    `${r.values.agree}/${r.values.total}`,
    r.agree ? "agree" : expected.has(r.name) ? `differs (${expected.get(r.name)})` : "DIFFERS",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: readonly string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  lines.push(fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...body.map(fmt));
  for (const r of results.filter((x) => !x.agree)) {
    lines.push("", `${r.name}:`, ...r.differences.map((d) => `  - ${d}`));
  }
  const sum = (f: (r: CaseComparison) => { agree: number; total: number }) =>
    results.reduce((acc, r) => ({ agree: acc.agree + f(r).agree, total: acc.total + f(r).total }), { agree: 0, total: 0 });
  const tables = sum((r) => r.tables);
  const columns = sum((r) => r.columns);
  const values = sum((r) => r.values);
  lines.push(
    "",
    `tables ${tables.agree}/${tables.total}, columns ${columns.agree}/${columns.total} (${pct(columns)}), values ${values.agree}/${values.total} (${pct(values)})`,
    `parity: ${results.filter((r) => r.agree).length}/${results.length} cases agree`,
  );
  return lines.join("\n");
}
