import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EngineError } from '../errors.js';
import { RuntimeError, nativeErrorMessage, type ShimArgs } from '../runtime.js';
import type { ContainerContext } from './container-context.js';
import { ensureNetworks } from './container-network.js';
import type { ContainerRecord } from './container-record.js';
import { runStateOf, type RunState } from './container-observe.js';
import { killNow, runtimeHasContainer } from './container-teardown.js';
import { ensureInitLayer } from './init-layer.js';
import { mountRootfs } from './rootfs.js';
import { shimCommand, shimRequest } from './shim-client.js';
import { readShimSnapshot, readShimState } from './shim-state.js';
import { normalizeSignal } from './signals.js';

/** Docker's size notation (`10m`, `1g`, `512k`, plain bytes) → bytes. */
export function parseLogSize(value: string): number {
  const m = /^([0-9]+)([kmg]?)b?$/i.exec(value.trim());
  if (!m)
    throw new EngineError(
      'CONTAINER_LOGGING_INVALID',
      `log max-size "${value}": expected a size such as 10m`,
    );
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

/** The shim's command line for a container (log, terminal, restart policy, stop, health). */
export function shimArgsFor(ctx: ContainerContext, r: ContainerRecord): ShimArgs {
  const p = ctx.store.pathsOf(r.id);
  const cfg = r.config!;
  const logging = r.spec.logging;
  const driver = logging?.driver ?? 'json-file';
  const opts = logging?.options ?? {};
  const maxSize = opts['max-size']
    ? parseLogSize(opts['max-size'])
    : driver === 'local'
      ? 20 * 1024 * 1024
      : undefined;
  const maxFiles = opts['max-file'] ? Number(opts['max-file']) : driver === 'local' ? 5 : undefined;
  const policy = cfg.restartPolicy;
  const restart =
    policy.name === 'on-failure' && policy.maxRetries ? `on-failure:${policy.maxRetries}` : policy.name;
  return {
    runtimeRoot: ctx.runtimeRoot,
    bundle: p.bundle,
    id: r.id,
    stateDir: p.shim,
    ...(driver !== 'none' ? { logPath: p.log } : {}),
    ...(maxSize !== undefined ? { logMaxSize: maxSize } : {}),
    ...(maxFiles !== undefined && Number.isInteger(maxFiles) && maxFiles > 0
      ? { logMaxFiles: maxFiles }
      : {}),
    terminal: cfg.tty,
    stdin: cfg.openStdin,
    restart,
    ...(ctx.backoff?.initialMs !== undefined ? { backoffInitialMs: ctx.backoff.initialMs } : {}),
    ...(ctx.backoff?.maxMs !== undefined ? { backoffMaxMs: ctx.backoff.maxMs } : {}),
    ...(ctx.backoff?.resetMs !== undefined ? { backoffResetMs: ctx.backoff.resetMs } : {}),
    stopSignal: cfg.stopSignal,
    stopTimeoutMs: cfg.stopTimeoutMs,
    ...(cfg.healthcheck
      ? {
          health: {
            command: cfg.healthcheck.command,
            intervalMs: cfg.healthcheck.intervalMs,
            timeoutMs: cfg.healthcheck.timeoutMs,
            retries: cfg.healthcheck.retries,
            startPeriodMs: cfg.healthcheck.startPeriodMs,
            startIntervalMs: cfg.healthcheck.startIntervalMs,
          },
        }
      : {}),
  };
}

/** The container's run state now (shim state file + liveness). */
export async function currentRunState(ctx: ContainerContext, r: ContainerRecord): Promise<RunState> {
  const { state, alive } = await readShimSnapshot(ctx.store.pathsOf(r.id).shim);
  return runStateOf(r, state, alive);
}

function requireReady(r: ContainerRecord, op: string): void {
  if (r.phase !== 'ready') {
    throw new EngineError(
      'CONTAINER_STATE_INVALID',
      `container ${r.name}: cannot ${op}: it is ${r.phase === 'creating' ? 'being created (or its creation was interrupted)' : 'being removed'}`,
      'run the command again once the other command ended; an interrupted one is repaired by the next command',
    );
  }
}

/**
 * What a start needs on the host, also after a reboot: the rootfs overlay mounted, the engine's
 * netns with its endpoints, volumes with driver options mounted.
 */
async function ensureHostState(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<void> {
  const p = ctx.store.pathsOf(r.id);
  const layers = r.image.topChainId ? await ctx.snapshots.lowerDirs(r.image.topChainId) : [];
  await mountRootfs(p, layers, await ensureInitLayer(ctx.store.dir), signal);
  await ensureNetworks(ctx, r, signal);
  for (const m of r.mounts)
    if (m.type === 'volume' && m.volumeName) await ctx.volumes.mountSource(m.volumeName, { signal });
}

/**
 * Starts a created or exited container under a new shim (a running one is left as it is). The
 * shim creates and starts it through the runtime and returns once it runs; a failure is
 * CONTAINER_START_FAILED with the runtime's reason (`executable file not found`, …).
 */
export async function startContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<ContainerRecord> {
  requireReady(r, 'start');
  const run = await currentRunState(ctx, r);
  if (run.shimAlive && run.state !== 'exited') {
    if (run.state === 'paused') {
      throw new EngineError(
        'CONTAINER_PAUSED',
        `container ${r.name} is paused`,
        `unpause it: tscompose container unpause ${r.name}`,
      );
    }
    return r;
  }
  if (run.state === 'running') {
    // Alive without its supervisor: stop what is left, then start under a new shim.
    await killNow(ctx, r, signal);
  }
  await ensureHostState(ctx, r, signal);
  if (await runtimeHasContainer(ctx, r.id)) {
    await ctx.runtime.runtimeVerb(ctx.runtimeRoot, ['delete', '--force', r.id], { signal });
  }
  const p = ctx.store.pathsOf(r.id);
  await mkdir(dirname(p.shim), { recursive: true, mode: 0o700 });
  try {
    await ctx.runtime.startShim(shimArgsFor(ctx, r), { signal });
  } catch (err) {
    if (!(err instanceof RuntimeError)) throw err;
    const reason = (await readShimState(p.shim))?.error ?? nativeErrorMessage(err.stderrTail) ?? err.message;
    throw new EngineError(
      'CONTAINER_START_FAILED',
      `container ${r.name}: start failed: ${cleanReason(reason)}`,
      undefined,
      { cause: err },
    );
  }
  const next: ContainerRecord = { ...r, manuallyStopped: false, paused: false };
  await ctx.store.write(next);
  return next;
}

/** The runtime's own message out of the shim's wrapping (`… create failed (exit status 1): create `id`: exec: …`). */
export function cleanReason(reason: string): string {
  const m = /: create `[^`]+`: (.*?)(?:: \{"level".*)?$/.exec(reason);
  return m ? m[1]! : reason;
}

/**
 * Stops a container: the stop signal, SIGKILL after `timeoutMs` (the spec's grace period by
 * default), restarts off. Returns once it has exited. Records the explicit stop
 * (`manuallyStopped`), as Docker's restart policy needs.
 */
export async function stopContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  o: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<ContainerRecord> {
  requireReady(r, 'stop');
  const p = ctx.store.pathsOf(r.id);
  const run = await currentRunState(ctx, r);
  if (r.paused && (await runtimeHasContainer(ctx, r.id))) {
    await ctx.runtime
      .runtimeVerb(ctx.runtimeRoot, ['resume', r.id], { signal: o.signal })
      .catch(() => undefined);
  }
  if (run.shimAlive) {
    const timeout = Math.max(0, Math.round(o.timeoutMs ?? r.config?.stopTimeoutMs ?? 10_000));
    await shimRequest(p.shim, `stop ${timeout}`, o.signal);
  } else if (run.state === 'running' || (await runtimeHasContainer(ctx, r.id))) {
    await killNow(ctx, r, o.signal);
  }
  const next: ContainerRecord = { ...r, manuallyStopped: true, paused: false };
  await ctx.store.write(next);
  return next;
}

/**
 * Sends a signal (default SIGKILL). SIGKILL is a stop without grace (restarts off, returns once
 * the container exited); another signal is delivered to the init and restarts stay on. Either way
 * the container counts as manually stopped should it exit.
 */
export async function killContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  o: { readonly signal?: string; readonly abort?: AbortSignal } = {},
): Promise<ContainerRecord> {
  requireReady(r, 'kill');
  const sig = normalizeSignal(o.signal ?? 'SIGKILL');
  const run = await currentRunState(ctx, r);
  if (run.state !== 'running' && run.state !== 'paused' && run.state !== 'restarting') {
    throw new EngineError('CONTAINER_NOT_RUNNING', `container ${r.name} is not running`, 'nothing to kill');
  }
  if (sig === 'SIGKILL')
    return stopContainer(ctx, r, { timeoutMs: 0, ...(o.abort ? { signal: o.abort } : {}) });
  if (run.shimAlive) await shimCommand(ctx.store.pathsOf(r.id).shim, `kill ${sig}`, o.abort);
  else await ctx.runtime.runtimeVerb(ctx.runtimeRoot, ['kill', r.id, sig], { signal: o.abort });
  const next: ContainerRecord = { ...r, manuallyStopped: true };
  await ctx.store.write(next);
  return next;
}

/** Freezes (`pause`) or thaws (`resume`) every process of the container (the runtime's freezer). */
export async function setPaused(
  ctx: ContainerContext,
  r: ContainerRecord,
  paused: boolean,
  signal?: AbortSignal,
): Promise<ContainerRecord> {
  requireReady(r, paused ? 'pause' : 'unpause');
  const run = await currentRunState(ctx, r);
  if (paused && run.state !== 'running') {
    throw new EngineError(
      'CONTAINER_NOT_RUNNING',
      `container ${r.name} is not running`,
      'only a running container can be paused',
    );
  }
  if (!paused && run.state !== 'paused') {
    throw new EngineError('CONTAINER_NOT_PAUSED', `container ${r.name} is not paused`);
  }
  await ctx.runtime.runtimeVerb(ctx.runtimeRoot, [paused ? 'pause' : 'resume', r.id], { signal });
  const next: ContainerRecord = { ...r, paused };
  await ctx.store.write(next);
  return next;
}
