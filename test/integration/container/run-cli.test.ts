import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli, type CliResult } from '../../helpers/run-cli.js';
import { IMAGE, openTestEngine, waitFor, type TestEngine } from './support/container-engine.js';

const canRun = process.getuid?.() === 0;

describe.skipIf(!canRun)('tscompose container (CLI)', () => {
  let t: TestEngine;
  const cli = (args: string[], input?: string): Promise<CliResult> =>
    runCli(['--root', t.root, 'container', ...args], input !== undefined ? { input } : {});

  beforeAll(async () => {
    t = await openTestEngine('ctr-cli');
  });
  afterAll(async () => {
    await t?.cleanup();
    expect(t.leaks()).toEqual([]);
  });

  it('run --rm prints the output and exits with the program’s code, leaving nothing', async () => {
    const r = await cli([
      'run',
      '--rm',
      '--network',
      'none',
      IMAGE,
      'sh',
      '-c',
      'echo hello; echo oops >&2; exit 3',
    ]);
    expect(r).toMatchObject({ code: 3, stdout: 'hello\n', stderr: 'oops\n' });
    expect((await cli(['ls', '-a', '-q'])).stdout).toBe('');
  });

  it.each([
    ['a missing program', ['nosuch-program'], 127, /executable file not found/],
    ['a program that cannot be executed', ['/etc'], 126, /ermission denied/],
  ])('run exits %s with docker run’s code', async (_name, command, code, message) => {
    const r = await cli(['run', '--rm', '--network', 'none', IMAGE, ...command]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect((await cli(['ls', '-a', '-q'])).stdout).toBe('');
  });

  it('run of an image that does not exist is 125', async () => {
    const r = await cli(['run', '--rm', '--pull', 'never', '--network', 'none', 'no-such-image:1', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/no-such-image/);
  });

  it('logs are complete: every line, both streams, a last line without newline, --tail, -t, --since', async () => {
    const script =
      'i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done; echo err-line >&2; printf "no newline"';
    const run = await cli(['run', '--name', 'logger', '--network', 'none', IMAGE, 'sh', '-c', script]);
    expect(run.code).toBe(0);
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join('');
    expect(run.stdout).toBe(`${lines}no newline`);
    const logs = await cli(['logs', 'logger']);
    expect(logs.stdout).toBe(`${lines}no newline`);
    expect(logs.stderr).toBe('err-line\n');
    // The tail counts lines of both streams, the unterminated last one included (Docker's rule).
    expect(await cli(['logs', '--tail', '3', 'logger'])).toMatchObject({
      stdout: 'line 499\nno newline',
      stderr: 'err-line\n',
    });
    const stamped = (await cli(['logs', '-t', '--tail', '1', 'logger'])).stdout;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z no newline$/);
    expect((await cli(['logs', '--since', '2099-01-01T00:00:00Z', 'logger'])).stdout).toBe('');
    expect((await cli(['logs', '--until', '2000-01-01', 'logger'])).stdout).toBe('');
    await cli(['rm', 'logger']);
  });

  it('logs -f follows a running container until it exits', async () => {
    const id = (
      await cli([
        'run',
        '-d',
        '--name',
        'follower',
        '--network',
        'none',
        IMAGE,
        'sh',
        '-c',
        'echo first; sleep 1; echo second',
      ])
    ).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const r = await cli(['logs', '-f', 'follower']);
    expect(r.stdout).toBe('first\nsecond\n');
    expect((await cli(['wait', 'follower'])).stdout).toBe('0\n');
    await cli(['rm', 'follower']);
  });

  it('exec runs with and without a terminal, with -e, -u, -w, and passes the exit code', async () => {
    await cli(['run', '-d', '--name', 'box', '--network', 'none', IMAGE, 'sleep', '300']);
    const plain = await cli([
      'exec',
      '-e',
      'FOO=bar',
      '-w',
      '/tmp',
      '-u',
      'app',
      'box',
      'sh',
      '-c',
      'echo $FOO $(pwd) $(id -u):$(id -g); [ -t 0 ] && echo tty || echo notty; exit 5',
    ]);
    expect(plain).toMatchObject({ code: 5, stdout: 'bar /tmp 1000:1000\nnotty\n' });
    const tty = await cli([
      'exec',
      '-t',
      'box',
      'sh',
      '-c',
      '[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo tty $TERM; exit 6',
    ]);
    expect(tty.code).toBe(6);
    expect(tty.stdout.replace(/\r/g, '')).toBe('tty xterm\n');
    const input = await cli(['exec', '-i', 'box', 'sh', '-c', 'read x; echo got $x'], 'hello\n');
    expect(input.stdout).toBe('got hello\n');
    expect((await cli(['exec', 'box', 'nosuch'])).code).toBe(127);
    expect((await cli(['exec', '-d', 'box', 'sh', '-c', 'echo detached > /tmp/d'])).code).toBe(0);
    await waitFor(
      'the detached exec',
      async () => (await cli(['exec', 'box', 'cat', '/tmp/d'])).stdout === 'detached\n',
    );
  });

  it('ls, inspect, top, stop, start, restart, kill, pause, rename, rm', async () => {
    const ls = (await cli(['ls', '--format', 'json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(ls.map((c) => [c['Names'], c['State']])).toEqual([['box', 'running']]);
    const doc = JSON.parse((await cli(['inspect', 'box'])).stdout) as [
      { State: { Status: string; Running: boolean; Pid: number }; Name: string; Config: { Cmd: string[] } },
    ];
    expect(doc[0]).toMatchObject({
      Name: '/box',
      State: { Status: 'running', Running: true },
      Config: { Cmd: ['sleep', '300'] },
    });
    expect((await cli(['inspect', '-f', '{{.State.Status}}', 'box'])).stdout).toBe('running\n');
    expect((await cli(['top', 'box'])).stdout).toMatch(/sleep 300/);
    const stats = JSON.parse((await cli(['stats', '--no-stream', '--format', 'json', 'box'])).stdout) as {
      pids: number;
      memoryUsageBytes: number;
      name: string;
    };
    expect(stats).toMatchObject({ name: 'box', pids: 1 });
    expect(stats.memoryUsageBytes).toBeGreaterThan(0);
    expect((await cli(['pause', 'box'])).code).toBe(0);
    expect((await cli(['inspect', '-f', '{{.State.Status}}', 'box'])).stdout).toBe('paused\n');
    expect((await cli(['exec', 'box', 'true'])).code).toBe(1);
    expect((await cli(['unpause', 'box'])).code).toBe(0);
    expect((await cli(['stop', '-t', '1', 'box'])).code).toBe(0);
    expect((await cli(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'box'])).stdout).toBe(
      'exited 137\n',
    );
    expect((await cli(['ls', '-q'])).stdout).toBe('');
    expect((await cli(['ls', '-a', '--filter', 'status=exited', '--format', '{{.Names}}'])).stdout).toBe(
      'box\n',
    );
    expect((await cli(['start', 'box'])).code).toBe(0);
    expect((await cli(['restart', '-t', '0', 'box'])).code).toBe(0);
    expect((await cli(['inspect', '-f', '{{.State.Status}}', 'box'])).stdout).toBe('running\n');
    expect((await cli(['kill', 'box'])).code).toBe(0);
    expect((await cli(['inspect', '-f', '{{.State.ExitCode}}', 'box'])).stdout).toBe('137\n');
    expect((await cli(['rename', 'box', 'box2'])).code).toBe(0);
    expect((await cli(['rm', 'box'])).code).toBe(1);
    expect((await cli(['rm', 'box2'])).code).toBe(0);
  });

  it('run without --network joins the default bridge network, made on first use', async () => {
    const r = await cli([
      'run',
      '--rm',
      '-p',
      '80',
      IMAGE,
      'sh',
      '-c',
      'ls /sys/class/net; grep nameserver /etc/resolv.conf',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^eth0\nlo\nnameserver 10\./);
    const nets = await runCli(['--root', t.root, 'network', 'ls', '--format', 'json']);
    expect(
      nets.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { name: string }).name),
    ).toEqual(['bridge']);
    expect((await runCli(['--root', t.root, 'network', 'rm', 'bridge'])).code).toBe(0);
  });

  it('rm refuses a running container without -f', async () => {
    await cli(['run', '-d', '--name', 'busy', '--network', 'none', IMAGE, 'sleep', '300']);
    const r = await cli(['rm', 'busy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stop it/);
    expect((await cli(['rm', '-f', 'busy'])).code).toBe(0);
  });

  /** Runs the CLI with a failpoint: it kills itself with SIGKILL at that step. */
  function killedAt(step: string, args: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_BIN, '--root', t.root, 'container', ...args], {
        env: { PATH: process.env['PATH'], TSCOMPOSE_TEST_FAILPOINT: step },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(signal === 'SIGKILL' ? null : code));
    });
  }

  it.each([['container-create:recorded'], ['container-create:rootfs'], ['container-create:network']])(
    'a CLI killed in create at %s leaves a state the next command repairs',
    async (step) => {
      await runCli(['--root', t.root, 'network', 'create', 'killnet']);
      expect(
        await killedAt(step, [
          'create',
          '--name',
          'half',
          '--network',
          'killnet',
          '-v',
          '/data',
          '-p',
          '80',
          IMAGE,
          'true',
        ]),
      ).toBeNull();
      const seen = await cli(['ls', '-a', '--filter', 'name=half', '--format', '{{.Names}} {{.State}}']);
      expect(seen.stdout).toBe('half dead\n');
      // The next mutation rolls it back: the name is free again, nothing is left of it.
      const again = await cli([
        'create',
        '--name',
        'half',
        '--network',
        'killnet',
        '-p',
        '80',
        IMAGE,
        'true',
      ]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/creation was interrupted; rolled back/);
      expect((await cli(['rm', 'half'])).code).toBe(0);
      expect((await runCli(['--root', t.root, 'network', 'rm', 'killnet'])).code).toBe(0);
      expect((await runCli(['--root', t.root, 'volume', 'ls', '-q'])).stdout).toBe('');
      expect((await readdir(join(t.root, 'containers'))).filter((n) => !n.startsWith('.init'))).toEqual([]);
      expect(t.leaks()).toEqual([]);
    },
  );

  it.each([['container-remove:recorded'], ['container-remove:stopped'], ['container-remove:network']])(
    'a CLI killed in rm at %s leaves a state the next command finishes',
    async (step) => {
      await runCli(['--root', t.root, 'network', 'create', 'killnet']);
      await cli([
        'run',
        '-d',
        '--name',
        'victim',
        '--network',
        'killnet',
        '-v',
        '/data',
        '-p',
        '80',
        IMAGE,
        'sleep',
        '300',
      ]);
      expect(await killedAt(step, ['rm', '-f', '-v', 'victim'])).toBeNull();
      expect(
        (await cli(['ls', '-a', '--filter', 'name=victim', '--format', '{{.Names}} {{.State}}'])).stdout,
      ).toBe('victim removing\n');
      // The user runs rm again: the repair every mutation starts with finishes the removal.
      const again = await cli(['rm', '-f', '-v', 'victim']);
      expect(again).toMatchObject({ code: 0, stdout: 'victim\n' });
      expect(again.stderr).toMatch(/removal was interrupted; finished removing it/);
      expect((await cli(['ls', '-a', '-q', '--filter', 'name=victim'])).stdout).toBe('');
      expect((await runCli(['--root', t.root, 'volume', 'ls', '-q'])).stdout).toBe('');
      expect((await runCli(['--root', t.root, 'network', 'rm', 'killnet'])).code).toBe(0);
      expect(t.leaks()).toEqual([]);
    },
  );
});
