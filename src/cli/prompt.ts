import { createInterface } from "node:readline/promises";
import type { CliIo } from "./io.js";

/** Asking a question, as a dependency so commands that confirm can be tested without a terminal. */
export interface Prompter {
  /** Whether a person can answer: stdin and stderr are terminals and `CI` is not set. */
  readonly canPrompt: (io: CliIo) => boolean;
  /** Asks a yes/no question on stderr; anything but y/yes is no. */
  readonly confirm: (io: CliIo, question: string) => Promise<boolean>;
}

/**
 * The terminal prompter: reads the answer from stdin, writes the question to stderr (stdout is
 * kept for results and `--json`).
 *
 * @example
 * if (terminalPrompter.canPrompt(io) && (await terminalPrompter.confirm(io, "Drop?"))) { … }
 */
export const terminalPrompter: Prompter = {
  canPrompt: (io) => io.isInteractive && Boolean(process.stdin.isTTY),
  confirm: async (_io, question) => {
    const readline = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await readline.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      readline.close();
    }
  },
};
