import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnginePaths } from '../store/engine-paths.js';
import { readJsonFile, writeJsonFile } from '../store/json-file.js';
import type { ImageUsageProvider } from '../types.js';
import { containerNotFound } from './container-errors.js';
import { isContainerId } from './container-id.js';
import { containerPaths, type ContainerPaths, type ContainerRecord } from './container-record.js';
import { EngineError } from '../errors.js';

/**
 * Container records under `<root>/containers/<id>/container.json`: one directory per container
 * (0700: the record holds the spec's environment and config record), written atomically (temp +
 * fsync + rename). Removal renames the directory to `.trash-*` first, so a crash never leaves a
 * half-deleted container under a live id. Reads take no lock; writers hold the engine lock.
 *
 * It is also the image subsystem's usage provider: images and snapshots under containers are
 * kept by `image prune` and refused by `image rm` without force.
 */
export class ContainerStore implements ImageUsageProvider {
  readonly dir: string;

  constructor(private readonly paths: EnginePaths) {
    this.dir = paths.containers;
  }

  pathsOf(id: string): ContainerPaths {
    if (!isContainerId(id))
      throw new EngineError('ENGINE_STATE_CORRUPT', `container id "${id}" is not valid`);
    return containerPaths(this.paths, id);
  }

  /** Creates the container's directory (0700) — the first thing a create does. */
  async makeDir(id: string): Promise<ContainerPaths> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const p = this.pathsOf(id);
    await mkdir(p.dir, { mode: 0o700 });
    return p;
  }

  async write(record: ContainerRecord): Promise<void> {
    await writeJsonFile(this.pathsOf(record.id).record, record);
  }

  async get(id: string): Promise<ContainerRecord | undefined> {
    if (!isContainerId(id)) return undefined;
    return readJsonFile<ContainerRecord>(this.pathsOf(id).record);
  }

  /** Every record (a directory whose record is missing — a create killed before writing it — is skipped). */
  async list(): Promise<ContainerRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: ContainerRecord[] = [];
    for (const name of names.filter(isContainerId).sort()) {
      const r = await readJsonFile<ContainerRecord>(join(this.dir, name, 'container.json')).catch(
        () => undefined,
      );
      if (r) out.push(r);
    }
    return out;
  }

  /** Directories without a record: left by a create killed before its first write. */
  async orphanDirs(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names.filter(isContainerId)) {
      if (!(await readJsonFile(join(this.dir, name, 'container.json')).catch(() => true))) out.push(name);
    }
    return out;
  }

  /** By full id, then exact name, then unique id prefix (Docker's order). */
  async find(ref: string, records?: readonly ContainerRecord[]): Promise<ContainerRecord | undefined> {
    const all = records ?? (await this.list());
    const byId = all.find((r) => r.id === ref);
    if (byId) return byId;
    const byName = all.find((r) => r.name === ref || `/${r.name}` === ref);
    if (byName) return byName;
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    const matches = all.filter((r) => r.id.startsWith(ref));
    if (matches.length > 1) {
      throw new EngineError(
        'CONTAINER_AMBIGUOUS',
        `container id prefix "${ref}" matches ${matches.length} containers`,
        'give more digits of the id, or the name',
      );
    }
    return matches[0];
  }

  async require(ref: string, records?: readonly ContainerRecord[]): Promise<ContainerRecord> {
    const r = await this.find(ref, records);
    if (!r) throw containerNotFound(ref);
    return r;
  }

  /** Removes a container's directory: renamed aside first (atomic), then deleted. */
  async removeDir(id: string): Promise<void> {
    const p = this.pathsOf(id);
    const trash = join(this.dir, `.trash-${id.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(p.dir, trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await rm(trash, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Deletes trash left by an interrupted removal (the caller holds the engine lock). */
  async sweepTrash(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.trash-'))
        await rm(join(this.dir, name), { recursive: true, force: true, maxRetries: 3 });
    }
  }

  async imagesInUse(): Promise<Iterable<string>> {
    return (await this.list()).flatMap((r) => [r.image.id, r.image.digest]);
  }

  async snapshotsInUse(): Promise<Iterable<string>> {
    return (await this.list()).flatMap((r) => (r.image.topChainId ? [r.image.topChainId] : []));
  }
}
