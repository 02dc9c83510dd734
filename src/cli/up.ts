import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { Plan, PlanOptions } from '../planner/types.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { collect, parseScale, secondsFlag } from './compose-flags.js';

export interface UpFlags {
  detach?: boolean;
  wait?: boolean;
  waitTimeout?: string;
  pull?: 'always' | 'missing' | 'never';
  forceRecreate?: boolean;
  /** False with `--no-recreate`. */
  recreate: boolean;
  alwaysRecreateDeps?: boolean;
  /** False with `--no-deps`. */
  deps: boolean;
  /** False with `--no-start`. */
  start: boolean;
  removeOrphans?: boolean;
  renewAnonVolumes?: boolean;
  scale?: string[];
  timeout?: string;
  abortOnContainerExit?: boolean;
  abortOnContainerFailure?: boolean;
  exitCodeFrom?: string;
  attach?: string[];
  noAttach?: string[];
  timestamps?: boolean;
  /** False with `--no-log-prefix`. */
  logPrefix: boolean;
  /** False with `--no-color`. */
  color: boolean;
  dryRun?: boolean;
  yes?: boolean;
  watch?: boolean;
  quietPull?: boolean;
}

/**
 * `tscompose up [SERVICE...]`: converge the host to the stack (docs/reconciler.md): plan, pull,
 * plan again, apply with bounded parallelism and depends_on waits. `-d` returns then; `--wait`
 * first waits until everything runs (healthy where it has a healthcheck; one-shot jobs that exited
 * 0 count as done). Attached (no `-d`) it streams the containers' logs, prefixed, until they all
 * exit; Ctrl-C stops the stack, a second Ctrl-C kills it. `--watch` keeps converging when the stack
 * files change and repairs drift. `--dry-run` prints the plan and changes nothing.
 */
export function registerUp(program: Command, runner: CommandRunner): void {
  program
    .command('up')
    .description('Create and start containers (converge the host to the stack)')
    .argument('[services...]', 'only these services (and their dependencies)')
    .option('-d, --detach', 'run in the background: return once the stack is converged')
    .option('--wait', 'wait until services are running/healthy (implies -d)')
    .option('--wait-timeout <seconds>', 'give up waiting after this many seconds')
    .addOption(
      new Option('--pull <policy>', 'pull images before running').choices(['always', 'missing', 'never']),
    )
    .option('--force-recreate', 'recreate containers even if their configuration and image did not change')
    .option('--no-recreate', "don't recreate containers that exist")
    .option('--always-recreate-deps', 'recreate dependent containers (with --force-recreate semantics)')
    .option('--no-deps', "don't start linked services")
    .option('--no-start', "don't start the services after creating them")
    .option('--remove-orphans', 'remove containers of services not in the stack')
    .option(
      '-V, --renew-anon-volumes',
      'recreate anonymous volumes instead of reusing the old containers’ data',
    )
    .option('--scale <service=num>', 'scale a service to NUM replicas (repeatable)', collect)
    .option('-t, --timeout <seconds>', 'stop timeout when containers are replaced or stopped')
    .option('--abort-on-container-exit', 'stop every container if any container stops (attached)')
    .option(
      '--abort-on-container-failure',
      'stop every container if any container exits with an error (attached)',
    )
    .option(
      '--exit-code-from <service>',
      "exit with that service's container's exit code (implies --abort-on-container-exit)",
    )
    .option('--attach <service>', 'stream only these services’ logs (repeatable)', collect)
    .option('--no-attach <service>', "don't stream these services’ logs (repeatable)", collect)
    .option('--timestamps', 'show timestamps in attached logs')
    .option('--no-log-prefix', "don't prefix log lines with the container's name")
    .option('--no-color', 'monochrome output')
    .option('--dry-run', 'print the plan and change nothing')
    .option('-y, --yes', 'allow changes that lose data (a volume whose definition changed is recreated)')
    .option(
      '-w, --watch',
      'keep converging: apply edits of the stack files, repair drift, develop.watch rules',
    )
    .option('--quiet-pull', 'pull without progress')
    .action(
      runner.action((env: CommandEnv, services: string[], flags: UpFlags) => runUp(env, services, flags)),
    );
}

/** The planner's options for `up`'s flags. */
export function planOptionsOf(services: readonly string[], flags: UpFlags, env: CommandEnv): PlanOptions {
  const removeOrphans = flags.removeOrphans === true || isTruthy(env.ctx.env['COMPOSE_REMOVE_ORPHANS']);
  return {
    services,
    noDeps: !flags.deps,
    recreate: flags.forceRecreate ? 'force' : flags.recreate ? 'diverged' : 'never',
    alwaysRecreateDeps: flags.alwaysRecreateDeps === true,
    noStart: !flags.start,
    removeOrphans,
    renewAnonVolumes: flags.renewAnonVolumes === true,
    assumeYes: flags.yes === true,
    pull: flags.pull ?? 'policy',
    trigger: 'up',
  };
}

function isTruthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

function validate(flags: UpFlags): void {
  if (flags.forceRecreate && !flags.recreate)
    throw new UsageError('--force-recreate and --no-recreate exclude each other');
  const abort =
    flags.abortOnContainerExit || flags.abortOnContainerFailure || flags.exitCodeFrom !== undefined;
  if (abort && (flags.detach || flags.wait)) {
    throw new UsageError(
      '--abort-on-container-exit, --abort-on-container-failure and --exit-code-from need attached mode (no -d, no --wait)',
    );
  }
  if (flags.abortOnContainerExit && flags.abortOnContainerFailure) {
    throw new UsageError('--abort-on-container-exit and --abort-on-container-failure exclude each other');
  }
  if (flags.attach && flags.noAttach) throw new UsageError('--attach and --no-attach exclude each other');
  if (flags.watch && flags.dryRun) throw new UsageError('--watch and --dry-run exclude each other');
}

/** Prints the plan's warnings on stderr (COMPOSE_IGNORE_ORPHANS hides the orphan one). */
export function printWarnings(env: CommandEnv, plan: Plan): void {
  const ignoreOrphans = isTruthy(env.ctx.env['COMPOSE_IGNORE_ORPHANS']);
  for (const w of plan.warnings) {
    if (ignoreOrphans && w.includes('orphan')) continue;
    env.ctx.stderr.write(`warning: ${w}\n`);
  }
}

async function runUp(env: CommandEnv, services: string[], flags: UpFlags): Promise<number> {
  validate(flags);
  const scale = parseScale(flags.scale);
  const stopTimeoutMs = secondsFlag(flags.timeout, '--timeout');
  const waitTimeoutMs = secondsFlag(flags.waitTimeout, '--wait-timeout');
  const [{ openProjectSession }, { converge }, { PlanProgress }, { renderPlan }] = await Promise.all([
    import('./project-session.js'),
    import('../reconciler/converge.js'),
    import('./plan-progress.js'),
    import('../planner/render-plan.js'),
  ]);
  const session = await openProjectSession(env, { services });
  try {
    if (flags.exitCodeFrom !== undefined) session.scope([flags.exitCodeFrom]);
    const progress = new PlanProgress(env);
    const quietPull = flags.quietPull === true;
    const result = await session.mutate(flags.watch ? 'up --watch' : 'up', () =>
      converge(session.port, session.project, {
        signal: env.ctx.signal,
        parallel: env.globals.parallel,
        progress: quietPull
          ? { emit: (e) => (e.id.startsWith('layer:') ? undefined : progress.emit(e)) }
          : progress,
        ...(stopTimeoutMs !== undefined ? { stopTimeoutMs } : {}),
        ...(waitTimeoutMs !== undefined ? { waitTimeoutMs } : {}),
        ...(scale ? { scale } : {}),
        dryRun: flags.dryRun === true,
        plan: planOptionsOf(services, flags, env),
        onPlan: (plan) => {
          if (flags.dryRun) env.ctx.stdout.write(`${renderPlan(plan)}\n`);
          else printWarnings(env, plan);
        },
        onExecute: progress.onExecute,
        onWarning: (w) => env.ctx.stderr.write(`warning: ${w}\n`),
      }),
    );
    if (flags.dryRun) return 0;
    if (flags.wait) {
      const { waitForStack, readinessTargets } = await import('../reconciler/stack-wait.js');
      const targets = readinessTargets(
        result.desired,
        services.length > 0 && !flags.deps ? services : undefined,
      );
      await progress.during(
        targets.map((t) => ({ id: `service:${t.service}`, title: `Service ${t.service}` })),
        () =>
          waitForStack(targets, {
            port: session.port,
            project: session.project.name,
            signal: env.ctx.signal,
            progress,
            ...(waitTimeoutMs !== undefined ? { timeoutMs: waitTimeoutMs } : {}),
          }),
      );
    }
    if (flags.watch) {
      const { runWatchLoop } = await import('./watch.js');
      return await runWatchLoop(env, session, {
        services,
        plan: { ...planOptionsOf(services, flags, env), trigger: 'watch' },
        ...(scale ? { scale } : {}),
        attachLogs: !flags.detach && !flags.wait,
        stopOnExit: !flags.detach && !flags.wait,
        logFlags: flags,
        ...(stopTimeoutMs !== undefined ? { stopTimeoutMs } : {}),
      });
    }
    if (flags.detach || flags.wait || !flags.start) return 0;
    const { runAttached } = await import('./up-attached.js');
    return await runAttached(env, session, services, flags, stopTimeoutMs);
  } finally {
    session.close();
  }
}
