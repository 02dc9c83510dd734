import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { fsyncDir, readJsonFile, writeJsonFile } from '../store/index.js';
import { parseNetworkRecord, type NetworkRecord } from './network-record.js';

/**
 * Docker's network name rule; also safe as one path component (it becomes `<name>.json`).
 * Compose names networks `<project>_<key>`.
 */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export function assertNetworkName(name: string): string {
  if (!NETWORK_NAME.test(name)) {
    throw new EngineError(
      'NETWORK_NAME_INVALID',
      `network name "${name}" is invalid`,
      'use 1-128 characters from [a-zA-Z0-9_.-], starting with a letter or digit',
    );
  }
  return name;
}

/**
 * The network records of one engine root, one JSON file per network under `<root>/networks/`,
 * each written atomically (temp + fsync + rename). Callers serialize mutations (engine lock +
 * the manager's in-process mutex); reads need no lock because every write is a rename.
 */
export class NetworkStore {
  constructor(private readonly dir: string) {}

  private pathOf(name: string): string {
    return join(this.dir, `${assertNetworkName(name)}.json`);
  }

  async list(): Promise<NetworkRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: NetworkRecord[] = [];
    for (const file of names.sort()) {
      if (!file.endsWith('.json') || file.startsWith('.')) continue;
      const record = await this.read(file.slice(0, -'.json'.length));
      if (record) records.push(record);
    }
    return records;
  }

  async read(name: string): Promise<NetworkRecord | undefined> {
    const path = this.pathOf(name);
    const value = await readJsonFile<unknown>(path);
    return value === undefined ? undefined : parseNetworkRecord(value, path);
  }

  async write(record: NetworkRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeJsonFile(this.pathOf(record.name), record);
  }

  async remove(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
    await fsyncDir(this.dir).catch(() => undefined);
  }

  /**
   * A network by name, full id, or unique id prefix (as `docker network inspect` accepts);
   * NETWORK_NOT_FOUND otherwise, NETWORK_AMBIGUOUS for a prefix matching several.
   */
  async find(nameOrId: string): Promise<NetworkRecord> {
    const all = await this.list();
    const byName = all.find((r) => r.name === nameOrId);
    if (byName) return byName;
    const byId = all.filter((r) => nameOrId.length > 0 && r.id.startsWith(nameOrId));
    if (byId.length === 1) return byId[0]!;
    if (byId.length > 1) {
      throw new EngineError(
        'NETWORK_AMBIGUOUS',
        `network id prefix "${nameOrId}" matches ${byId.length} networks`,
        'use more characters of the id, or the name',
      );
    }
    throw new EngineError(
      'NETWORK_NOT_FOUND',
      `network ${nameOrId} not found`,
      'list networks with `tscompose network ls`',
    );
  }
}
