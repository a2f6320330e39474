/**
 * Result column names as Athena (Trino) gives them: an output column that has neither an alias
 * nor a column reference as its expression is named `_col<i>`, `i` being its 0-based position
 * (`SELECT id, count(*)` → `id`, `_col1`). DuckDB names such a column after the expression text
 * (`count_star()`), so the engine asks DuckDB's own parser (`json_serialize_sql`) which items of
 * the outermost select list are unnamed and renames those result columns.
 *
 * Set operations take their names from their first query, as on Trino. A `*` expands to a number
 * of columns the parse tree cannot tell; with one star it is what is left over, with several the
 * items between the first and the last star keep DuckDB's names.
 */

/** The parts of DuckDB's serialized parse tree read here (`json_serialize_sql`, 1.5.6). */
interface QueryNode {
  readonly type?: string;
  readonly left?: QueryNode;
  readonly select_list?: readonly SelectItem[];
  readonly from_table?: { readonly type?: string; readonly expected_names?: readonly string[] };
}

interface SelectItem {
  readonly class?: string;
  readonly alias?: string;
}

/** The first query of set operations and recursive CTEs, where the result names come from. */
function namingNode(node: QueryNode | undefined): QueryNode | undefined {
  let current = node;
  while (current !== undefined && current.left !== undefined && current.type !== "SELECT_NODE") current = current.left;
  return current?.type === "SELECT_NODE" ? current : undefined;
}

/** True when a select item gives its column a name on Trino: an alias or a plain column reference. */
function isNamed(item: SelectItem): boolean {
  return (item.alias ?? "") !== "" || item.class === "COLUMN_REF";
}

/**
 * Trino's result names for a statement, from DuckDB's serialized parse tree and DuckDB's names;
 * `names` unchanged when the tree is not a query or does not line up with them.
 *
 * @example
 * trinoColumnNames(JSON.parse(serialized('SELECT id, count(*) FROM t')), ["id", "count_star()"]); // ["id", "_col1"]
 */
export function trinoColumnNames(serialized: unknown, names: readonly string[]): readonly string[] {
  const tree = serialized as { error?: boolean; statements?: readonly { node?: QueryNode }[] } | null;
  if (tree === null || typeof tree !== "object" || tree.error === true || tree.statements?.length !== 1) return names;
  const node = namingNode(tree.statements[0]?.node);
  const items = node?.select_list;
  if (node === undefined || items === undefined || items.length === 0) return names;
  // VALUES (…) without column names: every column is unnamed on Trino (DuckDB says col0, col1, …).
  const from = node.from_table;
  if (items.length === 1 && items[0]?.class === "STAR" && from?.type === "EXPRESSION_LIST" && (from.expected_names ?? []).length === 0) {
    return names.map((_name, i) => `_col${i}`);
  }
  const stars = items.filter((item) => item.class === "STAR").length;
  const renamed = [...names];
  const rename = (item: SelectItem, at: number) => {
    if (!isNamed(item) && item.class !== "STAR" && at >= 0 && at < renamed.length) renamed[at] = `_col${at}`;
  };
  if (stars <= 1) {
    const starWidth = names.length - (items.length - stars);
    if (starWidth < 0 || (stars === 0 && starWidth !== 0)) return names;
    let at = 0;
    for (const item of items) {
      rename(item, at);
      at += item.class === "STAR" ? starWidth : 1;
    }
    return renamed;
  }
  // Several stars: positions are known before the first and after the last one.
  const first = items.findIndex((item) => item.class === "STAR");
  const last = items.length - 1 - [...items].reverse().findIndex((item) => item.class === "STAR");
  items.slice(0, first).forEach((item, i) => rename(item, i));
  items.slice(last + 1).forEach((item, i, tail) => rename(item, names.length - tail.length + i));
  return renamed;
}

/** Statements whose result columns are named by a select list (the others are left alone). */
export const QUERY_START = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*(select|with|values|from)\b/i;
