import { readFile } from 'node:fs/promises';
import { EngineError } from './errors.js';

/** Per-registry settings, keyed by the registry as references name it (`docker.io`, `host:5000`). */
export interface RegistryConfig {
  /**
   * Pull-through mirrors tried in order before the registry itself: `https://mirror.example`,
   * `mirror.example:5000` (https), `http://127.0.0.1:5001`, optionally with a path prefix.
   */
  readonly mirrors?: readonly string[];
  /** Plain HTTP instead of HTTPS (Docker's insecure-registries). Loopback registries default to true. */
  readonly insecure?: boolean;
  /** A PEM file of CA certificates to trust for this registry (Docker's certs.d/<host>/ca.crt). */
  readonly ca?: string;
}

/** The engine configuration file, `<root>/engine.json`. Every field is optional. */
export interface EngineConfig {
  readonly registries?: Readonly<Record<string, RegistryConfig>>;
  /** Parallel layer downloads per pull (default 3, as Docker and containerd). */
  readonly maxConcurrentDownloads?: number;
  /** Parallel blob uploads per push (default 5, as Docker). */
  readonly maxConcurrentUploads?: number;
}

function bad(path: string, field: string, what: string): EngineError {
  return new EngineError(
    'ENGINE_CONFIG_INVALID',
    `${path}: ${field}: ${what}`,
    'see docs/images.md for the file format',
  );
}

/** Checks a parsed config, naming the first bad field. */
export function validateEngineConfig(doc: unknown, path: string): EngineConfig {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw bad(path, '(root)', 'expected an object');
  const c = doc as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!['registries', 'maxConcurrentDownloads', 'maxConcurrentUploads'].includes(key)) {
      throw bad(path, key, 'unknown field');
    }
  }
  for (const key of ['maxConcurrentDownloads', 'maxConcurrentUploads'] as const) {
    const v = c[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 64)) {
      throw bad(path, key, 'expected an integer from 1 to 64');
    }
  }
  const regs = c['registries'];
  if (regs !== undefined) {
    if (typeof regs !== 'object' || regs === null || Array.isArray(regs))
      throw bad(path, 'registries', 'expected an object');
    for (const [host, r] of Object.entries(regs as Record<string, unknown>)) {
      const where = `registries["${host}"]`;
      if (typeof r !== 'object' || r === null || Array.isArray(r))
        throw bad(path, where, 'expected an object');
      const rr = r as Record<string, unknown>;
      for (const key of Object.keys(rr)) {
        if (!['mirrors', 'insecure', 'ca'].includes(key)) throw bad(path, `${where}.${key}`, 'unknown field');
      }
      if (
        rr['mirrors'] !== undefined &&
        (!Array.isArray(rr['mirrors']) || rr['mirrors'].some((m) => typeof m !== 'string' || m === ''))
      ) {
        throw bad(path, `${where}.mirrors`, 'expected an array of URLs or host[:port]');
      }
      if (rr['insecure'] !== undefined && typeof rr['insecure'] !== 'boolean')
        throw bad(path, `${where}.insecure`, 'expected true or false');
      if (rr['ca'] !== undefined && typeof rr['ca'] !== 'string')
        throw bad(path, `${where}.ca`, 'expected a file path');
    }
  }
  return c as EngineConfig;
}

/** Reads `<root>/engine.json`; a missing file is the empty config. */
export async function loadEngineConfig(path: string): Promise<EngineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new EngineError(
      'ENGINE_CONFIG_INVALID',
      `${path}: not valid JSON (${(err as Error).message})`,
      undefined,
      { cause: err },
    );
  }
  return validateEngineConfig(doc, path);
}
