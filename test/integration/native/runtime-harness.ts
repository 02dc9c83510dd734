import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, chmod, mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { makeBusyboxRootfs } from '../../fixtures/busybox-rootfs.js';
import { defaultOciConfig, type OciConfig } from '../../helpers/oci-bundle.js';

/** The binary under test; TSCOMPOSE_NATIVE_BIN points at another build (e.g. while developing). */
export const NATIVE_BIN =
  process.env['TSCOMPOSE_NATIVE_BIN'] ??
  fileURLToPath(new URL('../../../native/build/tscompose-native', import.meta.url));
/** Debian's runc, the reference the conformance suite compares against. */
export const RUNC_BIN = '/usr/sbin/runc';
export const HAS_RUNC = existsSync(RUNC_BIN);
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/native/', import.meta.url));

const COMMAND_TIMEOUT_MS = 20_000;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface OciState {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'stopped' | 'paused';
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
  oomKills?: number;
}

/** One OCI runtime binary with its own state root, driven through its command line. */
export class OciRuntime {
  constructor(
    readonly name: string,
    readonly bin: string,
    readonly root: string,
  ) {}

  /** Runs a verb whose output is the runtime's own (state, kill, delete, start, exec). */
  cli(args: readonly string[], options: { signal?: AbortSignal; env?: Record<string, string> } = {}) {
    return runCommand(this.bin, ['--root', this.root, ...args], options);
  }

  /**
   * Runs a verb that starts a container (create, run): the container inherits stdout/stderr, so
   * they go to `outputFile` (a pipe would stay open as long as the container lives).
   */
  async launch(args: readonly string[], outputFile: string, options: { signal?: AbortSignal } = {}) {
    const fd = openSync(outputFile, 'a');
    try {
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(this.bin, ['--root', this.root, ...args], {
          stdio: ['ignore', fd, fd],
          signal: AbortSignal.any([
            options.signal ?? new AbortController().signal,
            AbortSignal.timeout(COMMAND_TIMEOUT_MS),
          ]),
        });
        child.on('error', reject);
        child.on('exit', (c, s) => resolve(c ?? 128 + signalNumber(s)));
      });
      return { code, output: readFileSync(outputFile, 'utf8') };
    } finally {
      closeSync(fd);
    }
  }

  async state(id: string): Promise<OciState> {
    const r = await this.cli(['state', id]);
    if (r.code !== 0) throw new Error(`${this.name} state ${id}: ${r.stderr}`);
    return JSON.parse(r.stdout) as OciState;
  }

  /** Polls `state` until the container reaches `status` (a deadline, never a fixed sleep). */
  async waitStatus(id: string, status: OciState['status'], timeoutMs = 10_000): Promise<OciState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.state(id);
      if (s.status === status) return s;
      if (Date.now() > deadline) throw new Error(`${this.name}: ${id} is ${s.status}, not ${status}`);
      await sleep(10);
    }
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 0;
}

export function runCommand(
  bin: string,
  args: readonly string[],
  options: { signal?: AbortSignal; env?: Record<string, string>; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
      signal: AbortSignal.any([
        options.signal ?? new AbortController().signal,
        AbortSignal.timeout(COMMAND_TIMEOUT_MS),
      ]),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 128 + signalNumber(signal), stdout, stderr }),
    );
    // a verb that exits before reading its (empty) stdin must not fail the test with EPIPE
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Compiles a C fixture from test/fixtures/native/ into a static binary. */
export function compileFixture(source: string, outFile: string): void {
  const r = spawnSync('cc', ['-static', '-O2', '-Wall', '-o', outFile, join(FIXTURES_DIR, source)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cc ${source} failed: ${r.stderr}`);
}

/**
 * A busybox rootfs shared by every bundle of a test file (bundles point at it by absolute path),
 * with the probe at /probe. Containers only write below /tmp, under names unique to the test.
 */
export async function makeSharedRootfs(dir: string): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs, { recursive: true });
  await makeBusyboxRootfs(rootfs);
  compileFixture('runtime-probe.c', join(dir, 'probe'));
  await copyFile(join(dir, 'probe'), join(rootfs, 'probe'));
  await chmod(join(rootfs, 'probe'), 0o755);
  return rootfs;
}

/** Writes `dir/config.json` (Docker's defaults, see oci-bundle.ts) using the shared rootfs. */
export async function writeBundle(
  dir: string,
  rootfs: string,
  args: string[],
  edit: (config: OciConfig) => void = () => undefined,
): Promise<OciConfig> {
  await mkdir(dir, { recursive: true });
  const config = defaultOciConfig(args);
  config.root.path = rootfs;
  edit(config);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return config;
}

export const IS_CGROUP_V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

/** Where a controller's file of the cgroup `path` lives on this host (v1 or v2 layout). */
export function hostCgroupFile(path: string, controller: string, file: string): string {
  return IS_CGROUP_V2 ? join('/sys/fs/cgroup', path, file) : join('/sys/fs/cgroup', controller, path, file);
}

/** Every cgroup directory (any hierarchy, depth 1) whose name contains `marker`. */
export function cgroupDirsWith(marker: string): string[] {
  const out: string[] = [];
  const roots = IS_CGROUP_V2
    ? ['/sys/fs/cgroup']
    : readdirSync('/sys/fs/cgroup').map((d) => join('/sys/fs/cgroup', d));
  for (const root of roots) {
    try {
      if (!statSync(root).isDirectory()) continue;
      for (const d of readdirSync(root)) if (d.includes(marker)) out.push(join(root, d));
    } catch {
      // a hierarchy that disappeared or is not readable holds nothing of ours
    }
  }
  return out;
}

/** The OOM kill counter of a container's memory cgroup, read from the host. */
export async function hostOomKills(cgroupPath: string): Promise<number> {
  const file = IS_CGROUP_V2
    ? hostCgroupFile(cgroupPath, 'memory', 'memory.events')
    : hostCgroupFile(cgroupPath, 'memory', 'memory.oom_control');
  const m = /^oom_kill (\d+)$/m.exec(await readFile(file, 'utf8'));
  return m ? Number(m[1]) : -1;
}

/** Waits until `file` contains `text`. */
export async function waitForText(file: string, text: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const content = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (content.includes(text)) return content;
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear in ${file}; it holds: ${content}`);
    await sleep(10);
  }
}

/** The capability mask /proc/PID/status prints for a list of capability names. */
export function capMask(names: readonly string[]): string {
  const order = [
    'CAP_CHOWN',
    'CAP_DAC_OVERRIDE',
    'CAP_DAC_READ_SEARCH',
    'CAP_FOWNER',
    'CAP_FSETID',
    'CAP_KILL',
    'CAP_SETGID',
    'CAP_SETUID',
    'CAP_SETPCAP',
    'CAP_LINUX_IMMUTABLE',
    'CAP_NET_BIND_SERVICE',
    'CAP_NET_BROADCAST',
    'CAP_NET_ADMIN',
    'CAP_NET_RAW',
    'CAP_IPC_LOCK',
    'CAP_IPC_OWNER',
    'CAP_SYS_MODULE',
    'CAP_SYS_RAWIO',
    'CAP_SYS_CHROOT',
    'CAP_SYS_PTRACE',
    'CAP_SYS_PACCT',
    'CAP_SYS_ADMIN',
    'CAP_SYS_BOOT',
    'CAP_SYS_NICE',
    'CAP_SYS_RESOURCE',
    'CAP_SYS_TIME',
    'CAP_SYS_TTY_CONFIG',
    'CAP_MKNOD',
    'CAP_LEASE',
    'CAP_AUDIT_WRITE',
    'CAP_AUDIT_CONTROL',
    'CAP_SETFCAP',
  ];
  let mask = 0n;
  for (const n of names) {
    const bit = order.indexOf(n);
    if (bit < 0) throw new Error(`capMask: ${n} not in the table`);
    mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, '0');
}

/** The namespace inode of a host process (e.g. `hostNs('self', 'net')`). */
export function hostNs(pid: number | 'self', name: string): number {
  return statSync(`/proc/${pid}/ns/${name}`).ino;
}

export interface ProbeReport {
  pid: number;
  ppid: number;
  sid: number;
  hostname: string;
  cwd: string;
  isatty: number[];
  ns: Record<string, number>;
  status: Record<string, string>;
  rlimits: Record<string, [number, number]>;
  fds: number[];
  mountinfo: string[];
  cgroup: string[];
}

/** The first JSON object line of a probe's output. */
export function parseProbe<T = ProbeReport>(output: string): T {
  const line = output.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`no probe output in: ${output}`);
  return JSON.parse(line) as T;
}

/**
 * mountinfo reduced to what a runtime decides: mount point, root inside the filesystem, per-mount
 * options, type and superblock options; ids, device numbers and the bundle's host path dropped.
 */
export function normalizeMountinfo(lines: readonly string[], rootfs: string, cgroupPath: string): string[] {
  return lines.map((line) => {
    const [pre = '', post = ''] = line.split(' - ');
    const f = pre.split(' ');
    const [fstype = '', , superOpts = ''] = post.split(' ');
    const root = f[3] === rootfs ? '<rootfs>' : f[3] === cgroupPath ? '<cgroup>' : (f[3] ?? '');
    const source = fstype === 'ext4' || fstype === 'xfs' || fstype === 'btrfs' ? '<disk>' : fstype;
    return `${f[4]} ${root} ${f[5]} ${source} ${fstype === 'ext4' ? '<opts>' : superOpts}`;
  });
}
