import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import { HAS_SHARED, SHARED_DIR, SHARED_MISSING_REASON } from '../../helpers/shared-dir.js';
import { DEFAULT_CAPS, type OciConfig } from '../../helpers/oci-bundle.js';
import {
  NATIVE_BIN,
  OciRuntime,
  capMask,
  cgroupDirsWith,
  compileFixture,
  makeSharedRootfs,
  parseProbe,
  runCommand,
  waitForText,
  writeBundle,
  type ProbeReport,
} from './runtime-harness.js';

// What tscompose-native does beyond the conformance suite: its errors, its CLI contract (runc's
// shape, which the shim and the engine rely on), hooks, pause/resume, and its defences.
const MARKER = `rtcli${process.pid.toString(36)}`;
let root = '';
let cleanup: () => Promise<void> = async () => undefined;
let rootfs = '';
let rt: OciRuntime;
let n = 0;

beforeAll(async () => {
  ({ root, cleanup } = await makeEngineRoot(MARKER));
  rootfs = await makeSharedRootfs(root);
  compileFixture('console-receiver.c', join(root, 'console-receiver'));
  rt = new OciRuntime('tscompose-native', NATIVE_BIN, join(root, 'state'));
});

afterAll(async () => {
  if (existsSync(rt.root)) for (const id of readdirSync(rt.root)) await rt.cli(['delete', '--force', id]);
  await cleanup();
});

async function fresh(name: string, args: string[], edit: (c: OciConfig) => void = () => undefined) {
  n += 1;
  const id = `${MARKER}-${name}-${n}`;
  const dir = join(root, id);
  const cgroup = `/tscompose-${id}`;
  await writeBundle(dir, rootfs, args, (c) => {
    c.linux.cgroupsPath = cgroup;
    edit(c);
  });
  return { id, dir, cgroup, out: join(dir, 'output.txt') };
}

async function startDetached(name: string, args: string[], edit?: (c: OciConfig) => void) {
  const f = await fresh(name, args, edit);
  const r = await rt.launch(['run', '--detach', '--bundle', f.dir, f.id], f.out);
  expect(r.code, r.output).toBe(0);
  return f;
}

async function removeContainer(id: string) {
  expect((await rt.cli(['delete', '--force', id])).code).toBe(0);
  expect(cgroupDirsWith(id)).toEqual([]);
}

describe('tscompose-native: errors name what is wrong', () => {
  it('refuses an rlimit above the current hard limit, naming the limit and both values', async () => {
    const hard = Number(readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+\d+\s+(\d+)/)?.[1]);
    const f = await fresh('rlimit', ['true'], (c) => {
      c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: hard * 2 }];
    });
    const r = await rt.launch(['create', '--bundle', f.dir, f.id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain('RLIMIT_NOFILE');
    expect(r.output).toContain(`hard limit ${hard * 2}`);
    expect(r.output).toContain(`current hard limit ${hard}`);
    expect(existsSync(join(rt.root, f.id))).toBe(false);
    expect(cgroupDirsWith(f.id)).toEqual([]);
  });

  it('refuses capabilities the runtime does not hold itself, naming the first one', async () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const held = BigInt(`0x${/^CapPrm:\s+([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
    const sysResource = 1n << 24n;
    const f = await fresh('caps', ['true'], (c) => {
      c.process.capabilities = {
        bounding: ['CAP_SYS_RESOURCE'],
        effective: ['CAP_SYS_RESOURCE'],
        permitted: ['CAP_SYS_RESOURCE'],
      };
    });
    const r = await rt.launch(['run', '--bundle', f.dir, f.id], f.out);
    if ((held & sysResource) === 0n) {
      expect(r.code).toBe(1);
      expect(r.output).toContain('`CAP_SYS_RESOURCE` is asked for, but the runtime itself does not have it');
    } else {
      expect(r.code, 'a host that grants CAP_SYS_RESOURCE lets the container have it').toBe(0);
    }
    expect(cgroupDirsWith(f.id)).toEqual([]);
  });

  it.each([
    ['a path', '../escape'],
    ['a slash', 'a/b'],
    ['a leading dot', '.hidden'],
    ['a space', 'a b'],
  ])('rejects a container id with %s', async (_what, id) => {
    const f = await fresh('badid', ['true']);
    const r = await rt.launch(['create', '--bundle', f.dir, id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain('invalid container id');
  });

  it('refuses a second container with the same id, and keeps the first', async () => {
    const f = await fresh('dup', ['sleep', '100']);
    expect((await rt.launch(['create', '--bundle', f.dir, f.id], f.out)).code).toBe(0);
    expect(statSync(rt.root).mode & 0o777, 'the state root is private').toBe(0o700);
    expect(statSync(join(rt.root, f.id)).mode & 0o777, 'and so is each container dir').toBe(0o700);
    const again = await rt.launch(['create', '--bundle', f.dir, f.id], join(f.dir, 'again.txt'));
    expect(again.code).toBe(1);
    expect(again.output).toContain(`container \`${f.id}\` already exists`);
    expect((await rt.state(f.id)).status).toBe('created');
    const refused = await rt.cli(['delete', f.id]);
    expect(refused.stderr, 'the spec: delete of a container that is not stopped fails').toContain(
      'is not stopped: created',
    );
    expect((await rt.state(f.id)).status).toBe('created');
    await removeContainer(f.id);
  });

  it('reports a missing program at create time, like runc', async () => {
    const f = await fresh('noprog', ['no-such-program']);
    const r = await rt.launch(['create', '--bundle', f.dir, f.id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain('`no-such-program`: executable file not found in $PATH');
    expect(existsSync(join(rt.root, f.id))).toBe(false);
  });

  it('creates a container without a process, whose start fails (the spec)', async () => {
    const f = await fresh('noprocess', ['true'], (c) => {
      delete (c as Partial<OciConfig>).process;
    });
    const created = await rt.launch(['create', '--bundle', f.dir, f.id], f.out);
    expect(created.code, created.output).toBe(0);
    const started = await rt.cli(['start', f.id]);
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('has no `process`');
    expect((await rt.state(f.id)).status).toBe('created');
    await removeContainer(f.id);
  });

  it.each([
    ['network', { network: { classID: 1048577 } }, 'linux.resources.network'],
    [
      'hugepageLimits',
      { hugepageLimits: [{ pageSize: '2MB', limit: 2097152 }] },
      'linux.resources.hugepageLimits',
    ],
    [
      'blockIO devices',
      { blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1 }] } },
      'blockIO.throttleReadBpsDevice',
    ],
  ])('refuses resources it cannot apply: %s', async (_what, resources, message) => {
    const f = await fresh('resources', ['true'], (c) => {
      c.linux.resources = { ...c.linux.resources, ...resources };
    });
    const r = await rt.launch(['create', '--bundle', f.dir, f.id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain(`${message} is not supported`);
    expect(existsSync(join(rt.root, f.id))).toBe(false);
  });

  it('refuses a sysctl that is not namespaced', async () => {
    const f = await fresh('sysctl', ['true'], (c) => {
      c.linux.sysctl = { 'vm.swappiness': '10' };
    });
    const r = await rt.launch(['run', '--bundle', f.dir, f.id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain('sysctl `vm.swappiness` is not namespaced');
  });

  it('refuses to mask paths with a /dev/null that is not the null device (CVE-2025-31133)', async () => {
    const f = await fresh('devnull', ['true'], (c) => {
      c.linux['devices'] = [{ path: '/dev/null', type: 'c', major: 1, minor: 5, fileMode: 0o666 }];
    });
    const r = await rt.launch(['run', '--bundle', f.dir, f.id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain('/dev/null in the container is not the null device');
  });
});

describe('tscompose-native: the CLI contract of the runtime verbs', () => {
  it.skipIf(!HAS_SHARED)(
    `prints state and features that follow the runtime-spec schemas${HAS_SHARED ? '' : ` (skipped: ${SHARED_MISSING_REASON})`}`,
    async () => {
      const schemaDir = join(SHARED_DIR, 'spec/oci/runtime-spec/schema');
      const load = (name: string) => {
        const s = JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as Record<string, unknown>;
        delete s['$schema']; // draft-04 marker; the parts used here read the same in ajv's draft
        return s;
      };
      const ajv = new Ajv({ strict: false, allErrors: true });
      ajv.addSchema(load('defs.json'), 'defs.json');
      ajv.addSchema(load('defs-linux.json'), 'defs-linux.json');
      ajv.addSchema(load('features-linux.json'), 'features-linux.json');
      const f = await startDetached('schema', ['sleep', '100'], (c) => {
        c['annotations'] = { 'io.tscompose.test': 'yes' };
      });
      const state = JSON.parse((await rt.cli(['state', f.id])).stdout) as Record<string, unknown>;
      expect(ajv.validate(load('state-schema.json'), state), ajv.errorsText()).toBe(true);
      expect(state).toMatchObject({
        id: f.id,
        status: 'running',
        bundle: f.dir,
        annotations: { 'io.tscompose.test': 'yes' },
      });
      const features = JSON.parse((await rt.cli(['features'])).stdout) as Record<string, unknown>;
      expect(ajv.validate(load('features-schema.json'), features), ajv.errorsText()).toBe(true);
      await removeContainer(f.id);
    },
  );

  it('accepts signal names, numbers and kill --all; refuses unknown signals', async () => {
    const script = 'trap "echo usr2" USR2; trap "echo hup" HUP; echo ready; while :; do sleep 0.05; done';
    const f = await startDetached('signals', ['sh', '-c', script]);
    await waitForText(f.out, 'ready');
    expect((await rt.cli(['kill', f.id, 'USR2'])).code).toBe(0);
    await waitForText(f.out, 'usr2');
    expect((await rt.cli(['kill', f.id, '1'])).code).toBe(0);
    await waitForText(f.out, 'hup');
    const bad = await rt.cli(['kill', f.id, 'SIGNOPE']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown signal `SIGNOPE`');
    expect((await rt.cli(['kill', '--all', f.id, 'KILL'])).code).toBe(0);
    await rt.waitStatus(f.id, 'stopped');
    expect((await rt.cli(['kill', f.id, 'TERM'])).code, 'kill of a stopped container').toBe(1);
    await removeContainer(f.id);
  });

  it('delete --force removes a running container; delete --force of an unknown id succeeds', async () => {
    const f = await startDetached('force', ['sleep', '100']);
    const pid = (await rt.state(f.id)).pid ?? 0;
    const refused = await rt.cli(['delete', f.id]);
    expect(refused.stderr).toContain('is not stopped: running');
    await removeContainer(f.id);
    expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')).toBe(
      false,
    );
    expect((await rt.cli(['delete', '--force', `${MARKER}-never-existed`])).code).toBe(0);
    expect((await rt.cli(['delete', `${MARKER}-never-existed`])).code).toBe(1);
  });

  it('pause freezes the container and resume thaws it; list and ps show it', async () => {
    const f = await startDetached('pause', [
      'sh',
      '-c',
      'while :; do date +%s%N > /dev/shm/tick; sleep 0.02; done',
    ]);
    expect((await rt.cli(['pause', f.id])).code).toBe(0);
    expect((await rt.state(f.id)).status).toBe('paused');
    const frozen = await rt.cli(['exec', f.id, 'true']);
    expect(frozen.stderr).toContain('paused');
    expect((await rt.cli(['resume', f.id])).code).toBe(0);
    expect((await rt.state(f.id)).status).toBe('running');
    const list = JSON.parse((await rt.cli(['list', '--format', 'json'])).stdout) as {
      id: string;
      status: string;
    }[];
    expect(list.find((c) => c.id === f.id)?.status).toBe('running');
    expect((await rt.cli(['list', '-q'])).stdout.split('\n')).toContain(f.id);
    const ps = JSON.parse((await rt.cli(['ps', '--format', 'json', f.id])).stdout) as number[];
    expect(ps).toContain((await rt.state(f.id)).pid);
    await removeContainer(f.id);
  });

  it('exec --process runs a runtime-spec process object; exec --detach writes --pid-file', async () => {
    const f = await startDetached('process', ['sleep', '100']);
    const processFile = join(f.dir, 'process.json');
    await writeFile(
      processFile,
      JSON.stringify({
        user: { uid: 1000, gid: 1000 },
        args: ['/probe', 'report'],
        env: ['PATH=/bin'],
        cwd: '/tmp',
      }),
    );
    const r = await rt.cli(['exec', '--process', processFile, f.id]);
    expect(r.code, r.stderr).toBe(0);
    const p = parseProbe<ProbeReport>(r.stdout);
    expect(p.cwd).toBe('/tmp');
    expect(p.status['Uid']).toBe('1000\t1000\t1000\t1000');
    expect(p.status['CapBnd'], "without capabilities it gets the container's").toBe(capMask(DEFAULT_CAPS));
    const pidFile = join(f.dir, 'exec.pid');
    // detached, the process keeps exec's stdio: give it a file, not a pipe the test would wait on
    const d = await rt.launch(['exec', '--detach', '--pid-file', pidFile, f.id, 'sleep', '100'], f.out);
    expect(d.code, d.output).toBe(0);
    const execPid = Number(await readFile(pidFile, 'utf8'));
    expect(readFileSync(`/proc/${execPid}/cgroup`, 'utf8')).toContain(f.cgroup);
    await removeContainer(f.id);
  });

  it('exec --tty hands a terminal to the console socket', async () => {
    const f = await startDetached('exectty', ['sleep', '100']);
    const sock = join(f.dir, 'exec.sock');
    const receiver = spawn(join(root, 'console-receiver'), [sock], { stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    receiver.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    const done = new Promise<number | null>((resolve) => receiver.on('exit', resolve));
    await new Promise<void>((resolve) => receiver.stderr.once('data', () => resolve()));
    const r = await rt.cli([
      'exec',
      '--tty',
      '--console-socket',
      sock,
      f.id,
      'sh',
      '-c',
      'test -t 1 && echo exec-tty-ok; tty',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await done).toBe(0);
    expect(screen).toContain('exec-tty-ok');
    expect(screen).toMatch(/\/dev\/pts\/\d+/);
    await removeContainer(f.id);
  });

  it('runs every hook kind with the state on stdin, in order', async () => {
    const log = join(root, `${MARKER}-hooks.log`);
    const hook = (name: string) => ({
      path: '/bin/sh',
      args: ['sh', '-c', `cat >> ${log}; echo " ${name}" >> ${log}`],
    });
    const inContainer = (name: string) => ({
      path: '/bin/sh',
      args: ['sh', '-c', `echo ${name} > /tmp/${MARKER}-${name}`],
    });
    const f = await fresh('hooks', ['true'], (c) => {
      c['hooks'] = {
        prestart: [hook('prestart')],
        createRuntime: [hook('createRuntime')],
        createContainer: [hook('createContainer')],
        startContainer: [inContainer('startContainer')],
        poststart: [hook('poststart')],
        poststop: [hook('poststop')],
      };
    });
    expect((await rt.launch(['create', '--bundle', f.dir, f.id], f.out)).code).toBe(0);
    expect((await rt.cli(['start', f.id])).code).toBe(0);
    await rt.waitStatus(f.id, 'stopped');
    expect((await rt.cli(['delete', f.id])).code).toBe(0);
    const lines = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
    const order = lines.map((l) => l.slice(l.lastIndexOf('} ') + 2));
    expect(order).toEqual(['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop']);
    const states = lines.map(
      (l) => JSON.parse(l.slice(0, l.lastIndexOf('}') + 1)) as { id: string; status: string },
    );
    expect(states.map((s) => s.status)).toEqual(['creating', 'creating', 'creating', 'running', 'stopped']);
    expect(states.every((s) => s.id === f.id)).toBe(true);
    expect(existsSync(join(rootfs, 'tmp', `${MARKER}-startContainer`)), 'startContainer ran inside').toBe(
      true,
    );
  });

  it('fails create when a createRuntime hook fails, and cleans up', async () => {
    const f = await fresh('hookfail', ['true'], (c) => {
      c['hooks'] = { createRuntime: [{ path: '/bin/false' }] };
    });
    const r = await rt.launch(['create', '--bundle', f.dir, f.id], f.out);
    expect(r.code).toBe(1);
    expect(r.output).toContain('createRuntime hook `/bin/false` failed');
    expect(existsSync(join(rt.root, f.id))).toBe(false);
    expect(cgroupDirsWith(f.id)).toEqual([]);
  });
});

describe('tscompose-native: cgroup v2', () => {
  // This host is cgroup v1 with an empty v2 hierarchy. A private mount namespace with cgroup2 on
  // /sys/fs/cgroup makes the runtime see a unified host; its controllers are all bound to v1
  // here, so limits cannot be checked this way, but the v2 paths (CLONE_INTO_CGROUP, cgroup
  // namespace with a cgroup2 mount, cgroup.freeze, cgroup.kill-free teardown) run for real.
  it('creates, freezes, joins and removes containers on a unified hierarchy', async () => {
    const f = await fresh('v2', ['sleep', '100'], (c) => {
      c.linux.namespaces.push({ type: 'cgroup' });
      c.linux.resources = {};
      c.mounts = c.mounts.map((m) =>
        m.destination === '/sys/fs/cgroup' ? { ...m, type: 'cgroup2', source: 'cgroup2' } : m,
      );
    });
    const n = `${NATIVE_BIN} --root ${rt.root}`;
    const script = [
      'set -e',
      'mount --make-rprivate /',
      'mount -t cgroup2 none /sys/fs/cgroup',
      `trap '${n} delete --force ${f.id} >/dev/null 2>&1 || true' EXIT`,
      `${n} run --detach --bundle ${f.dir} ${f.id} </dev/null >/dev/null 2>&1`,
      `test -d /sys/fs/cgroup${f.cgroup}`,
      `${n} pause ${f.id}`,
      `${n} state ${f.id}`,
      `grep '^frozen 1' /sys/fs/cgroup${f.cgroup}/cgroup.events`,
      `${n} resume ${f.id}`,
      `${n} exec ${f.id} cat /proc/self/cgroup`,
      `${n} exec ${f.id} grep ' /sys/fs/cgroup ' /proc/self/mountinfo`,
      `${n} delete --force ${f.id}`,
      `test ! -e /sys/fs/cgroup${f.cgroup}`,
      'echo v2-ok',
    ].join('\n');
    const r = await runCommand('unshare', ['-m', 'sh', '-c', script]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('"status":"paused"');
    expect(r.stdout).toMatch(/^0::\/$/m);
    expect(r.stdout).toMatch(/ \/sys\/fs\/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 /);
    expect(r.stdout).toContain('v2-ok');
    expect(cgroupDirsWith(f.id)).toEqual([]);
  });
});

describe('tscompose-native: defences', () => {
  it('runs the container init from a sealed memfd, not the host binary (CVE-2019-5736)', async () => {
    const f = await fresh('sealed', ['true']);
    expect((await rt.launch(['create', '--bundle', f.dir, f.id], f.out)).code).toBe(0);
    const pid = (await rt.state(f.id)).pid ?? 0;
    expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/^\/memfd:tscompose-native/);
    await removeContainer(f.id);
  });

  it.each([
    ['openat2', {}],
    ['the fallback walk', { TSN_NO_OPENAT2: '1' }],
  ])('keeps mount points inside the rootfs when image symlinks point out (%s)', async (how, env) => {
    const k = how === 'openat2' ? 'o2' : 'walk';
    const victim = join(root, `host-victim-${k}`);
    await mkdir(victim, { recursive: true });
    // as an image could ship them: a relative link climbing out, and an absolute one
    await symlink(`../../../../../../../../..${victim}`, join(rootfs, `up-${k}`));
    await symlink(victim, join(rootfs, `abs-${k}`));
    const f = await fresh('escape', ['/probe', 'report'], (c) => {
      c.mounts.push(
        { destination: `/up-${k}/a`, type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] },
        { destination: `/abs-${k}/b`, type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] },
      );
    });
    const r = await rt.cli(['run', '--bundle', f.dir, f.id], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(victim), 'nothing was created on the host').toEqual([]);
    const p = parseProbe<ProbeReport>(r.stdout);
    const points = p.mountinfo.map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(victim));
    expect(points).toEqual([`${victim}/a`, `${victim}/b`]);
    expect(existsSync(join(rootfs, victim, 'a')), 'the mount point was made inside the rootfs').toBe(true);
  });

  it('leaves no cgroup, state, process or mount behind', () => {
    expect(cgroupDirsWith(MARKER)).toEqual([]);
    expect(existsSync(rt.root) ? readdirSync(rt.root) : []).toEqual([]);
    expect(hostLeaks(MARKER)).toEqual([]);
  });
});
