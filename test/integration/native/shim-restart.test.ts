// Restart policies under the shim (Docker's semantics) and the backoff between restarts:
// 100 ms doubling up to a cap, reset after a long enough run; an explicit stop ends restarts.
// Delays are asserted as the shim planned them (restarts[].delayMs) and, as lower bounds only,
// against the recorded restart times.
import { describe, expect, it } from 'vitest';
import type { ShimState } from './shim-harness.js';
import { isAlive, RUNC, shimRequest, waitState, useShimLab } from './shim-harness.js';

const lab = useShimLab('shim-restart', `tscompose-shimrestart-${process.pid}`);

async function supervise(script: string, shimArgs: string[]) {
  const c = await lab().container(['sh', '-c', script]);
  const r = lab().start(RUNC, c, shimArgs);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return c;
}

const final = (dir: string) => waitState(dir, 'the final state', (s) => !s.shimRunning, 30_000);

/** Consecutive restarts are at least the planned delay apart (each run takes time, too). */
function expectSpacing(s: ShimState): void {
  for (let i = 1; i < s.restarts.length; i++) {
    const gap = Date.parse(s.restarts[i]!.at) - Date.parse(s.restarts[i - 1]!.at);
    expect(gap).toBeGreaterThanOrEqual(s.restarts[i]!.delayMs);
  }
}

describe('restart policies', () => {
  it('no: a failing container is not restarted', async () => {
    const c = await supervise('exit 1', ['--restart', 'no']);
    expect(await final(c.stateDir)).toMatchObject({
      status: 'exited',
      exitCode: 1,
      restartCount: 0,
      restarts: [],
    });
  });

  it('on-failure:N restarts a failing container N times, with the default backoff', async () => {
    const c = await supervise('exit 2', ['--restart', 'on-failure:3']);
    const s = await final(c.stateDir);
    expect(s).toMatchObject({
      status: 'exited',
      exitCode: 2,
      restartCount: 3,
      restartPolicy: 'on-failure:3',
    });
    expect(s.restarts.map((r) => [r.delayMs, r.exitCode])).toEqual([
      [100, 2],
      [200, 2],
      [400, 2],
    ]);
    expectSpacing(s);
  });

  it('on-failure does not restart a container that succeeded', async () => {
    const c = await supervise('exit 0', ['--restart', 'on-failure']);
    expect(await final(c.stateDir)).toMatchObject({ exitCode: 0, restartCount: 0 });
  });

  it.each(['always', 'unless-stopped'])(
    '%s restarts whatever the exit code, until an explicit stop',
    async (policy) => {
      const c = await supervise('sleep 0.05; exit 0', ['--restart', policy]);
      await waitState(c.stateDir, '3 restarts', (s) => s.restartCount >= 3);
      const stopped = JSON.parse(await shimRequest(c.stateDir, 'stop 5s')) as ShimState;
      expect(stopped).toMatchObject({ status: 'exited', stopRequested: true, shimRunning: false });
      expect(stopped.restarts.slice(0, 3).map((r) => r.delayMs)).toEqual([100, 200, 400]);
      expectSpacing(stopped);
      await waitState(c.stateDir, 'the shim to end', (s) => !isAlive(s.shimPid));
      expect(await final(c.stateDir)).toMatchObject({ restartCount: stopped.restartCount });
    },
  );

  it('a stop during the backoff wait cancels the restart', async () => {
    const c = await supervise('exit 9', [
      '--restart',
      'always',
      '--backoff-initial',
      '1h',
      '--backoff-max',
      '1h',
    ]);
    const waiting = await waitState(c.stateDir, 'the restart wait', (s) => s.status === 'restarting');
    expect(waiting.nextRestartAt).not.toBeNull();
    const s = JSON.parse(await shimRequest(c.stateDir, 'stop')) as ShimState;
    expect(s).toMatchObject({
      status: 'exited',
      exitCode: 9,
      restartCount: 0,
      stopRequested: true,
      nextRestartAt: null,
    });
  });

  it('the delay doubles up to its cap', async () => {
    const c = await supervise('exit 1', [
      '--restart',
      'on-failure:5',
      '--backoff-initial',
      '50ms',
      '--backoff-max',
      '200ms',
    ]);
    const s = await final(c.stateDir);
    expect(s.restarts.map((r) => r.delayMs)).toEqual([50, 100, 200, 200, 200]);
    expectSpacing(s);
  });

  it('a run longer than the reset time starts the delay over', async () => {
    const c = await supervise('sleep 0.4; exit 1', [
      '--restart',
      'on-failure:3',
      '--backoff-initial',
      '50ms',
      '--backoff-reset',
      '300ms',
    ]);
    const s = await final(c.stateDir);
    expect(s.restarts.map((r) => r.delayMs)).toEqual([50, 50, 50]);
  });

  it('each restart runs the same bundle again, with a new process', async () => {
    const c = await supervise('echo run >> /tmp/runs; [ $(wc -l < /tmp/runs) -ge 3 ] && exit 0; exit 1', [
      '--restart',
      'on-failure',
      '--backoff-initial',
      '10ms',
    ]);
    expect(await final(c.stateDir)).toMatchObject({ exitCode: 0, restartCount: 2 });
  });
});
