import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { readJsonFile, writeJsonFile } from '../store/json-file.js';
import { Mutex } from '../store/rw-lock.js';
import type { Mount, SnapshotInfo, SnapshotStore } from '../types.js';

export type { Mount, SnapshotInfo };

interface SnapshotRecord {
  readonly id: number;
  readonly parent: string | null;
  readonly diffId: string;
  readonly size: number;
  readonly created: string;
}

interface SnapshotIndex {
  version: 1;
  next: number;
  snapshots: Record<string, SnapshotRecord>;
}

/** An unpack in progress: fill `path`, then `commit` it under its chainID or `discard` it. */
export interface SnapshotDraft {
  readonly path: string;
}

/**
 * Committed layers under `snapshots/<n>/`, keyed by chainID in `snapshots/index.json`. Each
 * layer is unpacked into its own empty directory (whiteouts become overlay whiteouts), so layers
 * of one image unpack in parallel and images share every common prefix of layers. A draft lives
 * in `snapshots/.draft-*` until its diffID was checked; removal renames to `.trash-*` first, so a
 * crash never leaves a half-deleted layer under a live number.
 *
 * Mutations assume the caller holds the engine lock (other processes); the mutex orders this
 * process's own read-modify-writes of the index.
 */
export class LocalSnapshotStore implements SnapshotStore {
  private readonly indexPath: string;
  private readonly mutex = new Mutex();

  constructor(private readonly dir: string) {
    this.indexPath = join(dir, 'index.json');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  private async readIndex(): Promise<SnapshotIndex> {
    return (await readJsonFile<SnapshotIndex>(this.indexPath)) ?? { version: 1, next: 1, snapshots: {} };
  }

  private info(chainId: string, r: SnapshotRecord): SnapshotInfo {
    return {
      chainId,
      parent: r.parent,
      diffId: r.diffId,
      id: r.id,
      path: this.pathOf(r.id),
      size: r.size,
      created: r.created,
    };
  }

  pathOf(id: number): string {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new EngineError('ENGINE_STATE_CORRUPT', `snapshot id ${id} is not valid`);
    return join(this.dir, String(id));
  }

  async get(chainId: string): Promise<SnapshotInfo | undefined> {
    const r = (await this.readIndex()).snapshots[chainId];
    return r ? this.info(chainId, r) : undefined;
  }

  async list(): Promise<SnapshotInfo[]> {
    const index = await this.readIndex();
    return Object.entries(index.snapshots).map(([k, r]) => this.info(k, r));
  }

  /** A fresh empty directory to unpack into. */
  async draft(): Promise<SnapshotDraft> {
    const path = join(this.dir, `.draft-${Date.now()}-${randomBytes(6).toString('hex')}`);
    await mkdir(path, { mode: 0o755 });
    return { path };
  }

  async discard(draft: SnapshotDraft): Promise<void> {
    await rm(draft.path, { recursive: true, force: true, maxRetries: 3 });
  }

  /**
   * Makes a draft the snapshot `chainId`. If another pull committed the same chainID meanwhile,
   * the draft is dropped and the existing snapshot returned (same content by construction).
   */
  async commit(
    draft: SnapshotDraft,
    chainId: string,
    meta: { parent: string | null; diffId: string; size: number },
  ): Promise<SnapshotInfo> {
    return this.mutex.run(async () => {
      const index = await this.readIndex();
      const existing = index.snapshots[chainId];
      if (existing) {
        await this.discard(draft);
        return this.info(chainId, existing);
      }
      const id = index.next;
      await rename(draft.path, this.pathOf(id));
      const record: SnapshotRecord = { id, ...meta, created: new Date().toISOString() };
      index.snapshots[chainId] = record;
      index.next = id + 1;
      await writeJsonFile(this.indexPath, index);
      return this.info(chainId, record);
    });
  }

  /** Removes snapshots; the index is written before any directory goes. */
  async remove(chainIds: readonly string[]): Promise<SnapshotInfo[]> {
    return this.mutex.run(async () => {
      const index = await this.readIndex();
      const removed: SnapshotInfo[] = [];
      for (const chainId of chainIds) {
        const r = index.snapshots[chainId];
        if (!r) continue;
        removed.push(this.info(chainId, r));
        delete index.snapshots[chainId];
      }
      if (removed.length === 0) return removed;
      await writeJsonFile(this.indexPath, index);
      for (const s of removed) {
        const trash = join(this.dir, `.trash-${s.id}-${randomBytes(4).toString('hex')}`);
        await rename(s.path, trash).catch(() => undefined);
        await rm(trash, { recursive: true, force: true, maxRetries: 3 });
      }
      return removed;
    });
  }

  /** Removes drafts and trash left by a crash (caller holds the engine lock: none is in use). */
  async cleanLeftovers(): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith('.draft-') || name.startsWith('.trash-')) {
        await rm(join(this.dir, name), { recursive: true, force: true, maxRetries: 3 });
        n += 1;
      }
    }
    return n;
  }

  /** Directories of the chain ending at `chainId`, topmost first (overlay's lowerdir order). */
  async lowerDirs(chainId: string): Promise<string[]> {
    const index = await this.readIndex();
    const dirs: string[] = [];
    let current: string | null = chainId;
    while (current !== null) {
      const r: SnapshotRecord | undefined = index.snapshots[current];
      if (!r)
        throw new EngineError(
          'SNAPSHOT_NOT_FOUND',
          `snapshot ${current} is missing (needed by ${chainId})`,
          'pull the image again',
        );
      dirs.push(this.pathOf(r.id));
      current = r.parent;
      if (dirs.length > 500)
        throw new EngineError('ENGINE_STATE_CORRUPT', `snapshot chain of ${chainId} loops`);
    }
    return dirs;
  }

  /**
   * A read-only view of the chain: a bind mount of a single layer, else an overlay of all of them.
   * The lowerdir option holds absolute `snapshots/<n>` paths (short numbers keep ~120 layers under
   * the one-page mount data limit for the default root).
   */
  async view(chainId: string): Promise<Mount[]> {
    const dirs = await this.lowerDirs(chainId);
    if (dirs.length === 1) return [{ type: 'bind', source: dirs[0]!, options: ['rbind', 'ro'] }];
    return [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${dirs.join(':')}`] }];
  }

  /** A writable overlay over the chain with the caller's upper and work directories (a container's rootfs). */
  async writable(chainId: string | null, upperDir: string, workDir: string): Promise<Mount[]> {
    const dirs = chainId === null ? [] : await this.lowerDirs(chainId);
    if (dirs.length === 0) return [{ type: 'bind', source: upperDir, options: ['rbind', 'rw'] }];
    return [
      {
        type: 'overlay',
        source: 'overlay',
        options: [`lowerdir=${dirs.join(':')}`, `upperdir=${upperDir}`, `workdir=${workDir}`],
      },
    ];
  }

  /** Disk use of a snapshot directory (walks it; for `system df`-like reports). */
  async diskUsage(chainId: string): Promise<number> {
    const s = await this.get(chainId);
    if (!s) return 0;
    return walkSize(s.path);
  }
}

async function walkSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) total += await walkSize(full);
    else total += (await lstat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
