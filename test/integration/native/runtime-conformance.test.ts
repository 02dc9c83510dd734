import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_SECCOMP } from '../../helpers/native-seccomp.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import {
  HAS_RUNC,
  NATIVE_BIN,
  OciRuntime,
  RUNC_BIN,
  cgroupDirsWith,
  compileFixture,
  makeSharedRootfs,
} from './runtime-harness.js';
import { runtimeSuite, type SuiteContext } from './runtime-suite.js';

// The same busybox bundles under tscompose-native and Debian's runc (issue 3 "Done when"): the
// suite asserts what each container sees; the last block checks both saw the same.
const MARKER = `rtc${process.pid.toString(36)}`;
let root = '';
let cleanup: () => Promise<void> = async () => undefined;
let rootfs = '';
const observed = new Map<string, unknown>();
const runtimes: Record<string, OciRuntime> = {};

beforeAll(async () => {
  ({ root, cleanup } = await makeEngineRoot(MARKER));
  rootfs = await makeSharedRootfs(root);
  compileFixture('console-receiver.c', join(root, 'console-receiver'));
  runtimes['tscompose-native'] = new OciRuntime('tscompose-native', NATIVE_BIN, join(root, 'state-native'));
  runtimes['runc'] = new OciRuntime('runc', RUNC_BIN, join(root, 'state-runc'));
});

afterAll(async () => {
  // Best effort for a failed test: nothing of this file may outlive it.
  for (const rt of Object.values(runtimes)) {
    if (!existsSync(rt.root)) continue;
    for (const id of readdirSync(rt.root)) await rt.cli(['delete', '--force', id]);
  }
  await cleanup();
});

const context = (name: string): SuiteContext => ({
  runtime: () => {
    const rt = runtimes[name];
    if (rt === undefined) throw new Error(`runtime ${name} not set up`);
    return rt;
  },
  workDir: () => root,
  rootfs: () => rootfs,
  receiver: () => join(root, 'console-receiver'),
  marker: MARKER,
  observed,
  seccomp: (label) => label !== 'tscompose-native' || NATIVE_SECCOMP,
});

runtimeSuite('tscompose-native', context('tscompose-native'));

describe.skipIf(!HAS_RUNC)(`reference runtime (${RUNC_BIN})`, () => {
  runtimeSuite('runc', context('runc'));
});

describe.skipIf(!HAS_RUNC)('tscompose-native and runc observe the same', () => {
  const keys = [
    'basics.status',
    'basics.rlimits',
    'basics.mounts',
    'basics.cgroup',
    'user.status',
    'env.output',
    'masks.read',
    'binds.mounts',
    'devices.output',
    'tty.lines',
    ...(NATIVE_SECCOMP ? ['seccomp.output'] : []),
  ];
  it.each(keys)('%s', (key) => {
    const ours = observed.get(`tscompose-native:${key}`);
    const theirs = observed.get(`runc:${key}`);
    expect(ours, 'tscompose-native observation').toBeDefined();
    expect(theirs, 'runc observation').toBeDefined();
    expect(ours).toEqual(theirs);
  });

  it('leaves no cgroup, state, process or mount behind', () => {
    expect(cgroupDirsWith(MARKER)).toEqual([]);
    for (const rt of Object.values(runtimes))
      expect(existsSync(rt.root) ? readdirSync(rt.root) : []).toEqual([]);
    expect(hostLeaks(MARKER)).toEqual([]);
  });
});
