import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineLock, type LockHolder } from '../../../src/engine/store/engine-lock.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';

const MARKER = 'img-lock';
const DIST_LOCK = fileURLToPath(new URL('../../../dist/engine/store/engine-lock.js', import.meta.url));

describe('the engine lock', () => {
  let root: { root: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    root = await makeEngineRoot(MARKER);
  });
  afterAll(async () => {
    await root.cleanup();
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  it('is shared within a process and exclusive between holders; waiters learn who holds it', async () => {
    const first = new EngineLock(root.root);
    const a = await first.acquire();
    const b = await first.acquire(); // the same process: shared
    let waitedFor: LockHolder | undefined;
    const second = new EngineLock(root.root, { pollIntervalMs: 10, onWait: (h) => (waitedFor = h) });
    let acquired = false;
    const pending = second.acquire().then((release) => {
      acquired = true;
      return release;
    });
    await a();
    await new Promise((r) => setTimeout(r, 50));
    expect(acquired).toBe(false); // b still holds it
    expect(waitedFor?.pid).toBe(process.pid);
    await b();
    const release = await pending;
    expect(second.isHeld).toBe(true);
    await release();
    expect(second.isHeld).toBe(false);
  });

  it('is released when its holder is killed (no stale lock)', async () => {
    const script = `import(${JSON.stringify(DIST_LOCK)}).then(async (m) => { await new m.EngineLock(${JSON.stringify(root.root)}).acquire(); process.stdout.write('held\\n'); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const lock = new EngineLock(root.root, { pollIntervalMs: 10 });
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('still locked')), 200);
      await expect(lock.acquire({ signal: controller.signal })).rejects.toThrow('still locked');
      clearTimeout(timer);
      child.kill('SIGKILL');
      await exited;
      const release = await lock.acquire({ signal: AbortSignal.timeout(10_000) });
      await release();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});
