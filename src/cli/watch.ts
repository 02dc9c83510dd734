import type { Command } from 'commander';
import type { ContainerInfo } from '../engine/container/types.js';
import type { Plan, PlanOptions } from '../planner/types.js';
import type { Project } from '../spec/types.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import type { ProjectSession } from './project-session.js';
import type { UpFlags } from './up.js';

interface WatchFlags {
  /** False with `--no-up`. */
  up: boolean;
  quiet?: boolean;
  prune?: boolean;
}

export interface WatchLoopRequest {
  readonly services: readonly string[];
  readonly plan: PlanOptions;
  readonly scale?: Readonly<Record<string, number>>;
  /** Stream the containers' logs (`up --watch` without `-d`). */
  readonly attachLogs: boolean;
  readonly logFlags?: Pick<UpFlags, 'logPrefix' | 'timestamps' | 'color' | 'attach' | 'noAttach'>;
  readonly stopTimeoutMs?: number;
  /** Ctrl-C stops the stack (attached `up --watch`) instead of leaving it running. */
  readonly stopOnExit?: boolean;
  readonly quiet?: boolean;
}

/**
 * `tscompose watch [SERVICE...]`: converge once (unless `--no-up`), then keep the project
 * converged: stack files, `.env`, env files and config/secret files are watched and re-applied
 * (only the difference), drift is repaired, and `develop.watch` rules sync files into containers.
 * Runs in the foreground and leaves the stack running when interrupted.
 */
export function registerWatch(program: Command, runner: CommandRunner): void {
  program
    .command('watch')
    .description('Watch the stack and develop.watch paths; re-apply changes and repair drift')
    .argument('[services...]', 'only these services (and their dependencies)')
    .option('--no-up', "don't converge before watching")
    .option('--quiet', 'print only errors')
    .option('--prune', 'accepted for Compose compatibility (images are not built yet)')
    .action(
      runner.action((env: CommandEnv, services: string[], flags: WatchFlags) =>
        runWatch(env, services, flags),
      ),
    );
}

async function runWatch(env: CommandEnv, services: string[], flags: WatchFlags): Promise<number> {
  const [{ withProjectSession }, { converge }] = await Promise.all([
    import('./project-session.js'),
    import('../reconciler/converge.js'),
  ]);
  return withProjectSession(env, { services }, async (session) => {
    const plan: PlanOptions = { services, trigger: 'watch' };
    if (flags.up) {
      const { PlanProgress } = await import('./plan-progress.js');
      const { printWarnings } = await import('./up.js');
      const progress = new PlanProgress(env);
      await session.mutate('watch', () =>
        converge(session.port, session.project, {
          signal: env.ctx.signal,
          parallel: env.globals.parallel,
          progress,
          plan: { ...plan, trigger: 'up' },
          onPlan: (p) => printWarnings(env, p),
          onExecute: progress.onExecute,
        }),
      );
    }
    return runWatchLoop(env, session, { services, plan, attachLogs: false, quiet: flags.quiet === true });
  });
}

/**
 * The loop behind `up --watch` and `watch`: a ConvergeLoop whose passes take the project lock and
 * converge with trigger `watch` (a `tscompose stop` is kept), `develop.watch` rules, and — for
 * attached `up --watch` — the logs of every container the passes create. Returns the exit code
 * once interrupted.
 */
export async function runWatchLoop(
  env: CommandEnv,
  session: ProjectSession,
  req: WatchLoopRequest,
): Promise<number> {
  const [
    { ConvergeLoop, chokidarWatcher, startDevelopWatch },
    { converge },
    { renderPlan },
    { loadCliProject },
  ] = await Promise.all([
    import('../reconciler/watch/index.js'),
    import('../reconciler/converge.js'),
    import('../planner/render-plan.js'),
    import('./project-loader.js'),
  ]);
  const { countInterrupts } = await import('./interrupts.js');
  const say = (text: string): void => {
    if (!req.quiet) env.ctx.stderr.write(`watch: ${text}\n`);
  };
  const stop = new AbortController();
  const restore = countInterrupts(env.ctx, (count) => {
    if (count === 1) {
      env.ctx.stderr.write(
        req.stopOnExit ? 'Gracefully stopping... (press Ctrl+C again to force)\n' : 'watch: stopping\n',
      );
    }
    stop.abort();
    if (count >= 2) process.exit(130);
  });
  const plainEnv: CommandEnv = {
    ...env,
    globals: {
      ...env.globals,
      progress:
        env.globals.progress === 'json' || env.globals.progress === 'quiet' ? env.globals.progress : 'plain',
    },
  };
  const { PlanProgress } = await import('./plan-progress.js');
  const logs = req.attachLogs ? await followLogs(env, session, req, stop.signal) : undefined;
  let develop = await startDevelop(session.project);

  async function startDevelop(project: Project): Promise<() => Promise<void>> {
    return startDevelopWatch({
      port: session.port,
      project,
      signal: stop.signal,
      ...(req.services.length > 0 ? { services: req.services } : {}),
      events: {
        synced: (s, paths) => say(`${s}: synced ${paths.join(', ')}`),
        restarted: (s) => say(`${s}: restarted`),
        executed: (s, cmd, code) => say(`${s}: ran ${cmd.join(' ')} (exit ${code})`),
        failed: (s, err) => env.ctx.stderr.write(`watch: ${s}: ${(err as Error).message}\n`),
        skipped: (s, rule, reason) =>
          say(`${s}: develop.watch ${rule.action} ${rule.path} skipped: ${reason}`),
      },
    });
  }

  const apply = async (project: Project, trigger: { kind: 'files' | 'drift' }): Promise<Plan | undefined> => {
    const options = {
      signal: stop.signal,
      parallel: env.globals.parallel,
      ...(req.scale ? { scale: req.scale } : {}),
      ...(req.stopTimeoutMs !== undefined ? { stopTimeoutMs: req.stopTimeoutMs } : {}),
      // What the loop re-applies never re-pulls what is present (a stack with `pull_policy:
      // always` would otherwise pull at every check).
      plan: { ...req.plan, trigger: 'watch' as const, pull: 'missing' as const },
    };
    if (trigger.kind === 'drift') {
      const dry = await converge(session.port, project, { ...options, dryRun: true });
      if (dry.plan.actions.length === 0) return undefined;
    }
    const progress = new PlanProgress(plainEnv);
    const result = await session.mutate('up --watch', () =>
      converge(session.port, project, { ...options, progress, onExecute: progress.onExecute }),
    );
    return result.applied;
  };

  const loop = new ConvergeLoop(session.project, {
    signal: stop.signal,
    load: () => loadCliProject(env.globals, env.ctx, { services: [...req.services] }),
    apply,
    watch: chokidarWatcher,
    events: {
      ready: () =>
        say(
          `watching ${session.project.name} (Ctrl-C to ${req.stopOnExit ? 'stop the stack' : 'stop watching'})`,
        ),
      applied: (trigger, plan) => {
        const why =
          trigger.kind === 'drift'
            ? 'drift repaired'
            : `${trigger.paths.map((p) => relativeTo(session.project.workingDir, p)).join(', ')} changed`;
        say(`${why}; applied:\n${indent(renderPlan(plan))}`);
        refreshDevelop();
        void logs?.refresh();
      },
      unchanged: (paths) => {
        say(
          `${paths.map((p) => relativeTo(session.project.workingDir, p)).join(', ')} changed; nothing to apply`,
        );
        refreshDevelop();
      },
      invalid: (err, paths) => {
        const e = err as Error & { hint?: string };
        env.ctx.stderr.write(
          `watch: ${paths.map((p) => relativeTo(session.project.workingDir, p)).join(', ')} changed but the stack is invalid; nothing was changed\n` +
            `error: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`,
        );
      },
      failed: (trigger, err) => {
        const e = err as Error & { hint?: string };
        env.ctx.stderr.write(
          `watch: ${trigger.kind === 'drift' ? 'drift repair' : 'apply'} failed: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`,
        );
      },
    },
  });
  // develop.watch rules follow the stack: after a reload that changed it, the watchers restart
  // (one at a time: a chain, closed before the loop's end is reported).
  let current = session.project;
  let developChain: Promise<void> = Promise.resolve();
  const refreshDevelop = (): void => {
    if (loop.project === current) return;
    current = loop.project;
    const next = current;
    developChain = developChain
      .then(() => develop())
      .then(() => startDevelop(next))
      .then((d) => {
        develop = d;
      })
      .catch((err: unknown) => {
        env.ctx.stderr.write(`watch: develop.watch: ${(err as Error).message}\n`);
      });
  };
  try {
    await loop.run();
  } finally {
    await developChain;
    await develop();
    await logs?.close();
    restore();
  }
  if (req.stopOnExit) {
    const { stopPlan } = await import('../reconciler/lifecycle-plans.js');
    const { executePlan } = await import('../reconciler/executor.js');
    const containers = await session.containers(Object.keys(loop.project.services));
    await executePlan(stopPlan(loop.project, containers), {
      port: session.port,
      parallel: env.globals.parallel,
      ...(req.stopTimeoutMs !== undefined ? { stopTimeoutMs: req.stopTimeoutMs } : {}),
    });
  }
  return 130;
}

/** Follows the logs of the project's containers, adding the ones later passes create. */
async function followLogs(
  env: CommandEnv,
  session: ProjectSession,
  req: WatchLoopRequest,
  signal: AbortSignal,
): Promise<{ refresh(): Promise<void>; close(): Promise<void> }> {
  const { printLogs } = await import('./log-printer.js');
  const followed = new Map<string, Promise<void>>();
  const controller = new AbortController();
  const stopAll = (): void => controller.abort();
  signal.addEventListener('abort', stopAll, { once: true });
  const refresh = async (): Promise<void> => {
    const services = (req.logFlags?.attach ?? Object.keys(session.project.services)).filter(
      (s) => !(req.logFlags?.noAttach ?? []).includes(s),
    );
    const fresh: ContainerInfo[] = (await session.containers(services)).filter((c) => !followed.has(c.id));
    for (const c of fresh) {
      followed.set(
        c.id,
        printLogs(session.port, [c], session.project.name, {
          out: env.ctx.stdout,
          follow: true,
          prefix: req.logFlags?.logPrefix ?? true,
          timestamps: req.logFlags?.timestamps === true,
          color: (req.logFlags?.color ?? true) && env.ctx.stdout.isTTY === true,
          signal: controller.signal,
        }).catch(() => undefined),
      );
    }
  };
  await refresh();
  return {
    refresh,
    close: async () => {
      controller.abort();
      signal.removeEventListener('abort', stopAll);
      await Promise.all(followed.values());
    },
  };
}

function relativeTo(dir: string, path: string): string {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
