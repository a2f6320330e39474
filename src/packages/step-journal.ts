/**
 * An append-only record of the steps a load package has completed, so a re-run after a crash
 * skips idempotent work already done (the Athena executor records each finished step id).
 *
 * One JSON object per line (`{"step":"…","completed_at":"…"}`), appended and fsynced before
 * `record` resolves. A crash can leave at most the last line torn; it is ignored on reading,
 * which means that step simply runs again.
 */
import { open, readFile } from "node:fs/promises";
import { isNotFound } from "./atomic-file.js";

export const JOURNAL_FILE = "journal.jsonl";

interface JournalLine {
  readonly step: string;
  readonly completed_at: string;
}

/**
 * The completed steps of one package, loaded once and kept in memory.
 *
 * @example
 * const journal = await StepJournal.read("/pkgs/1714392000.5/journal.jsonl");
 * if (!journal.has("createTable:events")) { … ; await journal.record("createTable:events"); }
 */
export class StepJournal {
  readonly path: string;
  readonly #completed: Set<string>;
  readonly #now: () => Date;
  /** A torn last line lacks its newline; the next record must not glue onto it. */
  #needsNewline: boolean;

  private constructor(path: string, text: string, now: () => Date) {
    this.path = path;
    this.#completed = new Set(parseJournal(text));
    this.#now = now;
    this.#needsNewline = text.length > 0 && !text.endsWith("\n");
  }

  /** Reads the journal at `path`; a missing file is an empty journal. */
  static async read(path: string, now: () => Date = () => new Date()): Promise<StepJournal> {
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return new StepJournal(path, text, now);
  }

  /** Whether `step` was recorded as completed. */
  has(step: string): boolean {
    return this.#completed.has(step);
  }

  /** Completed step ids, in the order they were recorded. */
  get completed(): readonly string[] {
    return [...this.#completed];
  }

  /** Records `step` as completed (durably); recording a step twice is a no-op. */
  async record(step: string): Promise<void> {
    if (this.#completed.has(step)) return;
    const line: JournalLine = { step, completed_at: this.#now().toISOString() };
    const handle = await open(this.path, "a");
    try {
      const prefix = this.#needsNewline ? "\n" : "";
      await handle.appendFile(`${prefix}${JSON.stringify(line)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.#needsNewline = false;
    this.#completed.add(step);
  }
}

function parseJournal(text: string): string[] {
  const steps: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = JSON.parse(line) as Partial<JournalLine>;
      if (typeof parsed.step === "string") steps.push(parsed.step);
    } catch {
      // A torn final line from a crash mid-append: that step did not complete.
    }
  }
  return steps;
}
