import { describe, expect, it } from 'vitest';
import { RunFailedError, runExitCodeFor } from '../../../../src/engine/container/container-errors.js';
import { EngineError } from '../../../../src/engine/errors.js';
import { cleanReason, parseLogSize } from '../../../../src/engine/container/container-lifecycle.js';
import { parseNetDev, parseProcCgroup } from '../../../../src/engine/container/container-stats.js';
import { processRow } from '../../../../src/engine/container/container-top.js';
import { parseOpaque } from '../../../../src/engine/container/overlay-opaque.js';
import { normalizeSignal } from '../../../../src/engine/container/signals.js';
import { execOptions, shellQuote, shimOptions } from '../../../../src/engine/runtime.js';

describe('small parsers of the container engine', () => {
  it.each([
    ['exec: `x`: executable file not found in $PATH', 127],
    ['open /x: no such file or directory', 127],
    ['exec: `/etc`: Permission denied', 126],
    ['cgroup: cannot write memory.limit_in_bytes', 125],
  ])('run exit code for "%s" is %s', (message, code) => expect(runExitCodeFor(message)).toBe(code));

  it.each([
    ['TERM', 'SIGTERM'],
    ['sigkill', 'SIGKILL'],
    ['15', 'SIGTERM'],
    ['SIGRTMIN+3', 'SIGRTMIN+3'],
  ])('signal %s → %s', (input, out) => expect(normalizeSignal(input)).toBe(out));

  it.each([
    ['10m', 10 * 1024 ** 2],
    ['512k', 512 * 1024],
    ['1g', 1024 ** 3],
    ['100', 100],
  ])('log size %s', (text, bytes) => expect(parseLogSize(text)).toBe(bytes));

  it('takes the runtime’s own reason out of the shim’s message', () => {
    expect(
      cleanReason(
        '`/x/tscompose-native create` failed (exit status 1): create `abc`: exec: `nosuch`: executable file not found in $PATH: {"level":"error","msg":"…"}',
      ),
    ).toBe('exec: `nosuch`: executable file not found in $PATH');
    expect(cleanReason('something else')).toBe('something else');
  });

  it('parses getfattr’s dump of opaque directories', () => {
    const out =
      '# file: /u/opt/old\ntrusted.overlay.opaque="y"\n\n# file: /u/a\\040b\ntrusted.overlay.opaque="y"\n\n# file: /other/x\ntrusted.overlay.opaque="y"\n';
    expect([...parseOpaque(out, '/u')]).toEqual(['opt/old/', 'a b/']);
  });

  it('parses /proc cgroup and net/dev files', () => {
    expect(parseProcCgroup('12:memory:/tsc-a\n11:cpu,cpuacct:/tsc-a\n0::/tsc-a\n')).toEqual(
      new Map([
        ['memory', '/tsc-a'],
        ['cpu', '/tsc-a'],
        ['cpuacct', '/tsc-a'],
        ['', '/tsc-a'],
      ]),
    );
    const dev =
      'Inter-|   Receive\n face |bytes\n    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n  eth0: 1500 10 0 0 0 0 0 0 700 5 0 0 0 0 0 0\n';
    expect(parseNetDev(dev)).toEqual({ rx: 1500, tx: 700 });
  });

  it('renders a ps -ef row from /proc', () => {
    const stat = '42 (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 1000 1000 100';
    const row = processRow(42, stat, 'Name:\tsleep\nUid:\t1000\t1000\t1000\t1000\n', 'sleep\u0000300\u0000', {
      clockTicks: 100,
      bootTimeMs: Date.parse('2026-01-01T00:00:00'),
      names: new Map([[1000, 'app']]),
    });
    expect(row).toEqual(['app', '42', '1', '0', '00:00', '?', '00:00:03', 'sleep 300']);
  });

  it('builds the shim’s and exec’s command lines', () => {
    expect(
      shimOptions({
        runtimeRoot: '/r',
        bundle: '/b',
        id: 'i',
        stateDir: '/s',
        logPath: '/l',
        restart: 'on-failure:3',
        stopSignal: 'SIGQUIT',
        stopTimeoutMs: 1500,
        health: {
          command: ['/bin/sh', '-c', 'true'],
          intervalMs: 1,
          timeoutMs: 2,
          retries: 3,
          startPeriodMs: 4,
          startIntervalMs: 5,
        },
      }),
    ).toEqual([
      '--runtime-root',
      '/r',
      '--bundle',
      '/b',
      '--id',
      'i',
      '--state-dir',
      '/s',
      '--log-path',
      '/l',
      '--restart',
      'on-failure:3',
      '--stop-signal',
      'SIGQUIT',
      '--stop-timeout',
      '1500ms',
      '--health-interval',
      '1ms',
      '--health-timeout',
      '2ms',
      '--health-retries',
      '3',
      '--health-start-period',
      '4ms',
      '--health-start-interval',
      '5ms',
      '--',
      '/bin/sh',
      '-c',
      'true',
    ]);
    expect(
      execOptions({
        id: 'i',
        command: ['ls', '-l'],
        env: ['A=1'],
        cwd: '/tmp',
        uid: 1,
        gid: 2,
        additionalGids: [3],
        detach: true,
      }),
    ).toEqual([
      '--cwd',
      '/tmp',
      '--env',
      'A=1',
      '--user',
      '1:2',
      '--additional-gids',
      '3',
      '--detach',
      'i',
      'ls',
      '-l',
    ]);
  });

  it.each([
    ['plain', 'plain'],
    ['with space', "'with space'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
  ])('shell-quotes %s', (input, out) => expect(shellQuote(input)).toBe(out));
});

describe('run failures', () => {
  it.each([
    [
      'CONTAINER_START_FAILED',
      'container x: start failed: exec: `nosuch`: executable file not found in $PATH',
      127,
    ],
    ['CONTAINER_START_FAILED', 'container x: start failed: exec: `/etc`: Permission denied', 126],
    ['CONTAINER_SECCOMP_INVALID', 'seccomp profile /p.json: ENOENT: no such file or directory', 125],
    ['IMAGE_NOT_FOUND', 'image x: permission denied by the registry', 125],
  ])('%s "%s" exits %s', (code, message, exit) => {
    expect(new RunFailedError(new EngineError(code, message)).exitCode).toBe(exit);
  });
});
