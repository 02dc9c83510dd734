import { spawnSync } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';
import { makeBusyboxRootfs } from '../../fixtures/busybox-rootfs.js';
import { cgroupDirsWith, runCommand, writeBundle } from './runtime-harness.js';

// tscompose-native built without libseccomp (a host without libseccomp-dev): a profile is
// accepted, not enforced, and the warning saying so goes where the caller reads it. The shim
// passes --log and gives the runtime the container's own stdio: a warning on stderr would land
// in the container's log.
const MARKER = `nosc${process.pid.toString(36)}`;
let root = '';
let cleanup: () => Promise<void> = async () => undefined;
let bin = '';
let rootfs = '';

beforeAll(async () => {
  ({ root, cleanup } = await makeEngineRoot(MARKER));
  const src = join(root, 'native');
  await cp(join(REPO_ROOT, 'native'), src, {
    recursive: true,
    filter: (p) => !p.includes('/build'),
  });
  const make = spawnSync('make', ['-C', src, '-j2', 'SECCOMP=0'], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make SECCOMP=0 failed: ${make.stderr}`);
  bin = join(src, 'build', 'tscompose-native');
  rootfs = join(root, 'rootfs');
  await makeBusyboxRootfs(rootfs);
}, 120_000);

afterAll(async () => {
  await cleanup();
  expect(hostLeaks(MARKER)).toEqual([]);
});

describe('tscompose-native without libseccomp', () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
  };

  it('says so in features and runs the container unfiltered', async () => {
    const features = JSON.parse(spawnSync(bin, ['features'], { encoding: 'utf8' }).stdout) as {
      linux: { seccomp: { enabled: boolean } };
    };
    expect(features.linux.seccomp.enabled).toBe(false);
    const dir = join(root, 'plain');
    await writeBundle(dir, rootfs, ['sh', '-c', 'grep ^Seccomp: /proc/self/status'], (c) => {
      c.linux['seccomp'] = profile;
      c.linux.cgroupsPath = `/tscompose-${MARKER}-plain`;
    });
    const r = await runCommand(bin, [
      '--root',
      join(root, 'state'),
      'run',
      '--bundle',
      dir,
      `${MARKER}-plain`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Seccomp:\t0\n');
    // run by hand (no --log): the warning is on stderr
    expect(r.stderr).toMatch(/^tscompose-native: warning: linux\.seccomp is not enforced/);
    expect(cgroupDirsWith(MARKER)).toEqual([]);
  });

  it('with --log (how the shim runs it), the warning goes to the log, not to the container’s stderr', async () => {
    const dir = join(root, 'logged');
    await writeBundle(dir, rootfs, ['true'], (c) => {
      c.linux['seccomp'] = profile;
      c.linux.cgroupsPath = `/tscompose-${MARKER}-logged`;
    });
    const log = join(root, 'runtime.log');
    const r = await runCommand(bin, [
      '--root',
      join(root, 'state'),
      '--log',
      log,
      '--log-format',
      'json',
      'run',
      '--bundle',
      dir,
      `${MARKER}-logged`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warning',
        msg: expect.stringMatching(/linux\.seccomp is not enforced/) as unknown,
      }),
    ]);
  });
});
