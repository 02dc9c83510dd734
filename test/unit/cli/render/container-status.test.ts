import { describe, expect, it } from 'vitest';
import {
  commandText,
  humanDuration,
  portsText,
  statusText,
} from '../../../../src/cli/render/container-status.js';
import type { ContainerInfo } from '../../../../src/engine/container/types.js';
import { containerInfo } from '../../planner/fixtures.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const base = containerInfo({
  name: 'p-web-1',
  image: 'web:1',
  entrypoint: null,
  command: ['httpd', '-f', '-p', '80', '-h', '/srv/web'],
  env: {},
  labels: {},
  mounts: [],
  network: { mode: 'bridge', networks: [] },
  ports: [],
});

describe('ps columns', () => {
  it.each<[number, string]>([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [45_000, '45 seconds'],
    [70_000, 'About a minute'],
    [5 * 60_000, '5 minutes'],
    [3_600_000, 'About an hour'],
    [5 * 3_600_000, '5 hours'],
    [3 * 86_400_000, '3 days'],
  ])('humanDuration(%d)', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it.each<[string, Partial<ContainerInfo>, string]>([
    ['running', { state: 'running', startedAt: '2026-01-01T00:55:00Z' }, 'Up 5 minutes'],
    [
      'running and healthy',
      {
        state: 'running',
        startedAt: '2026-01-01T00:55:00Z',
        health: { status: 'healthy', failingStreak: 0, log: [] },
      },
      'Up 5 minutes (healthy)',
    ],
    [
      'health starting',
      {
        state: 'running',
        startedAt: '2026-01-01T00:59:58Z',
        health: { status: 'starting', failingStreak: 0, log: [] },
      },
      'Up 2 seconds (health: starting)',
    ],
    [
      'exited',
      { state: 'exited', exitCode: 137, finishedAt: '2026-01-01T00:58:00Z' },
      'Exited (137) 2 minutes ago',
    ],
    ['created', { state: 'created' }, 'Created'],
    ['paused', { state: 'paused', startedAt: '2026-01-01T00:00:00Z' }, 'Up About an hour (Paused)'],
  ])('status: %s', (_name, patch, text) => {
    expect(statusText({ ...base, ...patch }, NOW)).toBe(text);
  });

  it('ports and command', () => {
    expect(
      portsText([
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ]),
    ).toBe('0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp');
    expect(commandText(base)).toBe('"httpd -f -p 80 -h /…"');
    expect(commandText(base, true)).toBe('"httpd -f -p 80 -h /srv/web"');
  });
});
