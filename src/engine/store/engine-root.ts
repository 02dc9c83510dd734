import { chmod, mkdir } from 'node:fs/promises';
import type { EnginePaths } from './engine-paths.js';

/**
 * Creates the engine root's directories, mode 0700 (CVE-2021-41103: world-traversable roots let
 * other users reach setuid binaries inside images). Idempotent; existing modes are tightened.
 */
export async function ensureEngineRoot(paths: EnginePaths): Promise<void> {
  for (const dir of [paths.root, paths.blobs, paths.ingest, paths.images, paths.snapshots, paths.tmp]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await chmod(paths.root, 0o700);
}
