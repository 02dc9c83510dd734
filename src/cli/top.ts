import type { Command } from 'commander';
import type { CommandEnv, CommandRunner } from './command-runner.js';

/** `tscompose top [SERVICE...]`: the processes of each running container (`ps -ef` columns). */
export function registerTop(program: Command, runner: CommandRunner): void {
  program
    .command('top')
    .description('Show the processes running in the containers')
    .argument('[services...]', 'only these services')
    .action(runner.action((env: CommandEnv, services: string[]) => runTop(env, services)));
}

async function runTop(env: CommandEnv, services: string[]): Promise<number> {
  const [{ withProjectSession }, { renderTable }, { isLive }] = await Promise.all([
    import('./project-session.js'),
    import('./render/table.js'),
    import('../reconciler/actions/index.js'),
  ]);
  await withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const containers = (await session.containers(session.scope(services))).filter(isLive);
    const parts: string[] = [];
    for (const c of containers) {
      const list = await session.port.top(c.id, { signal: env.ctx.signal });
      parts.push(`${c.name}\n${renderTable(list.titles, list.processes)}`);
    }
    env.ctx.stdout.write(parts.join('\n'));
  });
  return 0;
}
