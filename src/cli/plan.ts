import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { collect, parseScale } from './compose-flags.js';

interface PlanFlags {
  format?: 'text' | 'json';
  noDeps?: boolean;
  forceRecreate?: boolean;
  recreate: boolean;
  alwaysRecreateDeps?: boolean;
  removeOrphans?: boolean;
  renewAnonVolumes?: boolean;
  scale?: string[];
  pull?: 'always' | 'missing' | 'never';
  yes?: boolean;
  start: boolean;
}

/**
 * `tscompose plan [SERVICE...]`: what `up` with the same flags would do, and why — `+` create,
 * `~` recreate (with the changed fields), `-` remove, `>` start, `<` stop, `*` pull, `!` refused —
 * and a count of what is unchanged. Changes nothing. `--format json` for scripts. Exit 0 also when
 * the plan is refused (the refusal is part of what it shows).
 */
export function registerPlan(program: Command, runner: CommandRunner): void {
  program
    .command('plan')
    .description('Show what `up` would change, and why (changes nothing)')
    .argument('[services...]', 'only these services (and their dependencies)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-deps', "don't plan for linked services")
    .option('--force-recreate', 'as up --force-recreate')
    .option('--no-recreate', 'as up --no-recreate')
    .option('--always-recreate-deps', 'as up --always-recreate-deps')
    .option('--remove-orphans', 'as up --remove-orphans')
    .option('-V, --renew-anon-volumes', 'as up -V')
    .option('--scale <service=num>', 'as up --scale (repeatable)', collect)
    .addOption(new Option('--pull <policy>', 'as up --pull').choices(['always', 'missing', 'never']))
    .option('--no-start', 'as up --no-start')
    .option('-y, --yes', 'as up -y')
    .action(
      runner.action((env: CommandEnv, services: string[], flags: PlanFlags) => runPlan(env, services, flags)),
    );
}

async function runPlan(env: CommandEnv, services: string[], flags: PlanFlags): Promise<number> {
  const [{ withProjectSession }, { converge }, { renderPlan, planToJson }] = await Promise.all([
    import('./project-session.js'),
    import('../reconciler/converge.js'),
    import('../planner/render-plan.js'),
  ]);
  const scale = parseScale(flags.scale);
  if (flags.forceRecreate && !flags.recreate)
    throw new UsageError('--force-recreate and --no-recreate exclude each other');
  let printed = false;
  await withProjectSession(env, { services }, async (session) => {
    const result = await converge(session.port, session.project, {
      signal: env.ctx.signal,
      dryRun: true,
      ...(scale ? { scale } : {}),
      plan: {
        services,
        noDeps: flags.noDeps === true,
        recreate: flags.forceRecreate ? 'force' : flags.recreate ? 'diverged' : 'never',
        alwaysRecreateDeps: flags.alwaysRecreateDeps === true,
        removeOrphans: flags.removeOrphans === true,
        renewAnonVolumes: flags.renewAnonVolumes === true,
        assumeYes: flags.yes === true,
        noStart: !flags.start,
        pull: flags.pull ?? 'policy',
      },
      onPlan: (plan) => {
        printed = true;
        env.ctx.stdout.write(
          flags.format === 'json'
            ? `${JSON.stringify(planToJson(plan), null, 2)}\n`
            : `${renderPlan(plan)}\n`,
        );
      },
    }).catch((err: unknown) => err);
    // A refused plan was printed with its refusals: that is the answer, not a failure of `plan`.
    if (result instanceof Error && !printed) throw result;
  });
  return 0;
}
