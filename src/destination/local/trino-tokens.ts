/**
 * A small lexer for Athena/Trino SQL text, enough to read metadata statements and to quote
 * identifiers DuckDB reserves: it knows comments, string literals and the three identifier
 * quotings (backticks for Hive DDL, double quotes for Trino), so nothing inside them is touched.
 */

export interface Token {
  readonly kind: "word" | "name" | "string" | "number" | "dot" | "other";
  /** Upper-cased text for words; the unquoted value for names and strings; the text otherwise. */
  readonly text: string;
  /** The word as written, the unquoted name or string, or the text. */
  readonly value: string;
  /** Offset of the token in the statement, and its length there. */
  readonly start: number;
  readonly length: number;
}

const TOKEN =
  /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|`((?:[^`]|``)*)`|"((?:[^"]|"")*)"|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(\.)|(;)|(\S)/gy;

/**
 * The tokens of `sql`, without whitespace, comments and semicolons.
 *
 * @example
 * tokenize("SHOW TABLES IN `shop`").map((t) => t.value); // ["SHOW", "TABLES", "IN", "shop"]
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const re = new RegExp(TOKEN.source, "gy");
  let m: RegExpExecArray | null;
  while ((m = re.exec(sql)) !== null) {
    const [all, backtick, quoted, string, word, number, dot, semicolon, other] = m;
    const at = { start: m.index, length: all.length };
    if (backtick !== undefined) tokens.push({ kind: "name", text: backtick, value: backtick.replace(/``/g, "`"), ...at });
    else if (quoted !== undefined) tokens.push({ kind: "name", text: quoted, value: quoted.replace(/""/g, '"'), ...at });
    else if (string !== undefined) tokens.push({ kind: "string", text: string, value: string.replace(/''/g, "'"), ...at });
    else if (word !== undefined) tokens.push({ kind: "word", text: word.toUpperCase(), value: word, ...at });
    else if (number !== undefined) tokens.push({ kind: "number", text: number, value: number, ...at });
    else if (dot !== undefined) tokens.push({ kind: "dot", text: ".", value: ".", ...at });
    else if (semicolon === undefined && other !== undefined) tokens.push({ kind: "other", text: other, value: other, ...at });
  }
  return tokens;
}

type Around = { readonly prev: Token | undefined; readonly next: Token | undefined; readonly after: Token | undefined };

const isWord = (token: Token | undefined, ...words: string[]) => token?.kind === "word" && words.includes(token.text);
const isOther = (token: Token | undefined, text: string) => token?.kind === "other" && token.text === text;
const trimSpec = ({ next }: Around) => next?.kind === "string" || isWord(next, "FROM");

/**
 * Words DuckDB reserves but Trino lets name a column, and when each of them is Trino's keyword
 * instead. Anywhere else in a query the word is an identifier and gets double quotes, so
 * `SELECT at, limit FROM t LIMIT 5` runs as `SELECT "at", "limit" FROM t LIMIT 5`.
 */
const KEYWORD_WHEN: Readonly<Record<string, (around: Around) => boolean>> = {
  AT: ({ next, after }) => isWord(next, "TIME") && isWord(after, "ZONE"),
  LIMIT: ({ next }) => next?.kind === "number" || isWord(next, "ALL") || isOther(next, "?") || isOther(next, "("),
  OFFSET: ({ next }) => next?.kind === "number" || isOther(next, "?") || isOther(next, "("),
  FETCH: ({ next }) => isWord(next, "FIRST", "NEXT"),
  ONLY: ({ prev }) => isWord(prev, "ROW", "ROWS"),
  WINDOW: ({ next, after }) => (next?.kind === "word" || next?.kind === "name") && isWord(after, "AS"),
  LATERAL: ({ next }) => isOther(next, "("),
  LEADING: trimSpec,
  TRAILING: trimSpec,
  BOTH: trimSpec,
  COLUMN: () => false,
  DEFAULT: () => false,
  CHECK: () => false,
  PRIMARY: () => false,
  UNIQUE: () => false,
  QUALIFY: () => false,
};

/**
 * Double-quotes the words of a query that DuckDB reserves and Trino uses as plain names.
 * Only for queries (the engine's own statements quote every identifier already).
 *
 * @example
 * quoteReservedIdentifiers("SELECT max(at) AS at FROM t LIMIT 1"); // 'SELECT max("at") AS "at" FROM t LIMIT 1'
 */
export function quoteReservedIdentifiers(sql: string): string {
  if (!/\b(?:at|limit|offset|fetch|only|window|lateral|leading|trailing|both|column|default|check|primary|unique|qualify)\b/i.test(sql)) return sql;
  const tokens = tokenize(sql);
  let out = "";
  let copied = 0;
  tokens.forEach((token, i) => {
    const rule = token.kind === "word" ? KEYWORD_WHEN[token.text] : undefined;
    if (rule === undefined || rule({ prev: tokens[i - 1], next: tokens[i + 1], after: tokens[i + 2] })) return;
    out += `${sql.slice(copied, token.start)}"${token.value}"`;
    copied = token.start + token.length;
  });
  return out + sql.slice(copied);
}
