import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { readJsonFile, writeJsonFile } from '../store/json-file.js';

/** `<root>/volumes/<name>/volume.json`. */
export interface VolumeRecord {
  readonly version: 1;
  readonly name: string;
  readonly driver: 'local';
  readonly labels: Readonly<Record<string, string>>;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly created: string;
}

/** Docker's volume name rule (at least two characters), safe as a path component. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$/;

export function assertVolumeName(name: string): string {
  if (!VOLUME_NAME.test(name)) {
    throw new EngineError(
      'VOLUME_NAME_INVALID',
      `volume name "${name}" is invalid`,
      'use 2-255 characters from [a-zA-Z0-9_.-], starting with a letter or digit',
    );
  }
  return name;
}

/**
 * Volume records and data directories: `<root>/volumes/<name>/{volume.json,_data}`. A volume is
 * made in a temporary directory and renamed into place (so it exists whole or not at all), and
 * removed by renaming it aside first. Directories are 0700 except `_data` (0755, as Docker's: its
 * root is what the container sees at the mount point).
 */
export class VolumeStore {
  constructor(readonly dir: string) {}

  dataPath(name: string): string {
    return join(this.dir, assertVolumeName(name), '_data');
  }

  async get(name: string): Promise<VolumeRecord | undefined> {
    if (!VOLUME_NAME.test(name)) return undefined;
    return readJsonFile<VolumeRecord>(join(this.dir, name, 'volume.json'));
  }

  async list(): Promise<VolumeRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: VolumeRecord[] = [];
    for (const n of names.sort()) {
      if (!VOLUME_NAME.test(n)) continue;
      const r = await readJsonFile<VolumeRecord>(join(this.dir, n, 'volume.json')).catch(() => undefined);
      if (r) out.push(r);
    }
    return out;
  }

  /** Creates the volume atomically; false when one with this name exists already. */
  async create(record: VolumeRecord): Promise<boolean> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp, { mode: 0o700 });
    try {
      await mkdir(join(tmp, '_data'), { mode: 0o755 });
      await writeJsonFile(join(tmp, 'volume.json'), record);
      try {
        await rename(tmp, join(this.dir, assertVolumeName(record.name)));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') return false;
        throw err;
      }
      return true;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async update(record: VolumeRecord): Promise<void> {
    await writeJsonFile(join(this.dir, assertVolumeName(record.name), 'volume.json'), record);
  }

  async remove(name: string): Promise<void> {
    const trash = join(this.dir, `.trash-${randomBytes(6).toString('hex')}`);
    try {
      await rename(join(this.dir, assertVolumeName(name)), trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await rm(trash, { recursive: true, force: true, maxRetries: 3 });
  }

  /**
   * Deletes what interrupted creations and removals left (the caller holds the engine lock, so
   * no other process is making one; this process's own are in flight and kept).
   */
  async sweep(): Promise<void> {
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      if (n.startsWith(`.tmp-${process.pid}-`)) continue;
      if (n.startsWith('.tmp-') || n.startsWith('.trash-'))
        await rm(join(this.dir, n), { recursive: true, force: true, maxRetries: 3 });
    }
  }
}
