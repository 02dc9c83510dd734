import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Writable } from 'node:stream';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { EngineError } from './errors.js';

/** A `tscompose-native` invocation that failed: which argv, which exit, what it said last. */
export class RuntimeError extends EngineError {
  constructor(
    code: string,
    message: string,
    readonly argv: readonly string[],
    readonly exitStatus: number | null,
    readonly stderrTail: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(code, message, hint, options);
  }
}

export interface RuntimeOptions {
  /** Path of `tscompose-native`, or a function finding it when first needed (see `findNativeBinary`). */
  readonly binary: string | (() => string);
  readonly logger?: Logger;
  /** Signal sent to the child when the caller aborts (default SIGKILL: an unpack has no state worth saving). */
  readonly killSignal?: NodeJS.Signals;
}

export interface UnpackResult {
  /** Bytes of tar the unpacker consumed. */
  readonly size: number;
  /** Entries it applied. */
  readonly entries: number;
}

/** A detached helper (the DNS responder): its pid, and its exit while this process still runs. */
export interface DetachedProcess {
  readonly pid: number;
  readonly exited: Promise<number | null>;
}

/** A running unpack: write the uncompressed layer tar to `stdin`, then await `result`. */
export interface UnpackProcess {
  readonly stdin: Writable;
  readonly result: Promise<UnpackResult>;
}

/** The environment every native child gets: fixed, nothing inherited (no secrets, no locale surprises). */
const CHILD_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
};

const STDERR_TAIL_BYTES = 4096;

interface NativeRun {
  readonly stdin: Writable | null;
  /** Resolves with the JSON lines printed on stdout after a zero exit. */
  readonly done: Promise<unknown[]>;
}

/**
 * The only module that spawns `tscompose-native` (house rule 10). Every call passes explicit
 * stdio, a fixed environment, the caller's AbortSignal with a kill signal, and waits for 'close'
 * (not 'exit': the stdio pipes must be drained before the output is judged). A non-zero exit is a
 * `RuntimeError` carrying argv, status and the tail of stderr; output is JSON lines, parsed here.
 */
export class Runtime {
  private readonly logger: Logger;

  constructor(private readonly options: RuntimeOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get binary(): string {
    const b = this.options.binary;
    return typeof b === 'string' ? b : b();
  }

  /**
   * Applies one uncompressed layer tar to `dir` (`tscompose-native unpack DIR`): whiteouts become
   * overlay whiteouts (char 0:0), opaque markers `trusted.overlay.opaque=y`; paths cannot escape.
   */
  unpack(dir: string, o: { signal?: AbortSignal } = {}): UnpackProcess {
    const run = this.run(['unpack', dir], { stdin: true, signal: o.signal });
    const result = run.done.then((lines) => {
      const last = lines[lines.length - 1] as Partial<UnpackResult> | undefined;
      if (!last || typeof last.size !== 'number' || typeof last.entries !== 'number') {
        throw new RuntimeError(
          'RUNTIME_OUTPUT_INVALID',
          `tscompose-native unpack ${dir}: expected {"size":…,"entries":…} on stdout, got ${JSON.stringify(lines)}`,
          ['unpack', dir],
          0,
          '',
        );
      }
      return { size: last.size, entries: last.entries };
    });
    return { stdin: run.stdin!, result };
  }

  /**
   * Starts an engine root's DNS responder (`tscompose-native dns --dir DIR`, see native/dns.h)
   * detached — its own session, stdout/stderr appended to `logFile`, not waited for — so it
   * outlives the CLI that started it, as a shim does. Resolves once the process exists; readiness
   * is the responder's status file, which the caller waits for (network/dns-process.ts).
   * `exited` settles if it exits while this process still runs (a second responder for the same
   * directory exits at once: the first holds its lock).
   */
  startDns(dir: string, logFile: string): Promise<DetachedProcess> {
    const argv = ['dns', '--dir', dir];
    this.logger.debug('spawn detached', { argv });
    const fd = openSync(logFile, 'a', 0o600);
    try {
      const child = spawn(this.binary, argv, {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: CHILD_ENV,
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return new Promise((resolve, reject) => {
        child.once('error', (err) =>
          reject(
            new RuntimeError(
              'RUNTIME_SPAWN_FAILED',
              `tscompose-native ${argv.join(' ')}: ${err.message}`,
              argv,
              null,
              '',
              'check that the native program is built (`npm run build:native`)',
              { cause: err },
            ),
          ),
        );
        child.once('spawn', () => {
          child.unref();
          resolve({ pid: child.pid!, exited });
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  // ─── Containers (src/engine/container): the shim and the runtime verbs ──────────────────────
  // Added by the container engine. The shim supervises one container (docs/native-shim.md); the
  // runtime verbs (docs/native-runtime.md) run against the engine's runtime root.

  /**
   * Starts a container under a new shim (`tscompose-native shim …`), which detaches; resolves once
   * the container runs with the init's and the supervisor's pids. A create/start failure is a
   * RuntimeError whose message is the runtime's reason (the shim's state file says it too).
   */
  async startShim(
    args: ShimArgs,
    o: { signal?: AbortSignal } = {},
  ): Promise<{ pid: number; shimPid: number }> {
    const argv = ['shim', '--runtime', this.binary, ...shimOptions(args)];
    const lines = await this.run(argv, { stdin: false, signal: o.signal }).done;
    const last = lines[lines.length - 1] as { pid?: unknown; shimPid?: unknown } | undefined;
    if (!last || typeof last.pid !== 'number' || typeof last.shimPid !== 'number') {
      throw new RuntimeError(
        'RUNTIME_OUTPUT_INVALID',
        `tscompose-native shim: expected {"pid":…,"shimPid":…} on stdout, got ${JSON.stringify(lines)}`,
        argv,
        0,
        '',
      );
    }
    return { pid: last.pid, shimPid: last.shimPid };
  }

  /** A runtime verb (`state`, `kill`, `delete`, `pause`, `resume`, `ps`) under `--root`; its JSON lines. */
  runtimeVerb(root: string, args: readonly string[], o: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    return this.run(['--root', root, ...args], { stdin: false, signal: o.signal }).done;
  }

  /**
   * `exec` of a process in a running container with the caller's stdio (pipes the caller
   * connects). With `tty`, the process gets a pseudo-terminal allocated by util-linux `script`
   * around the runtime's exec: Node cannot receive the pty master the runtime would send over a
   * console socket (SCM_RIGHTS), so the terminal is a host pty whose other end `script` relays.
   */
  execProcess(
    root: string,
    args: ExecArgs,
    o: { signal?: AbortSignal; stdin: boolean },
  ): { child: ChildProcess; exit: Promise<number> } {
    const execArgv = [this.binary, '--root', root, 'exec', ...execOptions(args)];
    const argv = args.tty
      ? [
          'script',
          '--quiet',
          '--return',
          '--echo',
          'never',
          '--command',
          execArgv.map(shellQuote).join(' '),
          '/dev/null',
        ]
      : execArgv;
    this.logger.debug('spawn exec', { argv: execArgv });
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: { ...CHILD_ENV, SHELL: '/bin/sh', ...(args.tty ? { TERM: 'xterm' } : {}) },
      signal: o.signal,
      killSignal: 'SIGKILL',
    });
    child.stdin?.on('error', () => undefined);
    const exit = new Promise<number>((resolve, reject) => {
      child.once('error', (err) =>
        reject(
          new RuntimeError('RUNTIME_SPAWN_FAILED', `exec: ${err.message}`, argv, null, '', undefined, {
            cause: err,
          }),
        ),
      );
      child.once('close', (code, signal) =>
        resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)),
      );
    });
    return { child, exit };
  }

  private run(args: readonly string[], o: { stdin: boolean; signal?: AbortSignal }): NativeRun {
    const argv = ['--log-format', 'json', ...args];
    this.logger.debug('spawn', { argv });
    const child = spawn(this.binary, argv, {
      stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: CHILD_ENV,
      signal: o.signal,
      killSignal: this.options.killSignal ?? 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 4 * STDERR_TAIL_BYTES) stderr = stderr.slice(-STDERR_TAIL_BYTES);
    });
    // A child that dies early closes its stdin: the writer sees EPIPE, which the 'close' outcome explains.
    child.stdin?.on('error', () => undefined);
    const done = new Promise<unknown[]>((resolve, reject) => {
      let spawnError: Error | undefined;
      child.on('error', (err) => (spawnError = err));
      child.on('close', (status, signal) => {
        const tail = stderr.slice(-STDERR_TAIL_BYTES);
        if (spawnError && (spawnError as NodeJS.ErrnoException).code !== 'ABORT_ERR') {
          return reject(
            new RuntimeError(
              'RUNTIME_SPAWN_FAILED',
              `tscompose-native ${args.join(' ')}: ${spawnError.message}`,
              argv,
              status,
              tail,
              'check that the native program is built (`npm run build:native`)',
              { cause: spawnError },
            ),
          );
        }
        if (o.signal?.aborted) return reject(o.signal.reason ?? new Error('aborted'));
        if (status !== 0) return reject(nativeFailure(args, argv, status, signal, tail));
        try {
          resolve(parseJsonLines(stdout));
        } catch (err) {
          reject(
            new RuntimeError(
              'RUNTIME_OUTPUT_INVALID',
              `tscompose-native ${args.join(' ')}: stdout is not JSON lines: ${JSON.stringify(stdout.slice(0, 200))}`,
              argv,
              status,
              tail,
              undefined,
              { cause: err },
            ),
          );
        }
      });
    });
    return { stdin: child.stdin, done };
  }
}

function parseJsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** The last error message the child printed: a `{"level":"error","msg":…}` line, else the last text line. */
export function nativeErrorMessage(stderrTail: string): string | undefined {
  const lines = stderrTail.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    try {
      const parsed = JSON.parse(line) as { level?: string; msg?: string };
      if (typeof parsed.msg === 'string' && (parsed.level === 'error' || parsed.level === undefined))
        return parsed.msg;
    } catch {
      return line.trim();
    }
  }
  return undefined;
}

function nativeFailure(
  args: readonly string[],
  argv: readonly string[],
  status: number | null,
  signal: NodeJS.Signals | null,
  tail: string,
): RuntimeError {
  const msg = nativeErrorMessage(tail);
  const how = status === null ? `killed by ${signal ?? 'a signal'}` : `exit status ${status}`;
  if (status === 2 && /not available in this build/.test(tail)) {
    return new RuntimeError(
      'ENGINE_NATIVE_VERB_MISSING',
      `tscompose-native ${args[0] ?? ''}: this build of the native program has no \`${args[0] ?? ''}\` verb`,
      argv,
      status,
      tail,
      'rebuild it from a current checkout with `npm run build:native`',
    );
  }
  return new RuntimeError(
    'RUNTIME_FAILED',
    `tscompose-native ${args.join(' ')}: ${msg ?? how}${msg ? ` (${how})` : ''}`,
    argv,
    status,
    tail,
  );
}

// ─── Containers: argument builders for the shim and exec (container engine) ────────────────────

/** What `startShim` passes to `tscompose-native shim` (docs/native-shim.md, Command line). */
export interface ShimArgs {
  readonly runtimeRoot: string;
  readonly bundle: string;
  readonly id: string;
  readonly stateDir: string;
  readonly logPath?: string;
  readonly logMaxSize?: number;
  readonly logMaxFiles?: number;
  readonly terminal?: boolean;
  readonly stdin?: boolean;
  /** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
  readonly restart?: string;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly backoffResetMs?: number;
  readonly stopSignal?: string;
  readonly stopTimeoutMs?: number;
  readonly health?: {
    readonly command: readonly string[];
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly startPeriodMs: number;
    readonly startIntervalMs: number;
  };
}

export function shimOptions(a: ShimArgs): string[] {
  const argv = [
    '--runtime-root',
    a.runtimeRoot,
    '--bundle',
    a.bundle,
    '--id',
    a.id,
    '--state-dir',
    a.stateDir,
  ];
  if (a.logPath) argv.push('--log-path', a.logPath);
  if (a.logMaxSize) argv.push('--log-max-size', String(a.logMaxSize));
  if (a.logMaxFiles) argv.push('--log-max-files', String(a.logMaxFiles));
  if (a.terminal) argv.push('--terminal');
  if (a.stdin) argv.push('--stdin');
  if (a.restart) argv.push('--restart', a.restart);
  if (a.backoffInitialMs !== undefined) argv.push('--backoff-initial', `${a.backoffInitialMs}ms`);
  if (a.backoffMaxMs !== undefined) argv.push('--backoff-max', `${a.backoffMaxMs}ms`);
  if (a.backoffResetMs !== undefined) argv.push('--backoff-reset', `${a.backoffResetMs}ms`);
  if (a.stopSignal) argv.push('--stop-signal', a.stopSignal);
  if (a.stopTimeoutMs !== undefined) argv.push('--stop-timeout', `${a.stopTimeoutMs}ms`);
  if (a.health) {
    const h = a.health;
    argv.push('--health-interval', `${h.intervalMs}ms`, '--health-timeout', `${h.timeoutMs}ms`);
    argv.push('--health-retries', String(h.retries), '--health-start-period', `${h.startPeriodMs}ms`);
    argv.push('--health-start-interval', `${h.startIntervalMs}ms`, '--', ...h.command);
  }
  return argv;
}

/** `exec` options for the runtime (docs/native-runtime.md). */
export interface ExecArgs {
  readonly id: string;
  readonly command: readonly string[];
  readonly env?: readonly string[];
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly additionalGids?: readonly number[];
  readonly tty?: boolean;
  readonly detach?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: readonly string[];
}

export function execOptions(a: ExecArgs): string[] {
  return [...execFlags(a), ...(a.detach ? ['--detach'] : []), a.id, ...a.command];
}

/** The options of `exec` that say how the process runs (not which, nor detaching). */
export function execFlags(a: Omit<ExecArgs, 'id' | 'command'>): string[] {
  const argv: string[] = [];
  if (a.cwd) argv.push('--cwd', a.cwd);
  for (const e of a.env ?? []) argv.push('--env', e);
  if (a.uid !== undefined) argv.push('--user', a.gid !== undefined ? `${a.uid}:${a.gid}` : String(a.uid));
  for (const g of a.additionalGids ?? []) argv.push('--additional-gids', String(g));
  for (const c of a.capabilities ?? []) argv.push('--cap', c);
  return argv;
}

/** POSIX shell quoting (for `script --command`, which runs its argument with $SHELL -c). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
