import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import type { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { askHolder, listenExclusive } from '../../common/socket-lock.js';
import { EngineError } from '../errors.js';

/** Who holds the lock, as its holder reports it to a waiter. */
export interface LockHolder {
  readonly pid: number;
  readonly since: string;
}

export interface EngineLockOptions {
  /** How often a waiter retries (default 100 ms). */
  readonly pollIntervalMs?: number;
  /** Called once when a caller starts waiting for another process. */
  readonly onWait?: (holder: LockHolder | undefined) => void;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal;
}

/** Releases one hold; the lock itself is let go when the last hold of this process ends. */
export type LockRelease = () => Promise<void>;

/**
 * The engine's one inter-process lock: two CLIs mutating one engine root never interleave.
 *
 * Node has no flock(2), and an O_EXCL pid file needs stale-lock breaking, which races (two
 * waiters both judge the file stale; the slower one deletes the faster one's fresh lock). So the
 * lock is a listening Unix socket in the *abstract* namespace, named after the engine root's real
 * path: bind(2) of an abstract name is exclusive, and the kernel releases it when its holder exits
 * for any reason (crash, SIGKILL) — no stale state, nothing to clean up on disk. A waiter that
 * connects is told the holder's pid. Limits (see docs/images.md): the abstract namespace belongs to
 * a network namespace, so the lock only excludes processes in the same one (the CLI always runs
 * in the host's), and a process in the host network namespace could squat the name (a denial of
 * service at most; it reads as "waiting for the engine lock held by pid …").
 *
 * Within one process the lock is shared by reference count (parallel pulls of one `up`); callers
 * that need exclusivity inside the process add an in-process lock on top (see `RwLock`).
 */
export class EngineLock {
  private server: Server | undefined;
  private holds = 0;
  private pending: Promise<void> | undefined;
  private readonly since = new Date().toISOString();

  constructor(
    private readonly root: string,
    private readonly options: EngineLockOptions = {},
  ) {}

  async acquire(o: AcquireOptions = {}): Promise<LockRelease> {
    this.holds += 1;
    try {
      if (!this.server) {
        this.pending ??= this.bindWithWait(o.signal).finally(() => (this.pending = undefined));
        await this.pending;
      }
    } catch (err) {
      this.holds -= 1;
      throw err;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0 && this.server) {
        const server = this.server;
        this.server = undefined;
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    };
  }

  /** Whether this process holds the lock now. */
  get isHeld(): boolean {
    return this.server !== undefined;
  }

  private async socketName(): Promise<string> {
    let real = this.root;
    try {
      real = await realpath(this.root);
    } catch {
      // A root that does not exist yet is named by its given (absolute) path.
    }
    const hash = createHash('sha256').update(real).digest('hex').slice(0, 32);
    return `\0tscompose/engine-lock/${hash}`;
  }

  private async bindWithWait(signal: AbortSignal | undefined): Promise<void> {
    const name = await this.socketName();
    let reported = false;
    for (;;) {
      signal?.throwIfAborted();
      const server = await listenExclusive(name, { pid: process.pid, since: this.since }).catch(
        (err: Error) => {
          throw new EngineError('ENGINE_LOCK_FAILED', `engine lock: ${err.message}`, undefined, {
            cause: err,
          });
        },
      );
      if (server) {
        this.server = server;
        return;
      }
      if (!reported) {
        reported = true;
        this.options.onWait?.(await askHolder<LockHolder>(name));
      }
      await sleep(this.options.pollIntervalMs ?? 100, undefined, { signal }).catch((err: unknown) => {
        throw signal?.aborted ? (signal.reason as unknown) : err;
      });
    }
  }
}
