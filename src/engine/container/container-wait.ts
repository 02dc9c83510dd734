import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../errors.js';
import type { ContainerContext } from './container-context.js';
import { currentRunState } from './container-lifecycle.js';
import type { RunState } from './container-observe.js';
import { UNKNOWN_EXIT } from './container-observe.js';
import type { ContainerRecord } from './container-record.js';
import { shimAttach } from './shim-client.js';
import type { HealthStatus } from './types.js';

const POLL_MS = 100;

function isRunning(run: RunState): boolean {
  return run.state === 'running' || run.state === 'paused' || run.state === 'restarting';
}

/**
 * Waits until the container's program exits and returns its exit code (128+N after signal N,
 * 137 after an OOM kill). A container that is not running returns its last code at once (0 if it
 * never ran). With a live shim the wait is an `attach` whose last frame is the exit state — no
 * polling; a container whose shim died is polled through /proc.
 */
export async function waitForExit(
  ctx: ContainerContext,
  r: ContainerRecord,
  o: { readonly signal?: AbortSignal } = {},
): Promise<number> {
  for (;;) {
    o.signal?.throwIfAborted();
    const run = await currentRunState(ctx, r);
    if (!isRunning(run)) return run.exitCode ?? 0;
    if (run.shimAlive) {
      let session;
      try {
        session = await shimAttach(ctx.store.pathsOf(r.id).shim, o.signal ? { signal: o.signal } : {});
      } catch {
        await sleep(POLL_MS, undefined, { signal: o.signal });
        continue;
      }
      const onAbort = (): void => void session.socket.destroy();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const state = await session.exited;
        if (state && state.exitCode !== null) return state.exitCode;
      } finally {
        o.signal?.removeEventListener('abort', onAbort);
        session.socket.destroy();
      }
      o.signal?.throwIfAborted();
      continue;
    }
    if (run.state !== 'running') return run.exitCode ?? UNKNOWN_EXIT;
    await sleep(POLL_MS, undefined, { signal: o.signal });
  }
}

/**
 * Waits until the healthcheck has a verdict: resolves `healthy`; rejects with
 * CONTAINER_UNHEALTHY, or CONTAINER_EXITED when the container stops first (Compose's
 * `service_healthy` fails the same ways). A container without healthcheck is HEALTHCHECK_MISSING.
 */
export async function waitForHealthy(
  ctx: ContainerContext,
  r: ContainerRecord,
  o: { readonly signal?: AbortSignal } = {},
): Promise<Exclude<HealthStatus, 'none' | 'starting' | 'unhealthy'>> {
  if (!r.config?.healthcheck) {
    throw new EngineError(
      'CONTAINER_HEALTHCHECK_MISSING',
      `container ${r.name} has no healthcheck`,
      'add one, or wait for it to start instead',
    );
  }
  for (;;) {
    o.signal?.throwIfAborted();
    const run = await currentRunState(ctx, r);
    const status = run.health?.status;
    if (status === 'healthy') return 'healthy';
    if (status === 'unhealthy') {
      const last = run.health?.log[run.health.log.length - 1];
      throw new EngineError(
        'CONTAINER_UNHEALTHY',
        `container ${r.name} is unhealthy${last ? ` (last check exited ${last.exitCode}: ${last.output.trim().slice(0, 200)})` : ''}`,
      );
    }
    if (!isRunning(run) && run.state !== 'created') {
      throw new EngineError(
        'CONTAINER_EXITED',
        `container ${r.name} exited (code ${run.exitCode ?? UNKNOWN_EXIT}) before it became healthy`,
      );
    }
    await sleep(POLL_MS, undefined, { signal: o.signal });
  }
}
