import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh engine root for one test file. Its path contains "tscompose" so host-leaks can find
 * mounts left under it, and a random part so parallel files never share one.
 */
export async function makeEngineRoot(label: string): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), `tscompose-test-${label}-`));
  return {
    root,
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}
