import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  containerSpec as spec,
  captureStdio,
  IMAGE,
  openTestEngine,
  type TestEngine,
} from './support/container-engine.js';

const canRun = process.getuid?.() === 0;

describe.skipIf(!canRun)('container engine basics', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine('ctr-basics');
  });
  afterAll(async () => {
    await t?.cleanup();
    expect(t.leaks()).toEqual([]);
  });

  it('runs a program attached and passes its exit code and output through', async () => {
    const c = await t.engine.containers.create(spec('hello', ['sh', '-c', 'echo out; echo err >&2; exit 3']));
    expect(c.state).toBe('created');
    const io = captureStdio();
    const code = await t.engine.containers.runAttached(c.id, io.stdio);
    expect(code).toBe(3);
    expect(io.out()).toBe('out\n');
    expect(io.err()).toBe('err\n');
    const after = await t.engine.containers.inspect('hello');
    expect(after.state).toBe('exited');
    expect(after.exitCode).toBe(3);
    // The image is in use: rm refuses it, prune keeps it and its snapshots.
    await expect(t.engine.images.remove([IMAGE])).rejects.toMatchObject({ code: 'IMAGE_IN_USE' });
    expect((await t.engine.images.prune({ all: true })).imagesDeleted).toEqual([]);
    await t.engine.containers.remove('hello');
    expect(await t.engine.containers.find('hello')).toBeUndefined();
  });
});
