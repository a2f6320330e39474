import { maskSecrets } from "../util/secrets.js";

/** Where the CLI writes: stdout for results (one JSON document with `--json`), stderr for the rest. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours and spinners only when a person watches: stderr is a TTY and `CI` is not set. */
  readonly isInteractive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): CliIo {
  // Whatever the CLI prints passes the secret mask: no credential of the run reaches a terminal or log.
  return {
    stdout: (text) => process.stdout.write(maskSecrets(text)),
    stderr: (text) => process.stderr.write(maskSecrets(text)),
    isInteractive: Boolean(process.stderr.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
  };
}
