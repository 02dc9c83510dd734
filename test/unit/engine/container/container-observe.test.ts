import { describe, expect, it } from 'vitest';
import { runStateOf, UNKNOWN_EXIT } from '../../../../src/engine/container/container-observe.js';
import type { ContainerRecord } from '../../../../src/engine/container/container-record.js';
import type { ShimState } from '../../../../src/engine/container/shim-state.js';

const record = (over: Partial<ContainerRecord> = {}): ContainerRecord => ({
  version: 1,
  id: 'a'.repeat(64),
  name: 'c',
  created: '2026-01-01T00:00:00Z',
  phase: 'ready',
  spec: {
    name: 'c',
    image: 'i',
    entrypoint: null,
    command: null,
    env: {},
    labels: {},
    mounts: [],
    network: { mode: 'none' },
    ports: [],
  },
  image: { reference: 'i', id: 'sha256:1', digest: 'sha256:2', topChainId: null },
  mounts: [],
  anonymousVolumes: [],
  networkMode: 'none',
  networks: [],
  ports: [],
  namespaceOwners: {},
  cgroupsPath: '/x',
  desiredState: 'running',
  manuallyStopped: false,
  paused: false,
  ...over,
});

const shim = (over: Partial<ShimState> = {}): ShimState => ({
  version: 1,
  id: 'a'.repeat(64),
  shimPid: 1,
  shimRunning: true,
  status: 'running',
  pid: 42,
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: null,
  exitCode: null,
  signal: null,
  oomKilled: false,
  error: null,
  restartPolicy: 'no',
  restartCount: 0,
  restarts: [],
  nextRestartAt: null,
  stopRequested: false,
  stop: null,
  health: null,
  updatedAt: '2026-01-01T00:00:01Z',
  ...over,
});

describe('container state from the record and the shim', () => {
  it.each([
    ['never started', record(), undefined, false, { state: 'created', pid: 0, exitCode: null }],
    [
      'a failed start',
      record(),
      shim({ shimRunning: false, status: 'exited', startedAt: null, error: 'exec: x: not found' }),
      false,
      { state: 'created', error: 'exec: x: not found' },
    ],
    ['running', record(), shim(), true, { state: 'running', pid: 42 }],
    ['paused', record({ paused: true }), shim(), true, { state: 'paused', pid: 42 }],
    [
      'waiting to restart',
      record(),
      shim({ status: 'restarting', exitCode: 1, pid: 0 }),
      true,
      { state: 'restarting', exitCode: 1 },
    ],
    [
      'exited',
      record(),
      shim({ shimRunning: false, status: 'exited', exitCode: 3, finishedAt: 'x' }),
      false,
      { state: 'exited', exitCode: 3 },
    ],
    [
      'OOM killed',
      record(),
      shim({ shimRunning: false, status: 'exited', exitCode: 137, oomKilled: true }),
      false,
      { state: 'exited', exitCode: 137, oomKilled: true },
    ],
    ['being removed', record({ phase: 'removing' }), shim(), true, { state: 'removing' }],
    [
      'an interrupted create',
      record({ phase: 'creating', owner: { pid: 2 ** 22 + 7, startTime: 1 } }),
      undefined,
      false,
      { state: 'dead' },
    ],
    [
      'a killed shim whose container is gone',
      record(),
      shim({ pid: 2 ** 22 + 7 }),
      false,
      { state: 'exited', exitCode: UNKNOWN_EXIT },
    ],
    [
      'a shim that ended just after writing its final state',
      record(),
      shim({ status: 'exited', exitCode: 4, pid: 0 }),
      false,
      { state: 'exited', exitCode: 4 },
    ],
    [
      'a killed shim whose container lives',
      record(),
      shim({ pid: process.pid }),
      false,
      { state: 'running', pid: process.pid },
    ],
  ])('%s', (_n, r, s, alive, expected) => {
    expect(runStateOf(r, s, alive)).toMatchObject(expected);
  });
});
