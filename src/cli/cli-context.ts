import type { Writable } from 'node:stream';

/**
 * Everything a command may touch of the process it runs in. `main.ts` builds it from `process`;
 * tests build their own (captured streams, a fixed env and cwd) and run commands in-process.
 * Below `src/cli` nothing reads `process.env` or `process.cwd()`: it gets what it needs from here.
 */
export interface CliContext {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM; every long operation forwards it. */
  readonly signal: AbortSignal;
}
