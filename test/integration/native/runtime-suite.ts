import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPS, type OciConfig } from '../../helpers/oci-bundle.js';
import {
  IS_CGROUP_V2,
  capMask,
  cgroupDirsWith,
  hostCgroupFile,
  hostNs,
  hostOomKills,
  normalizeMountinfo,
  parseProbe,
  waitForText,
  writeBundle,
  type OciRuntime,
  type ProbeReport,
} from './runtime-harness.js';

/** What the suite needs from the test file: the runtime, a work dir, the shared rootfs. */
export interface SuiteContext {
  runtime: () => OciRuntime;
  workDir: () => string;
  rootfs: () => string;
  receiver: () => string;
  /** unique in cgroup names and ids, so host-leaks can be filtered to this file */
  marker: string;
  /** observations the cross-runtime comparison reads: key → normalized value */
  observed: Map<string, unknown>;
  /** whether the runtime enforces linux.seccomp (tscompose-native built without libseccomp does not) */
  seccomp: (label: string) => boolean;
}

const PROBE_REPORT = ['/probe', 'report'];

/**
 * The OCI runtime conformance suite (STYLE.md §8): every test runs a bundle under one runtime and
 * asserts what the container observes. The test file runs it for tscompose-native and for runc,
 * then compares the recorded observations between the two.
 */
export function runtimeSuite(label: string, ctx: SuiteContext): void {
  let n = 0;
  /** a fresh container id, bundle dir, cgroup path and output file */
  const fresh = async (name: string) => {
    n += 1;
    const id = `${ctx.marker}-${label}-${name}-${n}`;
    const dir = join(ctx.workDir(), id);
    await mkdir(dir, { recursive: true });
    return { id, dir, out: join(dir, 'output.txt'), cgroup: `/tscompose-${id}` };
  };
  const bundle = (
    dir: string,
    cgroup: string,
    args: string[],
    edit: (c: OciConfig) => void = () => undefined,
  ) =>
    writeBundle(dir, ctx.rootfs(), args, (c) => {
      c.linux.cgroupsPath = cgroup;
      edit(c);
    });
  /** `run` in the foreground: exit code and the container's output */
  const runContainer = async (name: string, args: string[], edit?: (c: OciConfig) => void) => {
    const f = await fresh(name);
    await bundle(f.dir, f.cgroup, args, edit);
    const r = await ctx.runtime().launch(['run', '--bundle', f.dir, f.id], f.out);
    expect(cgroupDirsWith(f.id), 'cgroups left after run').toEqual([]);
    return { ...f, ...r };
  };
  const record = (key: string, value: unknown) => ctx.observed.set(`${label}:${key}`, value);

  describe(`OCI runtime conformance: ${label}`, () => {
    it('gives the container new namespaces, pid 1, its hostname, Docker caps and only fds 0-2', async () => {
      const r = await runContainer('basics', PROBE_REPORT);
      expect(r.code, r.output).toBe(0);
      const p = parseProbe(r.output);
      for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt']) expect(p.ns[ns], ns).not.toBe(hostNs('self', ns));
      expect(p.ns['user']).toBe(hostNs('self', 'user'));
      expect(p.pid).toBe(1);
      expect(p.hostname).toBe('tsc-test');
      const caps = capMask(DEFAULT_CAPS);
      expect(p.status).toMatchObject({ CapBnd: caps, CapPrm: caps, CapEff: caps, CapInh: '0'.repeat(16) });
      expect(p.status['CapAmb']).toBe('0'.repeat(16));
      expect(p.status['Uid']).toBe('0\t0\t0\t0');
      expect(p.status['Groups']).toBe('');
      expect(p.fds).toEqual([0, 1, 2]);
      expect(p.rlimits['NOFILE']).toEqual([1024, 1024]);
      expect(p.cwd).toBe('/');
      record('basics.status', p.status);
      record('basics.rlimits', p.rlimits);
      record('basics.mounts', normalizeMountinfo(p.mountinfo, ctx.rootfs(), r.cgroup));
      record(
        'basics.cgroup',
        p.cgroup.map((l) => l.replace(r.id, '<id>')),
      );
    });

    it('runs as the configured uid, gid and additional gids, with its cwd, env and rlimits', async () => {
      const r = await runContainer('user', [...PROBE_REPORT], (c) => {
        c.process.user = { uid: 1000, gid: 1000, additionalGids: [2000, 3000] };
        c.process.cwd = '/home/app';
        c.process.rlimits = [
          { type: 'RLIMIT_NOFILE', soft: 512, hard: 800 },
          { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
        ];
        c.process.noNewPrivileges = true;
      });
      expect(r.code, r.output).toBe(0);
      const p = parseProbe(r.output);
      expect(p.status['Uid']).toBe('1000\t1000\t1000\t1000');
      expect(p.status['Gid']).toBe('1000\t1000\t1000\t1000');
      expect(p.status['Groups']).toBe('2000 3000');
      expect(p.status['CapEff']).toBe('0'.repeat(16));
      expect(p.status['CapBnd']).toBe(capMask(DEFAULT_CAPS));
      expect(p.status['NoNewPrivs']).toBe('1');
      expect(p.rlimits['NOFILE']).toEqual([512, 800]);
      expect(p.rlimits['CORE']).toEqual([0, 0]);
      expect(p.cwd).toBe('/home/app');
      record('user.status', p.status);
    });

    it('passes env and resolves args[0] through the container PATH, HOME from /etc/passwd', async () => {
      const r = await runContainer(
        'env',
        ['sh', '-c', 'echo "home=$HOME foo=$FOO"; command -v probe'],
        (c) => {
          c.process.env = ['PATH=/bin:/', 'FOO=bar baz'];
          c.process.user = { uid: 1000, gid: 1000 };
        },
      );
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain('home=/home/app foo=bar baz');
      expect(r.output).toContain('/probe');
      record('env.output', r.output);
    });

    it('refuses an rlimit above the current hard limit and leaves nothing behind', async () => {
      const hard = Number(
        readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+\d+\s+(\d+)/)?.[1],
      );
      const r = await runContainer('rlimit-high', ['true'], (c) => {
        c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: hard + 1 }];
      });
      expect(r.code).not.toBe(0);
      expect(existsSync(join(ctx.runtime().root, r.id))).toBe(false);
    });

    it('exits with the program status: 0, 3, and 137 after SIGKILL', async () => {
      expect((await runContainer('exit0', ['true'])).code).toBe(0);
      expect((await runContainer('exit3', ['sh', '-c', 'exit 3'])).code).toBe(3);
      const f = await fresh('exit137');
      await bundle(f.dir, f.cgroup, ['sh', '-c', 'echo ready; exec sleep 100']);
      const running = ctx.runtime().launch(['run', '--bundle', f.dir, f.id], f.out);
      await waitForText(f.out, 'ready');
      await ctx.runtime().waitStatus(f.id, 'running');
      expect((await ctx.runtime().cli(['kill', f.id, 'KILL'])).code).toBe(0);
      expect((await running).code).toBe(137);
    });

    it('delivers signals: SIGUSR1 by name, then the default SIGTERM', async () => {
      const f = await fresh('signals');
      const script =
        'trap "echo got-usr1" USR1; trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done';
      await bundle(f.dir, f.cgroup, ['sh', '-c', script]);
      const running = ctx.runtime().launch(['run', '--bundle', f.dir, f.id], f.out);
      await waitForText(f.out, 'ready');
      expect((await ctx.runtime().cli(['kill', f.id, 'SIGUSR1'])).code).toBe(0);
      await waitForText(f.out, 'got-usr1');
      expect((await ctx.runtime().cli(['kill', f.id])).code).toBe(0);
      const r = await running;
      expect(r.code).toBe(7);
      expect(r.output).toContain('got-term');
    });

    it('makes a read-only root refuse writes, and keeps /dev/shm writable', async () => {
      const r = await runContainer(
        'ro-root',
        ['/probe', 'write', '/new-file', '/tmp/x', '/dev/shm/x'],
        (c) => {
          c.root.readonly = true;
        },
      );
      expect(r.code, r.output).toBe(0);
      const w = parseProbe<Record<string, string>>(r.output);
      expect(w).toEqual({ '/new-file': 'EROFS', '/tmp/x': 'EROFS', '/dev/shm/x': 'ok' });
    });

    it('empties masked paths and makes read-only paths refuse writes', async () => {
      const masked = [
        '/proc/kcore',
        '/proc/keys',
        '/proc/timer_list',
        '/proc/acpi',
        '/sys/firmware',
        '/proc/scsi',
      ];
      const r = await runContainer('masks', [
        'sh',
        '-c',
        `/probe read ${masked.join(' ')}; /probe write /proc/sys/kernel/shmmax /proc/sys/vm/overcommit_memory`,
      ]);
      expect(r.code, r.output).toBe(0);
      const [readLine = '', writeLine = ''] = r.output.split('\n').filter((l) => l.startsWith('{'));
      const read = JSON.parse(readLine) as Record<string, number | string>;
      for (const path of masked) expect([0, 'ENOENT'], path).toContain(read[path]);
      expect(JSON.parse(writeLine)).toEqual({
        '/proc/sys/kernel/shmmax': 'EROFS',
        '/proc/sys/vm/overcommit_memory': 'EROFS',
      });
      record('masks.read', read);
    });

    it('sets namespaced sysctls and oom_score_adj', async () => {
      const r = await runContainer(
        'sysctl',
        [
          'cat',
          '/proc/sys/net/ipv4/ip_unprivileged_port_start',
          '/proc/sys/kernel/shmmni',
          '/proc/self/oom_score_adj',
        ],
        (c) => {
          c.linux.sysctl = { 'net.ipv4.ip_unprivileged_port_start': '0', 'kernel.shmmni': '2048' };
          c.process.oomScoreAdj = 500;
        },
      );
      expect(r.code, r.output).toBe(0);
      expect(r.output.trim().split('\n')).toEqual(['0', '2048', '500']);
    });

    it('bind mounts (ro, rbind, propagation) and tmpfs with options', async () => {
      const f = await fresh('binds');
      const data = join(f.dir, 'data');
      await mkdir(join(data, 'sub'), { recursive: true });
      await writeFile(join(data, 'hello.txt'), 'hello from the host\n');
      const script =
        'cat /data/hello.txt; cat /data-rw/hello.txt; /probe write /data/x /data-rw/x /scratch/x; grep -E " /(data|data-rw|scratch) " /proc/self/mountinfo';
      await bundle(f.dir, f.cgroup, ['sh', '-c', script], (c) => {
        c.mounts.push(
          { destination: '/data', type: 'bind', source: data, options: ['rbind', 'ro', 'rprivate'] },
          { destination: '/data-rw', type: 'none', source: 'data', options: ['bind', 'nosuid', 'nodev'] },
          {
            destination: '/scratch',
            type: 'tmpfs',
            source: 'tmpfs',
            options: ['nosuid', 'nodev', 'size=1m', 'mode=1700'],
          },
        );
      });
      const r = await ctx.runtime().launch(['run', '--bundle', f.dir, f.id], f.out);
      expect(r.code, r.output).toBe(0);
      expect(r.output.split('\n').filter((l) => l === 'hello from the host')).toHaveLength(2);
      expect(parseProbe<Record<string, string>>(r.output)).toEqual({
        '/data/x': 'EROFS',
        '/data-rw/x': 'ok',
        '/scratch/x': 'ok',
      });
      expect(existsSync(join(data, 'x'))).toBe(true);
      const mounts = r.output.split('\n').filter((l) => / \/(data|data-rw|scratch) /.test(l));
      expect(mounts).toHaveLength(3);
      record(
        'binds.mounts',
        normalizeMountinfo(mounts, ctx.rootfs(), f.cgroup).map((l) => l.replace(f.dir, '<bundle>')),
      );
    });

    it('applies the memory and pids limits (seen inside and on the host) and enforces pids.max', async () => {
      const f = await fresh('limits');
      const mem = 64 * 1024 * 1024;
      await bundle(f.dir, f.cgroup, ['sleep', '100'], (c) => {
        c.linux.resources = {
          ...c.linux.resources,
          memory: { limit: mem, swap: mem },
          pids: { limit: 16 },
          cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
        };
      });
      const rt = ctx.runtime();
      expect((await rt.launch(['create', '--bundle', f.dir, f.id], f.out)).code).toBe(0);
      expect((await rt.cli(['start', f.id])).code).toBe(0);
      await rt.waitStatus(f.id, 'running');
      const memFile = IS_CGROUP_V2 ? 'memory.max' : 'memory.limit_in_bytes';
      expect(Number(await readFile(hostCgroupFile(f.cgroup, 'memory', memFile), 'utf8'))).toBe(mem);
      expect((await readFile(hostCgroupFile(f.cgroup, 'pids', 'pids.max'), 'utf8')).trim()).toBe('16');
      const cpu = IS_CGROUP_V2
        ? [
            ['cpu', 'cpu.max', '50000 100000'],
            ['cpu', 'cpu.weight', '20'],
            ['cpuset', 'cpuset.cpus', '0'],
          ]
        : [
            ['cpu', 'cpu.shares', '512'],
            ['cpu', 'cpu.cfs_quota_us', '50000'],
            ['cpu', 'cpu.cfs_period_us', '100000'],
            ['cpuset', 'cpuset.cpus', '0'],
          ];
      for (const [controller = '', file = '', value] of cpu) {
        expect((await readFile(hostCgroupFile(f.cgroup, controller, file), 'utf8')).trim(), file).toBe(value);
      }
      const inside = IS_CGROUP_V2
        ? `/sys/fs/cgroup/${memFile} /sys/fs/cgroup/pids.max`
        : `/sys/fs/cgroup/memory/${memFile} /sys/fs/cgroup/pids/pids.max`;
      const cat = await rt.cli(['exec', f.id, 'sh', '-c', `cat ${inside}`]);
      expect(cat.stdout.split('\n').slice(0, 2)).toEqual([String(mem), '16']);
      const forks = await rt.cli(['exec', f.id, '/probe', 'fork', '40']);
      const forked = parseProbe<{ forked: number }>(forks.stdout).forked;
      expect(forked).toBeGreaterThan(0);
      expect(forked).toBeLessThan(16);
      expect((await rt.cli(['kill', f.id, 'KILL'])).code).toBe(0);
      await rt.waitStatus(f.id, 'stopped');
      expect((await rt.cli(['delete', f.id])).code).toBe(0);
      expect(cgroupDirsWith(f.id)).toEqual([]);
    });

    it.skipIf(IS_CGROUP_V2)('enforces the device rules of the devices cgroup (v1)', async () => {
      // mknod is allowed for any device (c/b *:* m), opening one outside the allow list is not
      const r = await runContainer('devices', [
        'sh',
        '-c',
        'mknod /dev/disk b 254 0 && echo made; head -c 1 /dev/disk; head -c 1 /dev/zero | wc -c',
      ]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain('made');
      expect(r.output).toMatch(/disk: Operation not permitted/);
      expect(r.output).toMatch(/^1$/m);
      // sorted: runc relays stdout and stderr of `run` through separate pipes, so their order varies
      record('devices.output', r.output.split('\n').sort());
    });

    it('records an OOM kill in the memory cgroup (and tscompose-native reports it in state)', async () => {
      const f = await fresh('oom');
      const mem = 16 * 1024 * 1024;
      await bundle(f.dir, f.cgroup, ['/probe', 'alloc', '256'], (c) => {
        c.linux.resources = { ...c.linux.resources, memory: { limit: mem, swap: mem } };
      });
      const rt = ctx.runtime();
      expect((await rt.launch(['create', '--bundle', f.dir, f.id], f.out)).code).toBe(0);
      expect((await rt.cli(['start', f.id])).code).toBe(0);
      const stopped = await rt.waitStatus(f.id, 'stopped');
      expect(await hostOomKills(f.cgroup)).toBeGreaterThanOrEqual(1);
      if (label === 'tscompose-native') expect(stopped.oomKills).toBeGreaterThanOrEqual(1);
      expect(readFileSync(f.out, 'utf8')).not.toContain('allocated');
      expect((await rt.cli(['delete', f.id])).code).toBe(0);
    });

    it.skipIf(!ctx.seccomp(label))(
      'filters syscalls with linux.seccomp: errno rules, argument conditions, with and without no_new_privileges',
      async () => {
        const profile = {
          defaultAction: 'SCMP_ACT_ALLOW',
          architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
          syscalls: [
            { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' },
            { names: ['sethostname'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
            // personality(PER_LINUX32) only: `linux32` fails, `linux64` (personality 0) works
            {
              names: ['personality'],
              action: 'SCMP_ACT_ERRNO',
              args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }],
            },
            { names: ['not_a_syscall_of_any_kernel'], action: 'SCMP_ACT_ERRNO' },
          ],
        };
        const script = [
          'grep ^Seccomp: /proc/self/status',
          'mkdir /tmp/denied 2>&1; echo "mkdir=$?"',
          'hostname other 2>&1; echo "hostname=$?"',
          'linux32 true 2>&1; echo "linux32=$?"',
          'linux64 true; echo "linux64=$?"',
          // /dev/shm: the container's own (the rootfs is shared by the tests)
          'touch /dev/shm/file && echo touch=ok',
        ].join('; ');
        const outputs: string[] = [];
        for (const nnp of [false, true]) {
          const r = await runContainer(`seccomp-nnp-${nnp}`, ['sh', '-c', script], (c) => {
            c.linux['seccomp'] = profile;
            c.process.noNewPrivileges = nnp;
            if (nnp) c.process.user = { uid: 1000, gid: 1000 };
          });
          expect(r.code, r.output).toBe(0);
          expect(r.output).toMatch(/^Seccomp:\s+2$/m);
          expect(r.output).toMatch(/mkdir: .*Operation not permitted\nmkdir=1/);
          expect(r.output).toMatch(/hostname: .*Permission denied\nhostname=1/);
          expect(r.output).toMatch(/linux32=1/);
          expect(r.output).toContain('linux64=0\ntouch=ok');
          outputs.push(r.output);
        }
        // a profile that refuses close_range (older ones do not know it): the fds are still closed
        const closed = await runContainer('seccomp-close-range', ['ls', '/proc/self/fd'], (c) => {
          c.linux['seccomp'] = {
            defaultAction: 'SCMP_ACT_ALLOW',
            syscalls: [{ names: ['close_range'], action: 'SCMP_ACT_ERRNO' }],
          };
        });
        expect(closed.code, closed.output).toBe(0);
        expect(closed.output.split(/\s+/).filter(Boolean)).toEqual(['0', '1', '2', '3']);
        // exec'd processes get the container's filter too
        const f = await fresh('seccomp-exec');
        await bundle(f.dir, f.cgroup, ['sh', '-c', 'echo started; exec sleep 100'], (c) => {
          c.linux['seccomp'] = profile;
        });
        const rt = ctx.runtime();
        const running = rt.launch(['run', '--bundle', f.dir, f.id], f.out);
        await waitForText(f.out, 'started');
        const exec = await rt.cli(['exec', f.id, 'sh', '-c', 'mkdir /tmp/denied-exec 2>&1; echo "mkdir=$?"']);
        expect(exec.stdout).toMatch(/Operation not permitted\nmkdir=1/);
        outputs.push(exec.stdout);
        expect((await rt.cli(['kill', f.id, 'KILL'])).code).toBe(0);
        expect((await running).code).toBe(137);
        record('seccomp.output', outputs);
      },
    );

    it('does not run the program before start; exec joins its namespaces and cgroup', async () => {
      const f = await fresh('lifecycle');
      const marker = `/tmp/${f.id}-started`;
      await bundle(f.dir, f.cgroup, ['sh', '-c', `touch ${marker}; echo started; exec sleep 100`]);
      const rt = ctx.runtime();
      const created = await rt.launch(
        ['create', '--bundle', f.dir, '--pid-file', join(f.dir, 'pid'), f.id],
        f.out,
      );
      expect(created.code, created.output).toBe(0);
      const st = await rt.state(f.id);
      expect(st).toMatchObject({ id: f.id, status: 'created', bundle: f.dir });
      expect(Number(readFileSync(join(f.dir, 'pid'), 'utf8'))).toBe(st.pid);
      expect(existsSync(join(ctx.rootfs(), marker))).toBe(false);
      expect((await rt.cli(['start', f.id])).code).toBe(0);
      await waitForText(f.out, 'started');
      expect((await rt.state(f.id)).status).toBe('running');
      expect(existsSync(join(ctx.rootfs(), marker))).toBe(true);
      expect((await rt.cli(['start', f.id])).code, 'start of a running container').not.toBe(0);
      const pid = st.pid ?? 0;
      const exec = await rt.cli([
        'exec',
        '--env',
        'EXTRA=1',
        '--cwd',
        '/tmp',
        '--user',
        '1000:1000',
        f.id,
        ...PROBE_REPORT,
      ]);
      expect(exec.code, exec.stderr).toBe(0);
      const p = parseProbe<ProbeReport>(exec.stdout);
      for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup'])
        expect(p.ns[ns], ns).toBe(hostNs(pid, ns));
      expect(p.cgroup).toEqual(readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n'));
      expect(p.cwd).toBe('/tmp');
      expect(p.status['Uid']).toBe('1000\t1000\t1000\t1000');
      expect(p.pid).not.toBe(1);
      expect(p.fds).toEqual([0, 1, 2]);
      const code = await rt.cli(['exec', f.id, 'sh', '-c', 'exit 4']);
      expect(code.code).toBe(4);
      expect((await rt.cli(['delete', f.id])).code, 'delete of a running container').not.toBe(0);
      expect((await rt.cli(['kill', f.id, '9'])).code).toBe(0);
      await rt.waitStatus(f.id, 'stopped');
      expect((await rt.cli(['delete', f.id])).code).toBe(0);
      expect((await rt.cli(['state', f.id])).code).not.toBe(0);
      await rm(join(ctx.rootfs(), marker), { force: true });
    });

    it('gives the container a working terminal through the console socket', async () => {
      const f = await fresh('tty');
      const sock = join(f.dir, 'console.sock');
      await bundle(
        f.dir,
        f.cgroup,
        ['sh', '-c', 'test -t 0 && test -t 1 && echo tty-ok; tty; read line; echo "got:$line"'],
        (c) => {
          c.process.terminal = true;
        },
      );
      const receiver = spawn(ctx.receiver(), [sock, 'hello\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let screen = '';
      receiver.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
      const done = new Promise<number | null>((resolve) => receiver.on('exit', resolve));
      await new Promise<void>((resolve) => receiver.stderr.once('data', () => resolve()));
      const rt = ctx.runtime();
      const created = await rt.launch(['create', '--bundle', f.dir, '--console-socket', sock, f.id], f.out);
      expect(created.code, created.output).toBe(0);
      const started = await rt.cli(['start', f.id]);
      expect(started.code, started.stderr).toBe(0);
      await rt.waitStatus(f.id, 'stopped');
      expect(await done).toBe(0);
      expect(screen).toContain('tty-ok');
      expect(screen).toContain('got:hello');
      expect(screen).toMatch(/\/dev\/(pts\/0|console)/);
      expect((await rt.cli(['delete', f.id])).code).toBe(0);
      record(
        'tty.lines',
        screen.split(/\r?\n/).filter((l) => l !== ''),
      );
    });
  });
}
