import type { Command } from 'commander';
import type { CommandEnv, CommandRunner } from './command-runner.js';

/**
 * `tscompose wait SERVICE...`: blocks until the first container of these services stops, prints
 * its exit code and exits with it; `--down-project` then takes the project down.
 */
export function registerWait(program: Command, runner: CommandRunner): void {
  program
    .command('wait')
    .description('Block until the first container of the services stops; exit with its code')
    .argument('<services...>', 'services')
    .option('--down-project', 'take the project down when the first container stops')
    .action(
      runner.action((env: CommandEnv, services: string[], f: { downProject?: boolean }) =>
        runWait(env, services, f),
      ),
    );
}

async function runWait(env: CommandEnv, services: string[], f: { downProject?: boolean }): Promise<number> {
  const [{ withProjectSession }, { ReconcileError }] = await Promise.all([
    import('./project-session.js'),
    import('../reconciler/errors.js'),
  ]);
  return withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const containers = await session.containers(session.scope(services));
    if (containers.length === 0) {
      throw new ReconcileError(
        'PROJECT_NO_CONTAINER',
        `no containers for ${services.join(', ')}`,
        'start them: tscompose up -d',
      );
    }
    const stop = new AbortController();
    const signal = AbortSignal.any([env.ctx.signal, stop.signal]);
    const code = await Promise.race(containers.map((c) => session.port.waitContainer(c.id, { signal })));
    stop.abort();
    env.ctx.stdout.write(`${code}\n`);
    if (f.downProject) {
      const [{ takeDown }, { PlanProgress }] = await Promise.all([
        import('../reconciler/converge.js'),
        import('./plan-progress.js'),
      ]);
      const progress = new PlanProgress(env);
      await session.mutate('wait --down-project', () =>
        takeDown(session.port, session.project, {
          signal: env.ctx.signal,
          parallel: env.globals.parallel,
          progress,
          onExecute: progress.onExecute,
        }),
      );
    }
    return code;
  });
}
