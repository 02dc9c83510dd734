import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_SECCOMP } from '../../helpers/native-seccomp.js';
import type { ContainerSpec } from '../../../src/engine/index.js';
import {
  containerSpec as spec,
  captureStdio,
  openTestEngine,
  waitFor,
  type TestEngine,
} from './support/container-engine.js';

const canRun = process.getuid?.() === 0;

describe.skipIf(!canRun)('container lifecycle', () => {
  let t: TestEngine;
  let other: TestEngine | undefined;
  beforeAll(async () => {
    t = await openTestEngine('ctr-life');
  });
  afterAll(async () => {
    await t?.cleanup();
    await other?.cleanup();
    expect(t.leaks()).toEqual([]);
    expect(other?.leaks() ?? []).toEqual([]);
  });

  it('a memory limit makes the OOM killer end the container: OOMKilled, exit 137', async () => {
    await t.engine.containers.create(
      spec('hog', ['sh', '-c', 'tail /dev/zero'], { resources: { memoryBytes: 16 * 1024 * 1024 } }),
    );
    const io = captureStdio();
    expect(await t.engine.containers.runAttached('hog', io.stdio)).toBe(137);
    const info = await t.engine.containers.inspect('hog');
    expect(info).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true });
    const doc = (await t.engine.containers.inspectDocker('hog')) as {
      State: { OOMKilled: boolean; ExitCode: number };
    };
    expect(doc.State).toMatchObject({ OOMKilled: true, ExitCode: 137 });
    await t.engine.containers.remove('hog');
  });

  it('restart: always brings a crashed container back with a growing backoff; an explicit stop keeps it stopped', async () => {
    const c = await t.engine.containers.create(
      spec('crasher', ['sh', '-c', 'echo started; exit 3'], { restartPolicy: { name: 'always' } }),
    );
    await t.engine.containers.start('crasher');
    const info = await waitFor('three restarts', async () => {
      const i = await t.engine.containers.inspect('crasher');
      return i.restartCount >= 3 ? i : undefined;
    });
    expect(info.exitCode === null || info.exitCode === 3).toBe(true);
    const shim = JSON.parse(await readFile(join(t.root, 'run', 'shims', c.id, 'state.json'), 'utf8')) as {
      restarts: { delayMs: number; exitCode: number }[];
    };
    const delays = shim.restarts.map((r) => r.delayMs);
    expect(delays.slice(0, 3)).toEqual([100, 200, 400]);
    expect(shim.restarts.every((r) => r.exitCode === 3)).toBe(true);
    await t.engine.containers.stop('crasher', { timeoutMs: 1000 });
    const stopped = await t.engine.containers.inspect('crasher');
    expect(stopped).toMatchObject({ state: 'exited', manuallyStopped: true });
    // Longer than the next backoff would be: nothing brings it back.
    await sleep(2 * delays[delays.length - 1]! + 200);
    expect(await t.engine.containers.inspect('crasher')).toMatchObject({
      state: 'exited',
      restartCount: stopped.restartCount,
    });
    const lines = [];
    for await (const l of t.engine.containers.logs('crasher')) lines.push(l.text.toString());
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(new Set(lines)).toEqual(new Set(['started']));
    await t.engine.containers.remove('crasher');
  });

  it('healthcheck states move starting → healthy → unhealthy', async () => {
    await t.engine.containers.create(
      spec('doctor', ['sh', '-c', 'sleep 1; touch /tmp/ok; sleep 2; rm /tmp/ok; exec sleep 300'], {
        healthcheck: {
          test: ['CMD-SHELL', 'test -f /tmp/ok'],
          intervalMs: 200,
          startIntervalMs: 200,
          startPeriodMs: 30_000,
          retries: 2,
          timeoutMs: 2000,
        },
      }),
    );
    expect((await t.engine.containers.inspect('doctor')).health?.status).toBe('starting');
    await t.engine.containers.start('doctor');
    const seen: string[] = [];
    await waitFor(
      'unhealthy',
      async () => {
        const s = (await t.engine.containers.inspect('doctor')).health?.status;
        if (s && seen[seen.length - 1] !== s) seen.push(s);
        return s === 'unhealthy';
      },
      20_000,
    );
    expect(seen).toEqual(['starting', 'healthy', 'unhealthy']);
    const doc = (await t.engine.containers.inspectDocker('doctor')) as {
      State: { Health: { Status: string; FailingStreak: number; Log: { ExitCode: number }[] } };
    };
    expect(doc.State.Health.Status).toBe('unhealthy');
    expect(doc.State.Health.FailingStreak).toBeGreaterThanOrEqual(2);
    await expect(t.engine.containers.waitHealthy('doctor')).rejects.toMatchObject({
      code: 'CONTAINER_UNHEALTHY',
    });
    await t.engine.containers.remove('doctor', { force: true });
  });

  it('init: true runs the minimal init as PID 1, the program under it', async () => {
    await t.engine.containers.create(
      spec('inited', ['sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; echo $$'], { init: true }),
    );
    const io = captureStdio();
    expect(await t.engine.containers.runAttached('inited', io.stdio)).toBe(0);
    const [pid1, self] = io.out().trim().split('\n');
    expect(pid1).toMatch(/^\/sbin\/tsc-init init -- sh -c/);
    expect(self).not.toBe('1');
    await t.engine.containers.remove('inited');
  });

  it('Docker’s defaults and overrides reach the process: caps, user, env, workdir, read-only root, ulimit, sysctl', async () => {
    await t.engine.containers.create(
      spec(
        'probe',
        [
          'sh',
          '-c',
          'grep CapBnd /proc/self/status; id -u; id -g; echo $GREETING $HOSTNAME; pwd; touch /x 2>&1 | grep -o "Read-only"; ulimit -n; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; cat /proc/sys/net/core/somaxconn; hostname',
        ],
        {
          user: 'app',
          env: { GREETING: 'hi' },
          workingDir: '/tmp',
          readOnlyRootfs: true,
          capDrop: ['ALL'],
          capAdd: ['NET_BIND_SERVICE'],
          ulimits: [{ name: 'nofile', soft: 512, hard: 1024 }],
          sysctls: { 'net.core.somaxconn': '1024' },
          hostname: 'probe-host',
        },
      ),
    );
    const io = captureStdio();
    expect(await t.engine.containers.runAttached('probe', io.stdio)).toBe(0);
    expect(io.out().split('\n')).toEqual([
      'CapBnd:\t0000000000000400',
      '1000',
      '1000',
      'hi probe-host',
      '/tmp',
      'Read-only',
      '512',
      '0',
      '1024',
      'probe-host',
      '',
    ]);
    await t.engine.containers.remove('probe');
  });

  it.skipIf(!NATIVE_SECCOMP)(
    'the default syscall filter refuses new namespaces; CAP_SYS_ADMIN or seccomp=unconfined lift it',
    async () => {
      const probe = 'grep Seccomp: /proc/self/status; unshare -n true 2>&1; echo "unshare=$?"';
      const run = async (name: string, over: Partial<ContainerSpec>): Promise<string> => {
        await t.engine.containers.create(spec(name, ['sh', '-c', probe], over));
        const io = captureStdio();
        expect(await t.engine.containers.runAttached(name, io.stdio)).toBe(0);
        await t.engine.containers.remove(name);
        return io.out();
      };
      expect(await run('filtered', {})).toBe(
        'Seccomp:\t2\nunshare: unshare(0x40000000): Operation not permitted\nunshare=1\n',
      );
      // the filter is there, but the capability opens the group (Docker's profile does the same)
      expect(await run('sysadmin', { capAdd: ['SYS_ADMIN'] })).toBe('Seccomp:\t2\nunshare=0\n');
      // without a filter, the missing capability is what refuses
      expect(await run('unconfined', { securityOpt: ['seccomp=unconfined'] })).toBe(
        'Seccomp:\t0\nunshare: unshare(0x40000000): Operation not permitted\nunshare=1\n',
      );
      // a profile file in Docker's format replaces the default: its entries that apply to this
      // container (capabilities held, this architecture) and only those
      const profile = join(t.root, 'profile.json');
      await writeFile(
        profile,
        JSON.stringify({
          defaultAction: 'SCMP_ACT_ALLOW',
          archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
          syscalls: [
            {
              names: ['mkdir', 'mkdirat'],
              action: 'SCMP_ACT_ERRNO',
              errnoRet: 13,
              includes: { caps: ['CAP_CHOWN'] },
            },
            { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', includes: { caps: ['CAP_SYS_ADMIN'] } },
          ],
        }),
      );
      await t.engine.containers.create(
        spec('custom', ['sh', '-c', 'mkdir /tmp/a 2>&1; rmdir /tmp 2>&1; echo "rmdir=$?"'], {
          securityOpt: [`seccomp=${profile}`],
        }),
      );
      const io = captureStdio();
      expect(await t.engine.containers.runAttached('custom', io.stdio)).toBe(0);
      await t.engine.containers.remove('custom');
      // mkdir: EACCES from the profile; rmdir works: its entry needs CAP_SYS_ADMIN, not held here
      expect(io.out()).toBe("mkdir: can't create directory '/tmp/a': Permission denied\nrmdir=0\n");
      await expect(
        t.engine.containers.create(
          spec('bad', ['true'], { securityOpt: [`seccomp=${join(t.root, 'missing.json')}`] }),
        ),
      ).rejects.toMatchObject({ code: 'CONTAINER_SECCOMP_INVALID' });
      expect(await t.engine.containers.find('bad')).toBeUndefined();
    },
  );

  it('privileged: every capability the engine holds (no more, on a host that withholds some), no filter', async () => {
    const own = /^CapBnd:\s*(\S+)$/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1];
    await t.engine.containers.create(
      spec(
        'privileged',
        ['sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status; unshare -n true && echo unshare=0'],
        {
          privileged: true,
        },
      ),
    );
    const io = captureStdio();
    expect(await t.engine.containers.runAttached('privileged', io.stdio)).toBe(0);
    await t.engine.containers.remove('privileged');
    expect(io.out()).toBe(`CapEff:\t${own}\nSeccomp:\t0\nunshare=0\n`);
  });

  it('a ulimit above the engine’s own hard limit is refused clearly', async () => {
    await expect(
      t.engine.containers.create(
        spec('greedy', ['true'], { ulimits: [{ name: 'nofile', soft: 1024, hard: 1 << 30 }] }),
      ),
    ).rejects.toMatchObject({ code: 'CONTAINER_ULIMIT_TOO_HIGH' });
    expect(await t.engine.containers.find('greedy')).toBeUndefined();
  });

  it('containers created and started in parallel by one process all run (repair leaves in-flight work alone)', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `par-${i}`);
    const created = await Promise.all(
      names.map((n) => t.engine.containers.create(spec(n, ['sleep', '300'], { init: true }))),
    );
    const started = await Promise.allSettled(created.map((c) => t.engine.containers.start(c.id)));
    expect(started.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await t.engine.containers.list({ status: ['running'] })).map((c) => c.name).sort()).toEqual(
      [...names].sort(),
    );
    await Promise.all(created.map((c) => t.engine.containers.remove(c.id, { force: true })));
    expect(await t.engine.containers.list()).toEqual([]);
  });

  it('two engines with different roots run side by side', async () => {
    other = await openTestEngine('ctr-life-b');
    for (const e of [t, other]) {
      const net = await e.engine.networks();
      await net.create({ name: 'shared-name' });
      await e.engine.containers.create(
        spec('same', ['sleep', '300'], {
          network: { mode: 'bridge', networks: [{ network: 'shared-name' }] },
        }),
      );
      await e.engine.containers.start('same');
    }
    const a = await t.engine.containers.inspect('same');
    const b = await other.engine.containers.inspect('same');
    expect(a.id).not.toBe(b.id);
    expect(a.state).toBe('running');
    expect(b.state).toBe('running');
    expect(a.networks[0]!.ipv4Address).not.toBe('');
    expect((await t.engine.containers.list()).map((c) => c.id)).toEqual([a.id]);
    expect((await other.engine.containers.list()).map((c) => c.id)).toEqual([b.id]);
    await other.engine.containers.remove('same', { force: true });
    expect((await t.engine.containers.inspect('same')).state).toBe('running');
    await t.engine.containers.remove('same', { force: true });
  });
});
