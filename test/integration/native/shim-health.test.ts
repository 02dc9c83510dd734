// Healthchecks under the shim: probes run with `<runtime> exec` inside the container; status
// starting → healthy → unhealthy with Docker's rules (start period, start interval, retries,
// timeout), the last results with their output in the state file. The test flips the probe's
// outcome through a file in the bundle's rootfs, which the container sees as /tmp/healthy.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNC, runtimeCmd, waitState, useShimLab } from './shim-harness.js';

const lab = useShimLab('shim-health', `tscompose-shimhealth-${process.pid}`);

const PROBE = [
  'sh',
  '-c',
  'echo "probe says $(cat /tmp/healthy 2>/dev/null || echo no)"; test -e /tmp/healthy',
];

describe('shim healthcheck', () => {
  it('goes starting → healthy → unhealthy, failures in the start period not counted', async () => {
    const c = await lab().container(['sleep', '1000']);
    const r = lab().start(RUNC, c, [
      '--health-interval',
      '150ms',
      '--health-start-period',
      '1h',
      '--health-start-interval',
      '100ms',
      '--health-retries',
      '2',
      '--health-timeout',
      '10s',
      '--',
      ...PROBE,
    ]);
    expect(r.code).toBe(0);
    // failing probes inside the start period: still starting, no streak
    const starting = await waitState(
      c.stateDir,
      'two failed probes',
      (s) => (s.health?.log.length ?? 0) >= 2,
    );
    expect(starting.health).toMatchObject({ status: 'starting', failingStreak: 0 });
    expect(starting.health?.log[0]).toMatchObject({ exitCode: 1, output: 'probe says no\n' });

    writeFileSync(join(c.rootfs, 'tmp', 'healthy'), 'yes');
    const healthy = await waitState(c.stateDir, 'healthy', (s) => s.health?.status === 'healthy');
    expect(healthy.health?.log.at(-1)).toMatchObject({ exitCode: 0, output: 'probe says yes\n' });
    expect(healthy.health?.failingStreak).toBe(0);

    // once healthy, failures count even inside the start period; 2 make it unhealthy
    rmSync(join(c.rootfs, 'tmp', 'healthy'));
    const sick = await waitState(c.stateDir, 'unhealthy', (s) => s.health?.status === 'unhealthy');
    expect(sick.health?.failingStreak).toBeGreaterThanOrEqual(2);
    expect(sick.health?.log.slice(-2).map((l) => l.exitCode)).toEqual([1, 1]);
    expect(sick.health?.log.length).toBeLessThanOrEqual(5); // Docker keeps the last 5
    for (const l of sick.health!.log) expect(Date.parse(l.end)).toBeGreaterThanOrEqual(Date.parse(l.start));

    writeFileSync(join(c.rootfs, 'tmp', 'healthy'), 'again');
    await waitState(c.stateDir, 'healthy again', (s) => s.health?.status === 'healthy');
  });

  it('uses the start interval only while starting in the start period', async () => {
    // With the 1 h interval, three results within the wait can only come from the start interval.
    const c = await lab().container(['sleep', '1000']);
    const args = [
      '--health-interval',
      '1h',
      '--health-start-period',
      '1h',
      '--health-start-interval',
      '50ms',
    ];
    lab().run(RUNC, c, [...args, '--', ...PROBE]);
    const s = await waitState(c.stateDir, 'three probes', (st) => (st.health?.log.length ?? 0) >= 3);
    expect(s.health?.status).toBe('starting');
  });

  it('kills a probe that exceeds its timeout (inside the container too) and counts a failure', async () => {
    const c = await lab().container(['sleep', '1000']);
    const args = ['--health-interval', '100ms', '--health-timeout', '300ms', '--health-retries', '1'];
    lab().run(RUNC, c, [...args, '--', 'sleep', '77']);
    const s = await waitState(c.stateDir, 'unhealthy', (st) => st.health?.status === 'unhealthy');
    expect(s.health?.log[0]).toMatchObject({ exitCode: -1, output: 'Health check exceeded timeout (300ms)' });
    // Probes keep coming every 100 ms, but a timed-out one leaves nothing behind: once three
    // have timed out, the container holds at most the one probe in flight.
    await waitState(c.stateDir, 'three timeouts', (st) => (st.health?.log.length ?? 0) >= 3);
    const ps = runtimeCmd(RUNC, lab().runtimeRoot(RUNC), ['ps', c.id]);
    expect(ps.code).toBe(0);
    expect(ps.out.split('\n').filter((l) => l.includes('sleep 77')).length).toBeLessThanOrEqual(1);
  });

  it('keeps at most the configured number of results, with output cut at 4096 bytes', async () => {
    const c = await lab().container(['sleep', '1000']);
    const args = ['--health-interval', '50ms', '--health-log-max', '2'];
    lab().run(RUNC, c, [...args, '--', 'sh', '-c', 'head -c 10000 /dev/zero | tr "\\0" a']);
    const s = await waitState(
      c.stateDir,
      'healthy with 2+ probes',
      (st) => (st.health?.log.length ?? 0) === 2,
    );
    expect(s.health?.status).toBe('healthy');
    expect(s.health?.log[0]?.output).toBe('a'.repeat(4096));
  });

  it('starts over at starting when the container restarts', async () => {
    const c = await lab().container(['sh', '-c', 'sleep 1; exit 1']);
    const args = ['--restart', 'on-failure:1', '--health-interval', '100ms', '--'];
    lab().run(RUNC, c, [...args, 'true']);
    await waitState(c.stateDir, 'healthy', (s) => s.health?.status === 'healthy' && s.restartCount === 0);
    const restarted = await waitState(
      c.stateDir,
      'the restart',
      (s) => s.restartCount === 1 && s.status === 'running',
    );
    expect(restarted.health?.status).toBe('starting');
  });
});
