// `tscompose-native init` as PID 1 of a runc container (the static binary bind-mounted read-only,
// as the engine does for `init: true`): exit status pass-through, signal forwarding, reaping.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import {
  bindNativeBinary,
  deleteAllContainers,
  INIT_IN_CONTAINER,
  makeTestBundle,
  RUNC,
  runForeground,
  runtimeCmd,
  uniqueId,
  waitFor,
  WaitAborted,
} from './shim-harness.js';

const MARKER = `tscompose-init-${process.pid}`;
let root: { root: string; cleanup: () => Promise<void> };
let runcRoot: string;

beforeAll(async () => {
  root = await makeEngineRoot('init');
  runcRoot = join(root.root, 'runc');
});
afterAll(async () => {
  deleteAllContainers(RUNC, runcRoot);
  await root.cleanup();
  expect(hostLeaks(MARKER)).toEqual([]);
});

/** Starts `init [flags] -- sh -c SCRIPT` as the container's process under `runc run`. */
async function start(script: string, flags: string[] = []) {
  const id = uniqueId(MARKER);
  const bundle = join(root.root, id);
  await makeTestBundle(
    bundle,
    id,
    [INIT_IN_CONTAINER, 'init', ...flags, '--', 'sh', '-c', script],
    bindNativeBinary,
  );
  const run = runForeground(RUNC, runcRoot, bundle, id);
  const kill = (sig: string) => expect(runtimeCmd(RUNC, runcRoot, ['kill', id, sig]).code).toBe(0);
  let done = false;
  void run.exited.finally(() => (done = true));
  const output = (needle: string) =>
    waitFor(`"${needle}" in the output`, () => {
      if (run.stdout().includes(needle)) return true;
      if (done) throw new WaitAborted(`the container exited before "${needle}"; its output: ${run.stdout()}`);
      return false;
    });
  return { ...run, id, kill, output };
}

describe('init as PID 1', () => {
  it('passes the exit code through; the program is a child of init, which is PID 1', async () => {
    const c = await start('echo "parent=$PPID init=$(tr "\\0" " " < /proc/1/cmdline)"; exit 3');
    expect(await c.exited).toBe(3);
    expect(c.stdout()).toContain(`parent=1 init=${INIT_IN_CONTAINER} init -- sh -c`);
  });

  it('forwards signals to the program', async () => {
    const c = await start(
      [
        ...['HUP', 'INT', 'USR1', 'USR2', 'WINCH'].map((s) => `trap "echo got-${s}" ${s}`),
        'trap "echo got-TERM; exit 42" TERM',
        'echo ready',
        'while :; do sleep 0.05; done',
      ].join('; '),
    );
    await c.output('ready');
    for (const sig of ['HUP', 'INT', 'USR1', 'USR2', 'WINCH']) {
      c.kill(sig);
      await c.output(`got-${sig}`);
    }
    c.kill('TERM');
    expect(await c.exited).toBe(42);
    expect(c.stdout()).toContain('got-TERM');
  });

  it('exits with 128 + the signal that killed the program', async () => {
    const c = await start('echo ready; exec sleep 1000');
    await c.output('ready');
    c.kill('USR1');
    expect(await c.exited).toBe(128 + 10);
  });

  it('reaps orphans reparented to it (no zombies)', async () => {
    const c = await start(
      [
        'for i in 1 2 3 4 5; do sh -c "sleep 0.1 &"; done',
        'sleep 1',
        'echo zombies=$(grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l)',
      ].join('; '),
    );
    expect(await c.exited).toBe(0);
    expect(c.stdout()).toContain('zombies=0');
  });

  it('with -g forwards to the whole process group', async () => {
    const c = await start(
      [
        'trap "echo sh-got-TERM" TERM',
        'sleep 1000 &',
        'echo ready',
        'while kill -0 $! 2>/dev/null; do sleep 0.05; done',
        'echo sleep-gone',
        'exit 7',
      ].join('\n'),
      ['-g'],
    );
    await c.output('ready');
    c.kill('TERM');
    expect(await c.exited).toBe(7);
    expect(c.stdout()).toContain('sleep-gone');
  });

  it('reports a program that cannot be run with 127', async () => {
    const id = uniqueId(MARKER);
    const bundle = join(root.root, id);
    await makeTestBundle(bundle, id, [INIT_IN_CONTAINER, 'init', '--', '/no/such/program'], bindNativeBinary);
    const run = runForeground(RUNC, runcRoot, bundle, id);
    expect(await run.exited).toBe(127);
    expect(run.stdout()).toContain('exec `/no/such/program`: No such file or directory');
  });
});
