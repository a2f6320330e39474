import { parse } from "smol-toml";

/**
 * Merging what `init` generates into files a project already has. Pure: text in, text out.
 * Nothing already set is changed: only keys, sections and lines that are missing are added.
 */

interface TomlBlock {
  /** The section (`destination.athena`), or undefined for the lines before the first header. */
  readonly section: string | undefined;
  readonly lines: readonly string[];
}

const HEADER = /^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(?:#.*)?$/;
const KEY_LINE = /^\s*([A-Za-z0-9_-]+)\s*=/;

function blocksOf(text: string): TomlBlock[] {
  const blocks: Array<{ section: string | undefined; lines: string[] }> = [{ section: undefined, lines: [] }];
  for (const line of text.split("\n")) {
    const header = HEADER.exec(line);
    if (header) blocks.push({ section: header[1], lines: [line] });
    else blocks[blocks.length - 1]!.lines.push(line);
  }
  return blocks;
}

function tableAt(root: Record<string, unknown>, section: string): Record<string, unknown> | undefined {
  let table: unknown = root;
  for (const part of section.split(".")) {
    if (typeof table !== "object" || table === null) return undefined;
    table = (table as Record<string, unknown>)[part];
  }
  return typeof table === "object" && table !== null ? (table as Record<string, unknown>) : undefined;
}

export interface TomlMerge {
  readonly text: string;
  /** `section.key` of every key added, `[section]` for a section added without keys. */
  readonly added: readonly string[];
}

/**
 * Adds the template's sections and keys that `existing` lacks, keeping every line of `existing`
 * (comments, order, values, placeholders) as it is. Throws when `existing` is not valid TOML.
 *
 * @example mergeToml('[a]\nx = 1\n', '[a]\nx = 2\ny = 3\n').text // '[a]\nx = 1\ny = 3\n'
 */
export function mergeToml(existing: string, template: string): TomlMerge {
  const parsed = parse(existing) as Record<string, unknown>;
  const lines = existing.replace(/\n*$/, "").split("\n");
  const added: string[] = [];
  const appended: string[] = [];
  for (const block of blocksOf(template)) {
    if (block.section === undefined) continue;
    const table = tableAt(parsed, block.section);
    const missing = block.lines.filter((line) => {
      const key = KEY_LINE.exec(line)?.[1];
      return key !== undefined && (table === undefined || !(key in table));
    });
    const headerAt = lines.findIndex((line) => HEADER.exec(line)?.[1] === block.section);
    if (headerAt >= 0) {
      if (missing.length === 0) continue;
      // After the section's last line that is not blank, before the next header.
      let end = headerAt + 1;
      while (end < lines.length && !HEADER.test(lines[end]!)) end += 1;
      while (end > headerAt + 1 && lines[end - 1]!.trim() === "") end -= 1;
      lines.splice(end, 0, ...missing);
    } else if (table === undefined) {
      appended.push("", ...block.lines.filter((line, i, all) => i < all.length - 1 || line.trim() !== ""));
      if (missing.length === 0) added.push(`[${block.section}]`);
    } else {
      if (missing.length === 0) continue;
      appended.push("", `[${block.section}]`, ...missing);
    }
    added.push(...missing.map((line) => `${block.section}.${KEY_LINE.exec(line)![1]}`));
  }
  const text = `${[...lines, ...appended].join("\n").replace(/\n{3,}/g, "\n\n")}\n`;
  parse(text);
  return { text, added };
}

/**
 * Appends the template's lines that `existing` does not have (e.g. `.gitignore` entries).
 *
 * @example mergeLines("node_modules/\n", "node_modules/\n.dlt/secrets.toml\n").added // [".dlt/secrets.toml"]
 */
export function mergeLines(existing: string, template: string): { readonly text: string; readonly added: readonly string[] } {
  const have = new Set(existing.split("\n").map((line) => line.trim()));
  const added = template.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#") && !have.has(line.trim()));
  if (added.length === 0) return { text: existing, added };
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return { text: `${base}${base === "" ? "" : "\n"}# dlt-athena\n${added.join("\n")}\n`, added };
}
