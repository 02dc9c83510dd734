import { isAbsolute, join, resolve } from 'node:path';

/** The engine root when neither `--root` nor TSCOMPOSE_ROOT names one. */
export const DEFAULT_ENGINE_ROOT = '/var/lib/tscompose';
/** Runtime state (pids, sockets) for the default root; custom roots keep theirs in `<root>/run`. */
export const DEFAULT_RUN_DIR = '/run/tscompose';

/**
 * Every path the engine uses, derived once from the root (BLUEPRINT §4). Other modules take the
 * directory they own from here instead of joining strings of their own.
 */
export interface EnginePaths {
  readonly root: string;
  /** Volatile runtime state: `/run/tscompose` for the default root, else `<root>/run`. */
  readonly run: string;
  /** `content/blobs/sha256/<hex>`: verified blobs. */
  readonly blobs: string;
  /** `content/ingest/`: blobs being written (temp files, renamed into `blobs/` once verified). */
  readonly ingest: string;
  /** `images/`: references and image records. */
  readonly images: string;
  /** `snapshots/<n>/`: one unpacked layer each; `snapshots/index.json` maps chainIDs to `n`. */
  readonly snapshots: string;
  readonly containers: string;
  readonly volumes: string;
  readonly networks: string;
  /** Scratch space on the same filesystem as the stores (archives being loaded, ...). */
  readonly tmp: string;
  /** The engine configuration file (registry mirrors, insecure registries). */
  readonly configFile: string;
}

export function enginePaths(root: string, runDir?: string): EnginePaths {
  if (!isAbsolute(root)) root = resolve(root);
  const isDefault = root === DEFAULT_ENGINE_ROOT;
  return {
    root,
    run: runDir ?? (isDefault ? DEFAULT_RUN_DIR : join(root, 'run')),
    blobs: join(root, 'content', 'blobs'),
    ingest: join(root, 'content', 'ingest'),
    images: join(root, 'images'),
    snapshots: join(root, 'snapshots'),
    containers: join(root, 'containers'),
    volumes: join(root, 'volumes'),
    networks: join(root, 'networks'),
    tmp: join(root, 'tmp'),
    configFile: join(root, 'engine.json'),
  };
}
