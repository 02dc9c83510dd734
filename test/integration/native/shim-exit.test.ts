// The shim supervising one container: exit status, signal and OOM kill recorded in the state
// file; stop with the stop signal then SIGKILL after the grace period; supervision that outlives
// the process that started the shim; the control socket's safety. Run against runc, and against
// tscompose-native's own runtime verbs once they exist (the shim only uses the runtime's CLI).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isAlive,
  NATIVE_BIN,
  readState,
  runtimeCmd,
  runtimesUnderTest,
  shimArgv,
  shimRequest,
  waitFor,
  waitState,
  useShimLab,
} from './shim-harness.js';

const lab = useShimLab('shim-exit', `tscompose-shimexit-${process.pid}`);

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

describe.each(runtimesUnderTest())('shim over $name', (rt) => {
  it.skipIf(!rt.available)(
    `records the exit code; the shim ends with the container ${rt.available ? '' : rt.why}`,
    async () => {
      const c = await lab().container(['sh', '-c', 'echo out; echo err >&2; exit 3']);
      const log = join(c.stateDir, 'ctr.log');
      const r = lab().start(rt.bin, c, ['--log-path', log]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.ready?.pid).toBeGreaterThan(0);
      const s = await waitState(c.stateDir, 'the final state', (st) => !st.shimRunning);
      expect(s).toMatchObject({
        status: 'exited',
        exitCode: 3,
        signal: null,
        oomKilled: false,
        restartCount: 0,
      });
      expect(s.error).toBeNull();
      expect(ms(s.finishedAt)).toBeGreaterThanOrEqual(ms(s.startedAt));
      await waitFor('the shim process to end', () => !isAlive(r.ready!.shimPid));
      expect(readFileSync(log, 'utf8')).toMatch(
        / stdout F out\n(.|\n)* stderr F err\n|stderr F err\n(.|\n)*stdout F out\n/,
      );
      // the runtime's container is deleted after the final exit
      expect(runtimeCmd(rt.bin, lab().runtimeRoot(rt.bin), ['state', c.id]).code).not.toBe(0);
    },
  );

  it.skipIf(!rt.available)('records death by a signal as 128+n with the signal name', async () => {
    const c = await lab().container(['sleep', '1000']);
    lab().run(rt.bin, c);
    expect(await shimRequest(c.stateDir, 'kill SIGKILL')).toBe('{"ok":true}\n');
    const s = await waitState(c.stateDir, 'exit', (st) => st.status === 'exited');
    expect(s).toMatchObject({ exitCode: 137, signal: 'SIGKILL', oomKilled: false, stopRequested: false });
  });

  it.skipIf(!rt.available)('records an OOM kill (memory limit from config.json)', async () => {
    const c = await lab().container(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], (config) => {
      config.linux.resources = { ...config.linux.resources, memory: { limit: 16 * 1024 * 1024 } };
    });
    lab().run(rt.bin, c);
    const s = await waitState(c.stateDir, 'exit', (st) => st.status === 'exited');
    expect(s).toMatchObject({ exitCode: 137, signal: 'SIGKILL', oomKilled: true });
  });

  it.skipIf(!rt.available)('a normal exit under a memory limit is not an OOM kill', async () => {
    const c = await lab().container(['true'], (config) => {
      config.linux.resources = { ...config.linux.resources, memory: { limit: 16 * 1024 * 1024 } };
    });
    lab().run(rt.bin, c);
    const s = await waitState(c.stateDir, 'exit', (st) => st.status === 'exited');
    expect(s).toMatchObject({ exitCode: 0, oomKilled: false });
  });

  it.skipIf(!rt.available)('stop: the stop signal, then SIGKILL after the grace period', async () => {
    // PID 1 without a handler ignores SIGTERM: only the SIGKILL ends it.
    const c = await lab().container(['sleep', '1000']);
    lab().run(rt.bin, c);
    const reply = await shimRequest(c.stateDir, 'stop 1s');
    const s = JSON.parse(reply) as NonNullable<ReturnType<typeof readState>>;
    expect(s).toMatchObject({
      status: 'exited',
      exitCode: 137,
      signal: 'SIGKILL',
      stopRequested: true,
      shimRunning: false,
    });
    expect(s.stop).toMatchObject({ signal: 'SIGTERM', timeoutMs: 1000, killed: true });
    expect(ms(s.finishedAt) - ms(s.stop?.requestedAt)).toBeGreaterThanOrEqual(1000);
  });

  it.skipIf(!rt.available)('stop: a program that handles its stop signal exits by itself', async () => {
    const c = await lab().container(['sh', '-c', 'trap "exit 5" USR1; while :; do sleep 0.05; done']);
    lab().run(rt.bin, c, ['--stop-signal', 'SIGUSR1', '--stop-timeout', '30s']);
    const s = JSON.parse(await shimRequest(c.stateDir, 'stop')) as NonNullable<ReturnType<typeof readState>>;
    expect(s).toMatchObject({ exitCode: 5, signal: null, stopRequested: true });
    expect(s.stop).toMatchObject({ signal: 'SIGUSR1', timeoutMs: 30000, killed: false });
  });

  it.skipIf(!rt.available)('keeps supervising after the process that started it has exited', async () => {
    const c = await lab().container(['sh', '-c', 'echo started; sleep 1000']);
    // A shell starts the shim and exits: the shim must not be its child, nor in its session.
    const sh = spawnSync(
      'sh',
      [
        '-c',
        `"$0" "$@" > ${join(lab().root, `${c.id}.ready`)}; echo $$`,
        NATIVE_BIN,
        ...shimArgv({
          runtime: rt.bin,
          runtimeRoot: lab().runtimeRoot(rt.bin),
          ...c,
        }),
      ],
      { encoding: 'utf8' },
    );
    expect(sh.status).toBe(0);
    const shellPid = Number(sh.stdout.trim());
    const ready = JSON.parse(readFileSync(join(lab().root, `${c.id}.ready`), 'utf8')) as {
      pid: number;
      shimPid: number;
    };
    expect(isAlive(shellPid)).toBe(false);
    const stat = readFileSync(`/proc/${ready.shimPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const [ppid, , sid] = [Number(stat[1]), Number(stat[2]), Number(stat[3])];
    expect(ppid).not.toBe(shellPid);
    expect(sid).not.toBe(Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[3]));
    // the container runs, as a child of the shim (subreaper), and is still supervised
    expect(readState(c.stateDir)).toMatchObject({ status: 'running', pid: ready.pid, shimRunning: true });
    const initPpid = Number(readFileSync(`/proc/${ready.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    expect(initPpid).toBe(ready.shimPid);
    expect(runtimeCmd(rt.bin, lab().runtimeRoot(rt.bin), ['kill', c.id, 'KILL']).code).toBe(0);
    const s = await waitState(
      c.stateDir,
      'the exit seen by the detached shim',
      (st) => st.status === 'exited',
    );
    expect(s).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
  });

  it.skipIf(!rt.available)(
    "leaves the container's process only fds 0-2: stdin, the shim's pipes",
    async () => {
      const c = await lab().container(['sleep', '1000']);
      const ready = lab().run(rt.bin, c);
      // runc's `start` returns once its init is released, before that init has exec'd the
      // program (it still holds runc's own fds until then): look at the program itself.
      await waitFor(
        "the program to be exec'd",
        () => readFileSync(`/proc/${ready.pid}/comm`, 'utf8').trim() === 'sleep',
      );
      const fds = readdirSync(`/proc/${ready.pid}/fd`).sort();
      expect(fds).toEqual(['0', '1', '2']);
      const targets = fds.map((fd) => readlinkSync(`/proc/${ready.pid}/fd/${fd}`));
      expect(targets[0]).toBe('/dev/null');
      expect(targets[1]).toMatch(/^pipe:/);
      expect(targets[2]).toMatch(/^pipe:/);
      expect(targets[1]).not.toBe(targets[2]);
    },
  );

  it.skipIf(!rt.available)(
    'runs a detached exec on request, and reaps it when it ends (no zombie left)',
    async () => {
      const c = await lab().container(['sleep', '1000']);
      const ready = lab().run(rt.bin, c);
      const children = (): { pid: number; state: string }[] =>
        readdirSync('/proc')
          .filter((d) => /^\d+$/.test(d))
          .flatMap((d) => {
            try {
              const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ');
              return Number(f[1]) === ready.shimPid ? [{ pid: Number(d), state: f[0]! }] : [];
            } catch {
              return [];
            }
          });
      const file = join(c.stateDir, 'exec-t.json');
      writeFileSync(
        file,
        JSON.stringify({ options: ['--env', 'X=a b'], command: ['sh', '-c', 'sleep 0.5'] }),
      );
      expect(JSON.parse(await shimRequest(c.stateDir, 'exec exec-t.json'))).toEqual({ ok: true });
      expect(existsSync(file)).toBe(false);
      // The runtime's exec returned at once; its process is now the shim's (orphaned to it)…
      await waitFor('the exec reparented to the shim', () => children().some((ch) => ch.pid !== ready.pid));
      // …and once it ends, the shim reaps it: only the container's process is left.
      await waitFor('the exec reaped', () => {
        const now = children();
        return now.length === 1 && now[0]!.pid === ready.pid;
      });
      writeFileSync(file, JSON.stringify({ options: [], command: ['/no/such'] }));
      expect(JSON.parse(await shimRequest(c.stateDir, 'exec exec-t.json'))).toMatchObject({
        ok: false,
        error: expect.stringMatching(/no\/such/) as unknown,
      });
      for (const bad of ['exec', 'exec ../exec-t.json', 'exec exec-missing.json']) {
        expect(JSON.parse(await shimRequest(c.stateDir, bad))).toMatchObject({ ok: false });
      }
    },
  );

  it.skipIf(!rt.available)('reports a container that cannot be created, and records why', async () => {
    const c = await lab().container(['/no/such/program']);
    const r = lab().start(rt.bin, c);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/shim: .*create.*failed.*no\/such\/program/);
    const s = readState(c.stateDir);
    expect(s).toMatchObject({ status: 'exited', shimRunning: false, pid: 0 });
    expect(s?.error).toMatch(/no\/such\/program/);
    await waitFor('no shim left', () => !isAlive(s!.shimPid));
  });
});

describe('shim control socket', () => {
  it('is a 0600 socket in a 0700 directory; answers state; refuses unknown requests', async () => {
    const c = await lab().container(['sleep', '1000']);
    const r = lab().start(runtimesUnderTest()[0]!.bin, c);
    expect(r.code).toBe(0);
    expect(statSync(c.stateDir).mode & 0o777).toBe(0o700);
    const sock = statSync(join(c.stateDir, 'shim.sock'));
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
    const state = JSON.parse(await shimRequest(c.stateDir, 'state')) as { status: string; pid: number };
    expect(state).toMatchObject({ status: 'running', pid: r.ready?.pid });
    expect(JSON.parse(await shimRequest(c.stateDir, 'reboot'))).toMatchObject({ ok: false });
    expect(JSON.parse(await shimRequest(c.stateDir, 'kill SIGNOPE'))).toEqual({
      ok: false,
      error: 'unknown signal `SIGNOPE`',
    });
    expect(JSON.parse(await shimRequest(c.stateDir, 'attach stdin'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/stdin is not open/) as unknown,
    });
  });

  it('works with a state dir whose path is longer than sun_path (terminal too)', async () => {
    const deep = join(lab().root, 'd'.repeat(100));
    const c = await lab().container(['sh'], (config) => (config.process.terminal = true), deep);
    expect(Buffer.byteLength(join(c.stateDir, 'shim.sock'))).toBeGreaterThan(108);
    lab().run(runtimesUnderTest()[0]!.bin, c, ['--terminal', '--stdin']);
    expect(JSON.parse(await shimRequest(c.stateDir, 'state'))).toMatchObject({ status: 'running' });
    const s = JSON.parse(await shimRequest(c.stateDir, 'stop 0')) as { exitCode: number };
    expect(s.exitCode).toBe(137);
  });

  it('refuses a second shim for the same state directory', async () => {
    const c = await lab().container(['sleep', '1000']);
    const rt = runtimesUnderTest()[0]!.bin;
    lab().run(rt, c);
    const again = lab().start(rt, c);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already supervised/);
  });
});
