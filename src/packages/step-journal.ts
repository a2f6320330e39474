/**
 * An append-only record of the steps a load package has completed, so a re-run after a crash
 * skips idempotent work already done (the Athena executor records each finished step id).
 *
 * One JSON object per line (`{"step":"…","completed_at":"…"}`), appended and fsynced before
 * `record` resolves. A crash can leave at most the last line torn; it is ignored on reading,
 * which means that step simply runs again. Records made while an append is in flight (steps of a
 * wave run concurrently) are appended together by the next one, with one fsync for all of them.
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
  /** Lines waiting for the next append, with the callers to settle once it is durable. */
  #waiting: { readonly step: string; readonly line: string; readonly settle: (error?: unknown) => void }[] = [];
  #isAppending = false;

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
    await new Promise<void>((resolve, reject) => {
      this.#waiting.push({ step, line: `${JSON.stringify(line)}\n`, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.#isAppending) void this.#appendWaiting();
    });
  }

  /** Appends every waiting line with one write and one fsync, until none is left. */
  async #appendWaiting(): Promise<void> {
    this.#isAppending = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0);
        try {
          const handle = await open(this.path, "a");
          try {
            const prefix = this.#needsNewline ? "\n" : "";
            await handle.appendFile(prefix + batch.map((b) => b.line).join(""), "utf8");
            await handle.sync();
          } finally {
            await handle.close();
          }
          this.#needsNewline = false;
          for (const waiting of batch) this.#completed.add(waiting.step);
          for (const waiting of batch) waiting.settle();
        } catch (error) {
          for (const waiting of batch) waiting.settle(error);
        }
      }
    } finally {
      this.#isAppending = false;
    }
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
