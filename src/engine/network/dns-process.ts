import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../errors.js';
import type { DetachedProcess } from '../runtime.js';
import type { OpOptions } from './types.js';

/** What the responder reports after each (re)load (`<dir>/status`). */
export interface DnsStatus {
  readonly pid: number;
  readonly generation: number;
  readonly listening: readonly string[];
  readonly errors: readonly string[];
}

export interface DnsResponderDeps {
  /** `<run>/dns`: records, pid and status files. */
  readonly dir: string;
  /** Starts `tscompose-native dns --dir DIR` detached (Runtime.startDns). */
  readonly start: (dir: string, logFile: string) => Promise<DetachedProcess>;
  /** How long a start or reload may take to show up in the status file (default 5 s). */
  readonly readyTimeoutMs?: number;
}

/**
 * The engine root's DNS responder process: started on demand, told to reload with SIGHUP, stopped
 * with SIGTERM. It is found again by its pid file, and the pid is only trusted when
 * `/proc/<pid>/cmdline` is our binary's `dns --dir <dir>` (a pid file that survived a crash may
 * name an unrelated process by now). After every start or reload this waits until the status
 * file shows the generation just written, so a caller that returns knows the names are live.
 */
export class DnsResponder {
  constructor(private readonly deps: DnsResponderDeps) {}

  get logFile(): string {
    return join(this.deps.dir, 'dns.log');
  }

  async runningPid(): Promise<number | undefined> {
    const text = await readFile(join(this.deps.dir, 'dns.pid'), 'utf8').catch(() => undefined);
    const pid = Number(text?.trim());
    if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline === undefined) return undefined;
    const argv = cmdline.split('\0');
    const verb = argv.indexOf('dns');
    const isOurs =
      verb > 0 &&
      (argv[0] ?? '').endsWith('tscompose-native') &&
      argv.slice(verb).join('\0').includes(`--dir\0${this.deps.dir}`);
    return isOurs ? pid : undefined;
  }

  async status(): Promise<DnsStatus | undefined> {
    const text = await readFile(join(this.deps.dir, 'status'), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as DnsStatus;
    } catch {
      return undefined; // being replaced: the rename is atomic, a retry reads the new one
    }
  }

  /**
   * Makes the running responder serve `generation` (already written to the directory): SIGHUP
   * when it runs, else a start. Resolves with its status; errors it reports (a gateway address
   * whose port 53 is taken by another program) are returned, not thrown: names still resolve on
   * the other gateways, and the caller decides what to tell the user.
   */
  async apply(generation: number, o: OpOptions = {}): Promise<DnsStatus> {
    let pid = await this.runningPid();
    let exited: Promise<number | null> | undefined;
    if (pid !== undefined) {
      process.kill(pid, 'SIGHUP');
    } else {
      const started = await this.deps.start(this.deps.dir, this.logFile);
      pid = started.pid;
      exited = started.exited;
    }
    return this.waitFor(generation, pid, exited, o);
  }

  private async waitFor(
    generation: number,
    pid: number,
    exited: Promise<number | null> | undefined,
    o: OpOptions,
  ): Promise<DnsStatus> {
    let exitCode: number | null | undefined;
    void exited?.then((code) => (exitCode = code));
    const started = Date.now();
    const deadline = started + (this.deps.readyTimeoutMs ?? 5000);
    for (;;) {
      o.signal?.throwIfAborted();
      const status = await this.status();
      if (status && status.pid === pid && status.generation >= generation) return status;
      if (exitCode !== undefined || Date.now() > deadline) {
        const log = await readFile(this.logFile, 'utf8').catch(() => '');
        throw new EngineError(
          'NETWORK_DNS_FAILED',
          `the DNS responder (pid ${pid}) did not ${exitCode !== undefined ? 'stay up' : 'load the new records'}: ${
            log.trim().split('\n').slice(-3).join(' | ') || 'no output'
          }`,
          `see ${this.logFile}`,
        );
      }
      // A reload takes well under a millisecond: poll tightly at first.
      await sleep(Date.now() - started < 100 ? 1 : 10, undefined, { signal: o.signal });
    }
  }

  /** Stops the responder (SIGTERM, then SIGKILL after 5 s) and waits until it is gone. */
  async stop(o: OpOptions = {}): Promise<void> {
    const pid = await this.runningPid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (isAlive(pid)) {
      o.signal?.throwIfAborted();
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
      }
      await sleep(10, undefined, { signal: o.signal });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (the CLI that started it has not reaped it yet) is gone for our purposes.
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
