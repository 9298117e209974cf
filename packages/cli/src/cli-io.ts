/**
 * What a command may touch outside itself: two output streams, the environment and the working
 * folder. `cli.ts` passes the real process; tests pass their own.
 */

/** A text sink (a Node stream or a test buffer). */
export interface TextOutput {
  write(text: string): unknown;
  /** True when it is a terminal: the progress bar is drawn only then. */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

export interface CliIo {
  stdout: TextOutput;
  stderr: TextOutput;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on Ctrl-C: commands stop taking work, finish what they write, and exit 130. */
  signal?: AbortSignal;
}

/** The real process's streams, environment and folder; the first Ctrl-C aborts `signal`, a second one exits at once. */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}
