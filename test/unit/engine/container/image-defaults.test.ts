import { describe, expect, it } from 'vitest';
import {
  effectiveConfig,
  mergeEnv,
  resolveCommand,
  resolveHealthcheck,
} from '../../../../src/engine/container/image-defaults.js';
import type { ContainerSpec } from '../../../../src/engine/container/types.js';

const base: ContainerSpec = {
  name: 'c',
  image: 'img',
  entrypoint: null,
  command: null,
  env: {},
  labels: {},
  mounts: [],
  network: { mode: 'none' },
  ports: [],
};

describe('image defaults and overrides (Docker’s rules)', () => {
  it.each([
    ['image entrypoint and cmd', null, null, ['ep'], ['cmd'], ['ep'], ['cmd']],
    ['command replaces cmd', null, ['x'], ['ep'], ['cmd'], ['ep'], ['x']],
    ['empty command keeps cmd', null, [], ['ep'], ['cmd'], ['ep'], ['cmd']],
    ['entrypoint override drops the image cmd', ['new'], null, ['ep'], ['cmd'], ['new'], []],
    ['entrypoint override with command', ['new'], ['a'], ['ep'], ['cmd'], ['new'], ['a']],
    ['entrypoint [] keeps the image cmd as the program', [], null, ['ep'], ['cmd'], [], ['cmd']],
    ['entrypoint [] with command', [], ['a'], ['ep'], ['cmd'], [], ['a']],
  ])('%s', (_n, entrypoint, command, imgEp, imgCmd, ep, cmd) => {
    expect(resolveCommand({ entrypoint, command }, { Entrypoint: imgEp, Cmd: imgCmd })).toEqual({
      entrypoint: ep,
      cmd,
    });
  });

  it('mergeEnv replaces in place and appends new keys', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4', 'A=5'])).toEqual(['A=5', 'B=3', 'C=4']);
  });

  it('effective config: Docker’s env order, workdir, user, stop signal, ports, volumes, labels', () => {
    const cfg = effectiveConfig({
      spec: {
        ...base,
        env: { FOO: 'spec', PATH: '/custom' },
        tty: true,
        labels: { l: 'spec' },
        ports: [{ containerPort: 80, containerPortEnd: 81 }],
        exposedPorts: [{ port: 53, protocol: 'udp' }],
      },
      image: {
        Env: ['PATH=/img', 'FOO=img', 'BAR=img'],
        Cmd: ['sh'],
        WorkingDir: '/app',
        User: 'app',
        StopSignal: 'QUIT',
        ExposedPorts: { '8080/tcp': {} },
        Volumes: { '/data': {} },
        Labels: { l: 'img', m: 'img' },
      },
      defaultHostname: 'abc',
    });
    expect(cfg.env).toEqual(['PATH=/custom', 'HOSTNAME=abc', 'TERM=xterm', 'FOO=spec', 'BAR=img']);
    expect(cfg).toMatchObject({
      args: ['sh'],
      cwd: '/app',
      user: 'app',
      hostname: 'abc',
      stopSignal: 'SIGQUIT',
      stopTimeoutMs: 10_000,
      imageVolumes: ['/data'],
    });
    expect(cfg.exposedPorts).toEqual(['53/udp', '80/tcp', '8080/tcp', '81/tcp']);
    expect(cfg.labels).toEqual({ l: 'spec', m: 'img' });
  });

  it.each([
    ['no command at all', { ...base }, {}, 'CONTAINER_NO_COMMAND'],
    [
      'a relative working directory',
      { ...base, command: ['x'], workingDir: 'rel' },
      {},
      'CONTAINER_WORKDIR_INVALID',
    ],
    ['a bad stop signal', { ...base, command: ['x'], stopSignal: 'SIGNOPE' }, {}, 'CONTAINER_SIGNAL_INVALID'],
  ])('refuses %s', (_n, spec, image, code) => {
    expect(() => effectiveConfig({ spec, image, defaultHostname: 'h' })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it.each([
    ['none anywhere', undefined, undefined, null],
    [
      'image CMD-SHELL with defaults',
      undefined,
      { Test: ['CMD-SHELL', 'true'] },
      {
        command: ['/bin/sh', '-c', 'true'],
        intervalMs: 30_000,
        timeoutMs: 30_000,
        retries: 3,
        startPeriodMs: 0,
        startIntervalMs: 5_000,
      },
    ],
    [
      'image durations in ns',
      undefined,
      { Test: ['CMD', 'x'], Interval: 2e9, Retries: 5 },
      { command: ['x'], intervalMs: 2000, retries: 5 },
    ],
    [
      'spec fields over the image’s',
      { intervalMs: 100 },
      { Test: ['CMD', 'x'], Interval: 2e9, Timeout: 1e9 },
      { command: ['x'], intervalMs: 100, timeoutMs: 1000 },
    ],
    ['spec test over the image’s', { test: ['CMD', 'y'] }, { Test: ['CMD', 'x'] }, { command: ['y'] }],
    ['disable', { disable: true }, { Test: ['CMD', 'x'] }, null],
    ['NONE', { test: ['NONE'] }, { Test: ['CMD', 'x'] }, null],
  ])('healthcheck: %s', (_n, spec, image, expected) => {
    const h = resolveHealthcheck(spec, image);
    if (expected === null) expect(h).toBeNull();
    else expect(h).toMatchObject(expected);
  });

  it('refuses an unknown healthcheck form', () => {
    expect(() => resolveHealthcheck({ test: ['BOGUS', 'x'] }, undefined)).toThrow(
      expect.objectContaining({ code: 'CONTAINER_HEALTHCHECK_INVALID' }),
    );
  });
});
