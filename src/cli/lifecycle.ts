import type { Command } from 'commander';
import type { ContainerInfo } from '../engine/container/types.js';
import type { Plan } from '../planner/types.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { secondsFlag } from './compose-flags.js';
import type { ProjectSession } from './project-session.js';

/**
 * The commands that act on the project's existing containers: `start`, `stop`, `restart`,
 * `kill`, `rm`, `pause`, `unpause`. Each takes the project lock; start/stop/restart run through
 * the reconciler's executor (dependency order, `--parallel`, waits on depends_on conditions).
 * Intent is recorded for the watch loop: `stop` (and `kill` with a terminating signal) mark the
 * containers `stopped` — drift repair leaves them alone — and `start`/`restart` mark them
 * `running` again.
 */
export function registerLifecycleCommands(program: Command, runner: CommandRunner): void {
  program
    .command('start')
    .description('Start existing containers')
    .argument('[services...]', 'only these services')
    .option('--wait', 'wait until they run (healthy where they have a healthcheck)')
    .option('--wait-timeout <seconds>', 'give up waiting after this many seconds')
    .action(
      runner.action((env: CommandEnv, services: string[], f: { wait?: boolean; waitTimeout?: string }) =>
        runStart(env, services, f),
      ),
    );
  program
    .command('stop')
    .description('Stop running containers (dependents first)')
    .argument('[services...]', 'only these services')
    .option('-t, --timeout <seconds>', 'seconds to wait before killing')
    .action(
      runner.action((env: CommandEnv, services: string[], f: { timeout?: string }) =>
        runStop(env, services, f),
      ),
    );
  program
    .command('restart')
    .description('Restart containers (and the services depending on them)')
    .argument('[services...]', 'only these services')
    .option('-t, --timeout <seconds>', 'seconds to wait before killing')
    .option('--no-deps', "don't restart dependent services")
    .action(
      runner.action((env: CommandEnv, services: string[], f: { timeout?: string; deps: boolean }) =>
        runRestart(env, services, f),
      ),
    );
  program
    .command('kill')
    .description('Send a signal to the containers (default SIGKILL)')
    .argument('[services...]', 'only these services')
    .option('-s, --signal <signal>', 'signal to send', 'SIGKILL')
    .option('--remove-orphans', 'also remove containers of services not in the stack')
    .action(
      runner.action((env: CommandEnv, services: string[], f: { signal: string; removeOrphans?: boolean }) =>
        runKill(env, services, f),
      ),
    );
  program
    .command('rm')
    .description('Remove stopped containers')
    .argument('[services...]', 'only these services')
    .option('-f, --force', "don't ask (accepted: tscompose never asks)")
    .option('-s, --stop', 'stop the containers first if needed')
    .option('-v, --volumes', 'remove their anonymous volumes')
    .action(
      runner.action((env: CommandEnv, services: string[], f: { stop?: boolean; volumes?: boolean }) =>
        runRm(env, services, f),
      ),
    );
  for (const [name, verb] of [
    ['pause', 'Pause'],
    ['unpause', 'Unpause'],
  ] as const) {
    program
      .command(name)
      .description(`${verb} the containers of services`)
      .argument('[services...]', 'only these services')
      .action(runner.action((env: CommandEnv, services: string[]) => runPause(env, services, name)));
  }
}

/** Runs `fn` in a project session under the project lock. */
async function mutating<T>(
  env: CommandEnv,
  command: string,
  fn: (session: ProjectSession) => Promise<T>,
): Promise<T> {
  const { withProjectSession } = await import('./project-session.js');
  return withProjectSession(env, { allowMissingFile: true }, (session) =>
    session.mutate(command, () => fn(session)),
  );
}

async function execute(
  env: CommandEnv,
  session: ProjectSession,
  plan: Plan,
  stopTimeoutMs?: number,
): Promise<void> {
  const [{ executePlan }, { PlanProgress }] = await Promise.all([
    import('../reconciler/executor.js'),
    import('./plan-progress.js'),
  ]);
  const progress = new PlanProgress(env);
  const finish = await progress.onExecute(plan);
  try {
    await executePlan(plan, {
      port: session.port,
      signal: env.ctx.signal,
      progress,
      parallel: env.globals.parallel,
      ...(stopTimeoutMs !== undefined ? { stopTimeoutMs } : {}),
      onWarning: (w) => env.ctx.stderr.write(`warning: ${w}\n`),
    });
  } finally {
    await finish();
  }
}

async function markIntent(
  session: ProjectSession,
  containers: readonly ContainerInfo[],
  state: 'running' | 'stopped',
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(
    containers
      .filter((c) => c.desiredState !== state)
      .map((c) => session.port.setDesiredState(c.id, state, { signal })),
  );
}

async function runStart(
  env: CommandEnv,
  services: string[],
  f: { wait?: boolean; waitTimeout?: string },
): Promise<number> {
  const waitTimeoutMs = secondsFlag(f.waitTimeout, '--wait-timeout');
  const [{ startPlan }, { LABEL }] = await Promise.all([
    import('../reconciler/lifecycle-plans.js'),
    import('../planner/labels.js'),
  ]);
  await mutating(env, 'start', async (session) => {
    const scope = session.scope(services);
    const containers = await session.containers(scope);
    await markIntent(session, containers, 'running', env.ctx.signal);
    await execute(env, session, startPlan(session.project, containers));
    if (f.wait) {
      const { waitForStack } = await import('../reconciler/stack-wait.js');
      const jobs = new Set(
        Object.values(session.project.services).flatMap((s) =>
          Object.entries(s.depends_on ?? {})
            .filter(([, d]) => d.condition === 'service_completed_successfully')
            .map(([on]) => on),
        ),
      );
      const withContainers = new Set(containers.map((c) => c.labels[LABEL.service] ?? ''));
      await waitForStack(
        scope
          .filter((s) => withContainers.has(s))
          .map((service) => ({ service, expectExit: jobs.has(service) })),
        {
          port: session.port,
          project: session.project.name,
          signal: env.ctx.signal,
          ...(waitTimeoutMs !== undefined ? { timeoutMs: waitTimeoutMs } : {}),
        },
      );
    }
  });
  return 0;
}

async function runStop(env: CommandEnv, services: string[], f: { timeout?: string }): Promise<number> {
  const stopTimeoutMs = secondsFlag(f.timeout, '--timeout');
  const { stopPlan } = await import('../reconciler/lifecycle-plans.js');
  await mutating(env, 'stop', async (session) => {
    const containers = await session.containers(session.scope(services));
    // Intent first: a watch loop that looks between two stops must not start them again.
    await markIntent(session, containers, 'stopped', env.ctx.signal);
    await execute(env, session, stopPlan(session.project, containers), stopTimeoutMs);
  });
  return 0;
}

async function runRestart(
  env: CommandEnv,
  services: string[],
  f: { timeout?: string; deps: boolean },
): Promise<number> {
  const stopTimeoutMs = secondsFlag(f.timeout, '--timeout');
  const { stopPlan, startPlan, dependentsOf } = await import('../reconciler/lifecycle-plans.js');
  await mutating(env, 'restart', async (session) => {
    const scope = session.scope(services);
    const affected = services.length > 0 && f.deps ? dependentsOf(session.project, scope) : scope;
    const containers = await session.containers(affected);
    await markIntent(session, containers, 'running', env.ctx.signal);
    await execute(env, session, stopPlan(session.project, containers), stopTimeoutMs);
    await execute(env, session, startPlan(session.project, await session.containers(affected)));
  });
  return 0;
}

/** Signals after which a container is meant to be down (intent `stopped`). */
const TERMINATING = new Set(['KILL', 'TERM', 'INT', 'QUIT', '9', '15', '2', '3']);

async function runKill(
  env: CommandEnv,
  services: string[],
  f: { signal: string; removeOrphans?: boolean },
): Promise<number> {
  const signalName = f.signal.toUpperCase().replace(/^SIG/, '');
  const [{ isLive }, { LABEL }] = await Promise.all([
    import('../reconciler/actions/index.js'),
    import('../planner/labels.js'),
  ]);
  await mutating(env, 'kill', async (session) => {
    const live = (await session.containers(session.scope(services))).filter(isLive);
    if (TERMINATING.has(signalName)) await markIntent(session, live, 'stopped', env.ctx.signal);
    await Promise.all(
      live.map(async (c) => {
        await session.port.killContainer(c.id, { killSignal: f.signal, signal: env.ctx.signal });
        env.ctx.stderr.write(` Container ${c.name}  Killed\n`);
      }),
    );
    if (f.removeOrphans) {
      const known = new Set([
        ...Object.keys(session.project.services),
        ...Object.keys(session.project.disabledServices),
      ]);
      const all = await session.port.listContainers({ project: session.project.name });
      for (const c of all.filter((x) => !known.has(x.labels[LABEL.service] ?? '') && known.size > 0)) {
        await session.port.removeContainer(c.id, { force: true, signal: env.ctx.signal });
        env.ctx.stderr.write(` Container ${c.name}  Removed\n`);
      }
    }
  });
  return 0;
}

async function runRm(
  env: CommandEnv,
  services: string[],
  f: { stop?: boolean; volumes?: boolean },
): Promise<number> {
  const { isLive } = await import('../reconciler/actions/index.js');
  const { stopPlan } = await import('../reconciler/lifecycle-plans.js');
  await mutating(env, 'rm', async (session) => {
    let containers = await session.containers(session.scope(services));
    if (f.stop) {
      await markIntent(session, containers, 'stopped', env.ctx.signal);
      await execute(env, session, stopPlan(session.project, containers));
      containers = await session.containers(session.scope(services));
    }
    const removable = containers.filter((c) => !isLive(c));
    if (removable.length === 0) {
      env.ctx.stderr.write('No stopped containers\n');
      return;
    }
    for (const c of removable) {
      await session.port.removeContainer(c.id, {
        removeAnonymousVolumes: f.volumes === true,
        signal: env.ctx.signal,
      });
      env.ctx.stderr.write(` Container ${c.name}  Removed\n`);
    }
  });
  return 0;
}

async function runPause(env: CommandEnv, services: string[], verb: 'pause' | 'unpause'): Promise<number> {
  await mutating(env, verb, async (session) => {
    const containers = await session.containers(session.scope(services));
    const targets = containers.filter((c) =>
      verb === 'pause' ? c.state === 'running' : c.state === 'paused',
    );
    await Promise.all(
      targets.map(async (c) => {
        if (verb === 'pause') await session.port.pauseContainer(c.id, { signal: env.ctx.signal });
        else await session.port.unpauseContainer(c.id, { signal: env.ctx.signal });
        env.ctx.stderr.write(` Container ${c.name}  ${verb === 'pause' ? 'Paused' : 'Unpaused'}\n`);
      }),
    );
  });
  return 0;
}
