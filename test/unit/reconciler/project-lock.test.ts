import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReconcileError } from '../../../src/reconciler/errors.js';
import {
  acquireProjectLock,
  describeHolder,
  type ProjectLockHolder,
} from '../../../src/reconciler/project-lock.js';

describe('project lock (one mutating command per project)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tscompose-unit-lock-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a second holder waits, is told who holds it, and gets it once released', async () => {
    const first = await acquireProjectLock(root, 'p', { command: 'up -d' });
    const told: (ProjectLockHolder | undefined)[] = [];
    let got = false;
    const second = acquireProjectLock(root, 'p', {
      command: 'down',
      pollIntervalMs: 5,
      onWait: (h) => told.push(h),
    }).then((release) => {
      got = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toBe(false);
    expect(told).toHaveLength(1);
    expect(describeHolder(told[0])).toMatch(
      /^`tscompose another operation of this process` \(pid \d+, since .+\)$/,
    );
    await first();
    const release = await second;
    expect(got).toBe(true);
    await release();
  });

  it('other projects and other roots are not blocked', async () => {
    const a = await acquireProjectLock(root, 'p', { command: 'up' });
    const b = await acquireProjectLock(root, 'q', { command: 'up' });
    const c = await acquireProjectLock(join(root, 'other-root'), 'p', { command: 'up' });
    await Promise.all([a(), b(), c()]);
  });

  it('noWait fails at once with PROJECT_LOCKED naming the holder', async () => {
    const first = await acquireProjectLock(root, 'p', { command: 'up -d' });
    try {
      const err = await acquireProjectLock(root, 'p', { command: 'down', noWait: true }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ReconcileError);
      expect((err as ReconcileError).code).toBe('PROJECT_LOCKED');
      expect((err as Error).message).toMatch(/^project p is being changed by `tscompose /);
    } finally {
      await first();
    }
  });

  it('a waiter can be aborted', async () => {
    const first = await acquireProjectLock(root, 'p', { command: 'up' });
    const controller = new AbortController();
    const waiting = acquireProjectLock(root, 'p', {
      command: 'down',
      pollIntervalMs: 5,
      signal: controller.signal,
    });
    controller.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
    await first();
  });
});
