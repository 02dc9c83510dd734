import type { ContainerInfo } from '../engine/container/types.js';
import { ExitCode } from '../common/exit-codes.js';
import { LABEL } from '../planner/labels.js';
import { isLive } from '../reconciler/actions/index.js';
import { executePlan } from '../reconciler/executor.js';
import { stopPlan } from '../reconciler/lifecycle-plans.js';
import { abortableSleep } from '../reconciler/poll-until.js';
import type { CommandEnv } from './command-runner.js';
import { countInterrupts } from './interrupts.js';
import { printLogs } from './log-printer.js';
import type { ProjectSession } from './project-session.js';
import type { UpFlags } from './up.js';

/** Between looks at the containers' states while attached. */
const POLL_MS = 300;

type Outcome =
  | { readonly kind: 'all-exited' }
  | { readonly kind: 'abort'; readonly container: ContainerInfo }
  | { readonly kind: 'interrupt' };

/**
 * Attached `up`: streams the logs of the attached services' containers, prefixed, and watches
 * the containers until every one has exited (exit 0), one exits with `--abort-on-container-exit`
 * (any exit) or `--abort-on-container-failure` (non-zero), or the user interrupts. Then the stack
 * is stopped (dependents first); a second Ctrl-C kills instead. Exit code: that of the
 * `--exit-code-from` service's container, else of the container that caused the abort, 130 after
 * an interrupt, 0 otherwise.
 */
export async function runAttached(
  env: CommandEnv,
  session: ProjectSession,
  services: readonly string[],
  flags: UpFlags,
  stopTimeoutMs: number | undefined,
): Promise<number> {
  const { project, port } = session;
  const active = services.length > 0 ? [...services] : Object.keys(project.services).sort();
  const monitored = flags.deps ? [...new Set([...active, ...Object.keys(project.services)])] : active;
  const attachable = (flags.attach ?? active).filter(
    (s) => !(flags.noAttach ?? []).includes(s) && project.services[s]?.attach !== false,
  );
  const logs = new AbortController();
  const stopRequested = new AbortController();
  const kill = new AbortController();
  let interrupts = 0;
  const restore = countInterrupts(env.ctx, (count) => {
    interrupts = count;
    if (count === 1) env.ctx.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
    stopRequested.abort();
    if (count >= 2) kill.abort();
    if (count >= 3) process.exit(ExitCode.interrupted);
  });
  try {
    const attached = await session.containers(attachable);
    const logsDone = printLogs(port, attached, project.name, {
      out: env.ctx.stdout,
      follow: true,
      prefix: flags.logPrefix,
      timestamps: flags.timestamps === true,
      color: flags.color && env.ctx.stdout.isTTY === true,
      signal: logs.signal,
    }).catch((err: unknown) => env.ctx.stderr.write(`warning: logs: ${(err as Error).message}\n`));

    const outcome = await watchContainers(session, monitored, flags, stopRequested.signal);
    // Let the last lines of exited containers through before ending the streams.
    await Promise.race([logsDone, abortableSleep(500, undefined)]);
    logs.abort();
    await logsDone;

    if (outcome.kind !== 'all-exited') await stopStack(env, session, monitored, stopTimeoutMs, kill.signal);
    if (flags.exitCodeFrom !== undefined) {
      const [c] = await session.containers([flags.exitCodeFrom]);
      if (c && !isLive(c)) return c.exitCode ?? 0;
    }
    if (outcome.kind === 'interrupt') return ExitCode.interrupted;
    if (outcome.kind === 'abort') {
      env.ctx.stderr.write(`${outcome.container.name} exited with code ${outcome.container.exitCode ?? 0}\n`);
      return outcome.container.exitCode ?? 0;
    }
    return interrupts > 0 ? ExitCode.interrupted : 0;
  } finally {
    logs.abort();
    restore();
  }
}

async function watchContainers(
  session: ProjectSession,
  services: readonly string[],
  flags: UpFlags,
  stop: AbortSignal,
): Promise<Outcome> {
  const abortOn = (c: ContainerInfo): boolean => {
    if (c.state !== 'exited' && c.state !== 'dead') return false;
    if (flags.exitCodeFrom !== undefined)
      return c.labels[LABEL.service] === flags.exitCodeFrom || flags.abortOnContainerExit === true;
    if (flags.abortOnContainerExit) return true;
    if (flags.abortOnContainerFailure) return c.exitCode !== 0;
    return false;
  };
  for (;;) {
    if (stop.aborted) return { kind: 'interrupt' };
    const containers = await session.containers(services);
    const trigger = containers.find(abortOn);
    if (trigger) return { kind: 'abort', container: trigger };
    if (containers.every((c) => !isLive(c) && c.state !== 'created')) return { kind: 'all-exited' };
    await abortableSleep(POLL_MS, stop).catch(() => undefined);
  }
}

/** Stops the stack dependents first; the `kill` signal (second Ctrl-C) switches to SIGKILL. */
async function stopStack(
  env: CommandEnv,
  session: ProjectSession,
  services: readonly string[],
  stopTimeoutMs: number | undefined,
  kill: AbortSignal,
): Promise<void> {
  const containers = await session.containers(services);
  const plan = stopPlan(session.project, containers);
  const { PlanProgress } = await import('./plan-progress.js');
  const progress = new PlanProgress(env);
  const finish = await progress.onExecute(plan);
  try {
    await executePlan(plan, {
      port: session.port,
      signal: kill,
      progress,
      parallel: env.globals.parallel,
      ...(stopTimeoutMs !== undefined ? { stopTimeoutMs } : {}),
    });
  } catch (err) {
    if (!kill.aborted) throw err;
    for (const c of await session.containers(services)) {
      if (isLive(c)) await session.port.killContainer(c.id, { killSignal: 'SIGKILL' });
    }
  } finally {
    await finish();
  }
}
