import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import type { OciConfig } from '../../helpers/oci-bundle.js';
import { makeBundle } from '../../helpers/oci-bundle.js';
import { NATIVE_BIN } from './unpack-sandbox.js';
import { WaitAborted, waitFor } from '../../helpers/wait-for.js';

export { NATIVE_BIN };

/** Debian's runc: the reference runtime the shim drives through its CLI. */
export const RUNC = '/usr/sbin/runc';

/** Where the static tscompose-native is bind-mounted inside test containers. */
export const INIT_IN_CONTAINER = '/sbin/tsc-init';

/** Is the runtime's `create` verb built into tscompose-native (the runtime developer's part)? */
export function nativeHasCreate(): boolean {
  const r = spawnSync(NATIVE_BIN, ['--help'], { encoding: 'utf8' });
  return / create /.test(r.stdout);
}

/**
 * A bundle for tests: busybox rootfs, Docker defaults, and a cgroup path that carries the test's
 * marker (so host-leaks finds it if it is left behind) and sits at the hierarchy's top.
 */
export async function makeTestBundle(
  dir: string,
  cgroupName: string,
  args: string[],
  edit: (config: OciConfig) => void = () => undefined,
): Promise<OciConfig> {
  mkdirSync(dir, { recursive: true });
  return makeBundle(dir, args, (config) => {
    config.linux.cgroupsPath = `/${cgroupName}`;
    edit(config);
  });
}

/** Adds the read-only bind mount of the native binary at INIT_IN_CONTAINER. */
export function bindNativeBinary(config: OciConfig): void {
  config.mounts.push({
    destination: INIT_IN_CONTAINER,
    type: 'bind',
    source: NATIVE_BIN,
    options: ['bind', 'ro'],
  });
}

/** Runs `runtime --root ROOT ARGS` synchronously. */
export function runtimeCmd(runtime: string, root: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(runtime, ['--root', root, ...args], { encoding: 'utf8' });
  return { code: r.status ?? 128, out: `${r.stdout}${r.stderr}` };
}

/** Force-deletes every container left in a runtime root (test cleanup; ignores errors). */
export function deleteAllContainers(runtime: string, root: string): void {
  if (!existsSync(root)) return;
  for (const id of readdirSync(root)) runtimeCmd(runtime, root, ['delete', '--force', id]);
}

/** A foreground `runtime run` whose stdout/stderr are collected; `exited` resolves with the exit code. */
export interface Foreground {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number>;
}

export function runForeground(runtime: string, root: string, bundle: string, id: string): Foreground {
  const child = spawn(runtime, ['--root', root, 'run', '--bundle', bundle, id], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { child, stdout: () => out, exited };
}

export { WaitAborted, waitFor };

export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export const bundleDir = (root: string, name: string) => join(root, 'bundles', name);

/** What `tscompose-native shim` prints once the container runs. */
export interface ShimReady {
  pid: number;
  shimPid: number;
}

/** The state file (docs/native-shim.md), as tests read it. */
export interface ShimState {
  version: number;
  id: string;
  bundle: string;
  shimPid: number;
  shimRunning: boolean;
  status: 'created' | 'running' | 'stopping' | 'restarting' | 'exited';
  pid: number;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  oomKilled: boolean;
  error: string | null;
  restartPolicy: string;
  restartCount: number;
  restarts: { at: string; delayMs: number; exitCode: number }[];
  nextRestartAt: string | null;
  stopRequested: boolean;
  stop: { requestedAt: string; signal: string; timeoutMs: number; killed: boolean } | null;
  health: {
    status: 'starting' | 'healthy' | 'unhealthy';
    failingStreak: number;
    log: { start: string; end: string; exitCode: number; output: string }[];
  } | null;
  updatedAt: string;
}

export interface ShimOptions {
  runtime: string;
  runtimeRoot: string;
  bundle: string;
  id: string;
  stateDir: string;
  /** Further options (`--restart`, `--log-path`, ...), then `--` and a healthcheck if wanted. */
  args?: string[];
}

export function shimArgv(o: ShimOptions): string[] {
  return [
    'shim',
    '--runtime',
    o.runtime,
    '--runtime-root',
    o.runtimeRoot,
    '--bundle',
    o.bundle,
    '--id',
    o.id,
    '--state-dir',
    o.stateDir,
    ...(o.args ?? []),
  ];
}

/** Runs `tscompose-native shim ...` as the engine does: it returns once the container runs. */
export function startShim(o: ShimOptions): { code: number; ready?: ShimReady; stderr: string } {
  const r = spawnSync(NATIVE_BIN, shimArgv(o), { encoding: 'utf8', timeout: 60_000 });
  const code = r.status ?? 128;
  return code === 0
    ? { code, ready: JSON.parse(r.stdout) as ShimReady, stderr: r.stderr }
    : { code, stderr: r.stderr };
}

export function readState(stateDir: string): ShimState | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as ShimState;
  } catch {
    return undefined;
  }
}

export function waitState(
  stateDir: string,
  what: string,
  ok: (s: ShimState) => boolean,
  timeoutMs = 20_000,
): Promise<ShimState> {
  return waitFor(
    `${what} (state: ${JSON.stringify(readState(stateDir))})`,
    () => {
      const s = readState(stateDir);
      return s && ok(s) ? s : undefined;
    },
    timeoutMs,
  );
}

/** A live process (a zombie waiting for its reaper — here PID 1 reaps only now and then — is not). */
export function isAlive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * The control socket's address: its path, or for a state dir too long for sun_path (108 bytes)
 * the same socket reached through an fd of the directory (see docs/native-shim.md). The fd is
 * kept for the life of the test process.
 */
export function socketPath(stateDir: string): string {
  const direct = join(stateDir, 'shim.sock');
  if (Buffer.byteLength(direct) < 108) return direct;
  return `/proc/self/fd/${openSync(stateDir, 'r')}/shim.sock`;
}

/** Sends one request line on the control socket and returns everything the shim answered. */
export function shimRequest(stateDir: string, line: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath(stateDir));
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer to "${line}" within ${timeoutMs} ms; got ${JSON.stringify(out)}`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (out += d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    sock.write(`${line}\n`);
  });
}

/** One frame of the attach stream (Docker's multiplexed format). */
export interface Frame {
  stream: number;
  data: Buffer;
}

/** An attached client: collects frames; `send` writes to the container's stdin. */
export interface Attached {
  reply: () => string;
  frames: () => Frame[];
  text: (stream: number) => string;
  send: (data: string) => void;
  endInput: () => void;
  closed: Promise<void>;
}

export function attach(stateDir: string, request = 'attach'): Attached {
  const sock = connect(socketPath(stateDir));
  let buf = Buffer.alloc(0);
  let reply: string | undefined;
  const frames: Frame[] = [];
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    if (reply === undefined) {
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      reply = buf.subarray(0, nl).toString('utf8');
      buf = buf.subarray(nl + 1);
    }
    while (buf.length >= 8 && buf.length >= 8 + buf.readUInt32BE(4)) {
      const len = buf.readUInt32BE(4);
      frames.push({ stream: buf[0]!, data: buf.subarray(8, 8 + len) });
      buf = buf.subarray(8 + len);
    }
  });
  const closed = new Promise<void>((resolve) => {
    sock.on('close', () => resolve());
    sock.on('error', () => resolve());
  });
  sock.write(`${request}\n`);
  return {
    reply: () => reply ?? '',
    frames: () => frames,
    text: (stream) =>
      Buffer.concat(frames.filter((f) => f.stream === stream).map((f) => f.data)).toString('utf8'),
    send: (data) => sock.write(data),
    endInput: () => sock.end(),
    closed,
  };
}

/**
 * Stops every shim a test file started (stop 0 over the socket, then SIGKILL if it is still
 * there) and deletes what is left in the runtime root: nothing may outlive the file.
 */
export async function cleanupShims(stateDirs: string[], runtime: string, runtimeRoot: string): Promise<void> {
  for (const dir of stateDirs) {
    const s = readState(dir);
    if (!s || !isAlive(s.shimPid)) continue;
    await shimRequest(dir, 'stop 0', 10_000).catch(() => undefined);
    await waitFor('the shim to exit', () => !isAlive(s.shimPid), 10_000).catch(() => {
      process.kill(s.shimPid, 'SIGKILL');
    });
  }
  deleteAllContainers(runtime, runtimeRoot);
}

/** A runtime the shim can drive: runc always; tscompose-native once its `create` verb exists. */
export interface RuntimeUnderTest {
  name: string;
  bin: string;
  available: boolean;
  why: string;
}

export function runtimesUnderTest(): RuntimeUnderTest[] {
  const native = nativeHasCreate();
  return [
    {
      name: 'runc',
      bin: RUNC,
      available: existsSync(RUNC),
      why: 'runc is not installed (apt-get install runc)',
    },
    {
      name: 'tscompose-native',
      bin: NATIVE_BIN,
      available: native,
      why: 'skipped: this build of tscompose-native has no `create` verb yet (the runtime verbs are another part of issue 3)',
    },
  ];
}

/**
 * One test file's containers: bundles, state dirs and runtime roots under the file's engine root,
 * names carrying the file's marker (host-leaks looks for it), and cleanup of everything.
 */
export class ShimLab {
  private readonly stateDirs: string[] = [];
  private readonly runtimes = new Set<string>();
  private n = 0;

  constructor(
    readonly root: string,
    readonly marker: string,
  ) {}

  runtimeRoot(runtime: string): string {
    return join(this.root, `rt-${runtime.split('/').pop() ?? 'runtime'}`);
  }

  /**
   * A fresh bundle and state dir (under `stateParent`, default `<root>/state`); the container id
   * doubles as its cgroup name.
   */
  async container(
    args: string[],
    edit?: (config: OciConfig) => void,
    stateParent = join(this.root, 'state'),
  ) {
    const id = `${this.marker}-${++this.n}`;
    const bundle = join(this.root, 'bundles', id);
    const stateDir = join(stateParent, id);
    await makeTestBundle(bundle, id, args, edit);
    mkdirSync(stateParent, { recursive: true }); // the shim makes only the last level
    this.stateDirs.push(stateDir);
    return { id, bundle, stateDir, rootfs: join(bundle, 'rootfs') };
  }

  start(runtime: string, c: { id: string; bundle: string; stateDir: string }, args: string[] = []) {
    this.runtimes.add(runtime);
    return startShim({ runtime, runtimeRoot: this.runtimeRoot(runtime), ...c, args });
  }

  /** Starts the shim and insists that it reported a running container (its error otherwise). */
  run(runtime: string, c: { id: string; bundle: string; stateDir: string }, args: string[] = []): ShimReady {
    const r = this.start(runtime, c, args);
    if (r.code !== 0 || !r.ready) throw new Error(`shim for ${c.id} exited ${r.code}: ${r.stderr}`);
    return r.ready;
  }

  async cleanup(): Promise<void> {
    for (const rt of this.runtimes) await cleanupShims(this.stateDirs, rt, this.runtimeRoot(rt));
  }
}

/**
 * Registers the file's lab: its own engine root (beforeAll), and in afterAll every shim stopped,
 * every container deleted, the root removed and no host object left with the file's marker.
 */
export function useShimLab(label: string, marker: string): () => ShimLab {
  let root: { root: string; cleanup: () => Promise<void> } | undefined;
  let lab: ShimLab | undefined;
  beforeAll(async () => {
    root = await makeEngineRoot(label);
    lab = new ShimLab(root.root, marker);
  });
  afterAll(async () => {
    await lab?.cleanup();
    await root?.cleanup();
    expect(hostLeaks(marker)).toEqual([]);
  });
  return () => {
    if (!lab) throw new Error('useShimLab: the lab exists only inside tests');
    return lab;
  };
}
