import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { askHolder, listenExclusive } from '../common/socket-lock.js';
import { ReconcileError } from './errors.js';
import { abortableSleep } from './poll-until.js';

/** Who changes a project now, as the holder reports it to a waiter. */
export interface ProjectLockHolder {
  readonly pid: number;
  /** ISO 8601: since when it holds the lock. */
  readonly since: string;
  /** `up`, `down`, `up --watch` … */
  readonly command: string;
}

export interface ProjectLockOptions {
  readonly signal?: AbortSignal;
  /** What this process runs (`up -d`), reported to waiters. */
  readonly command: string;
  /** Fail with PROJECT_LOCKED instead of waiting. */
  readonly noWait?: boolean;
  /** Told once when the lock is held by another process (then the call waits). */
  onWait?(holder: ProjectLockHolder | undefined): void;
  /** Retry interval (default 100 ms). */
  readonly pollIntervalMs?: number;
}

export type ProjectLockRelease = () => Promise<void>;

/**
 * One mutating command per project and engine root at a time (issue 6, item 6): `up`, `down`,
 * `stop`, … of one project never interleave, across processes and inside one (the watch loop's
 * applies). Same mechanism as the engine lock (src/engine/store/engine-lock.ts, which says why):
 * an exclusive listening socket in the abstract namespace, named after the engine root's real path
 * and the project, released by the kernel when its holder dies — nothing stale on disk. A waiter
 * connects and is told who holds it (pid, command, since when), so it can say what it waits for.
 *
 * The watch loop takes the lock per apply, not for its lifetime: `tscompose stop web` in another
 * terminal runs between two applies, and the loop then honours that intent.
 */
export async function acquireProjectLock(
  root: string,
  project: string,
  o: ProjectLockOptions,
): Promise<ProjectLockRelease> {
  const name = await socketName(root, project);
  const holder: ProjectLockHolder = { pid: process.pid, since: new Date().toISOString(), command: o.command };
  let reported = false;
  for (;;) {
    o.signal?.throwIfAborted();
    const inProcess = heldHere.get(name);
    const server = inProcess
      ? undefined
      : await listenExclusive(name, holder).catch((err: Error) => {
          throw new ReconcileError('PROJECT_LOCKED', `project lock: ${err.message}`, undefined, {
            cause: err,
          });
        });
    if (server) {
      let releaseLocal: () => void = () => undefined;
      heldHere.set(name, new Promise<void>((resolve) => (releaseLocal = resolve)));
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        heldHere.delete(name);
        releaseLocal();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      };
    }
    const other = inProcess
      ? { ...holder, command: 'another operation of this process' }
      : await askHolder<ProjectLockHolder>(name);
    if (o.noWait) {
      throw new ReconcileError(
        'PROJECT_LOCKED',
        `project ${project} is being changed by ${describeHolder(other)}`,
        'wait for it to finish, or run the command again without --no-wait',
      );
    }
    if (!reported) {
      reported = true;
      o.onWait?.(other);
    }
    if (inProcess) await Promise.race([inProcess, abortableSleep(o.pollIntervalMs ?? 100, o.signal)]);
    else await abortableSleep(o.pollIntervalMs ?? 100, o.signal);
  }
}

/** Runs `fn` holding the project lock; released whatever happens. */
export async function withProjectLock<T>(
  root: string,
  project: string,
  o: ProjectLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const release = await acquireProjectLock(root, project, o);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** `tscompose up -d (pid 123, since 2026-…)`, or `another process` when it did not answer. */
export function describeHolder(h: ProjectLockHolder | undefined): string {
  return h ? `\`tscompose ${h.command}\` (pid ${h.pid}, since ${h.since})` : 'another process';
}

/** Locks this process holds, by socket name: a second caller here waits on the promise. */
const heldHere = new Map<string, Promise<void>>();

async function socketName(root: string, project: string): Promise<string> {
  let real = root;
  try {
    real = await realpath(root);
  } catch {
    // A root that does not exist yet is named by its given path.
  }
  const hash = createHash('sha256').update(`${real}\0${project}`).digest('hex').slice(0, 32);
  return `\0tscompose/project-lock/${hash}`;
}
