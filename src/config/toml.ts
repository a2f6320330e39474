import { readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors.js";

export type TomlTable = Record<string, unknown>;

/**
 * Reads one TOML file; a missing file is an empty table. A syntax error names the file, line and
 * column.
 *
 * @example readTomlFile("/project/.dlt/config.toml") // → { destination: { athena: { … } } }
 */
export function readTomlFile(path: string): { table: TomlTable; exists: boolean } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { table: {}, exists: false };
    throw new ConfigError("config_unreadable", `Cannot read ${path}: ${(error as Error).message}`, {
      meta: { file: path },
      cause: error,
    });
  }
  try {
    return { table: parse(text) as TomlTable, exists: true };
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml's message repeats the code block; the first line is the reason.
      const reason = error.message.split("\n")[0] ?? error.message;
      throw new ConfigError(
        "toml_syntax",
        `${path}:${error.line}:${error.column}: invalid TOML: ${reason}. Fix the syntax at line ${error.line}, column ${error.column}.`,
        { meta: { file: path, line: error.line, column: error.column }, cause: error },
      );
    }
    throw error;
  }
}

/** The value at a section path in a parsed TOML table, or undefined. */
export function lookupToml(table: TomlTable, path: readonly string[]): unknown {
  let node: unknown = table;
  for (const part of path) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = (node as TomlTable)[part];
  }
  return node;
}
