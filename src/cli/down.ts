import { Option, type Command } from 'commander';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { secondsFlag } from './compose-flags.js';

interface DownFlags {
  volumes?: boolean;
  rmi?: 'local' | 'all';
  removeOrphans?: boolean;
  timeout?: string;
  dryRun?: boolean;
}

/**
 * `tscompose down [SERVICE...]`: stop and remove the project's containers (dependents first),
 * then its networks, with `-v` its named volumes and the containers' anonymous volumes, with
 * `--rmi` its images. With `--profile X` (and no services named) only the services of profile X
 * go, and networks and volumes other services still use stay (compose#12648). Works with `-p NAME`
 * alone when no stack file is around.
 */
export function registerDown(program: Command, runner: CommandRunner): void {
  program
    .command('down')
    .description('Stop and remove containers, networks (and with -v volumes) of the project')
    .argument('[services...]', 'only these services')
    .option('-v, --volumes', 'also remove named volumes of the stack and anonymous volumes of the containers')
    .addOption(
      new Option('--rmi <type>', 'remove images: local (built ones only) or all').choices(['local', 'all']),
    )
    .option('--remove-orphans', 'remove containers of services not in the stack')
    .option('-t, --timeout <seconds>', 'stop timeout')
    .option('--dry-run', 'print the plan and change nothing')
    .action(
      runner.action((env: CommandEnv, services: string[], flags: DownFlags) => runDown(env, services, flags)),
    );
}

async function runDown(env: CommandEnv, services: string[], flags: DownFlags): Promise<number> {
  const stopTimeoutMs = secondsFlag(flags.timeout, '--timeout');
  const [{ withProjectSession }, { takeDown }, { PlanProgress }, { renderPlan }] = await Promise.all([
    import('./project-session.js'),
    import('../reconciler/converge.js'),
    import('./plan-progress.js'),
    import('../planner/render-plan.js'),
  ]);
  await withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const { project } = session;
    const scoped = services.length > 0 || project.profiles.length > 0;
    const selected = scoped ? session.scope(services) : undefined;
    const progress = new PlanProgress(env);
    const result = await session.mutate('down', () =>
      takeDown(session.port, project, {
        signal: env.ctx.signal,
        parallel: env.globals.parallel,
        progress,
        ...(stopTimeoutMs !== undefined ? { stopTimeoutMs } : {}),
        dryRun: flags.dryRun === true,
        down: {
          ...(selected ? { services: selected } : {}),
          removeVolumes: flags.volumes === true,
          removeOrphans: flags.removeOrphans === true,
        },
        onPlan: (plan) => {
          if (flags.dryRun) env.ctx.stdout.write(`${renderPlan(plan)}\n`);
          else for (const w of plan.warnings) env.ctx.stderr.write(`warning: ${w}\n`);
        },
        onExecute: progress.onExecute,
      }),
    );
    if (flags.rmi && !flags.dryRun) {
      const { imageRefFor } = await import('../planner/desired-state.js');
      const all = { ...project.disabledServices, ...project.services };
      const names = selected ?? Object.keys(all);
      const refs = new Set<string>();
      for (const name of names) {
        const s = all[name];
        if (!s) continue;
        // `local`: only images without a custom tag (those a `build:` names `<project>-<service>`).
        if (flags.rmi === 'local' && s.image !== undefined && s.image !== '') continue;
        refs.add(imageRefFor(project.name, name, s));
      }
      for (const c of result.observed.containers) if (flags.rmi === 'all' && c.image) refs.add(c.image);
      for (const ref of [...refs].sort()) {
        if (!(await session.port.findImage(ref))) continue;
        await session.port.removeImage(ref, { signal: env.ctx.signal });
        env.ctx.stderr.write(` Image ${ref}  Removed\n`);
      }
    }
  });
  return 0;
}
