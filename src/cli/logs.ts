import type { Command } from 'commander';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { parseInstant, parseTail, positiveInt } from './compose-flags.js';

interface LogsFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
  /** False with `--no-log-prefix`. */
  logPrefix: boolean;
  /** False with `--no-color`. */
  color: boolean;
  index?: string;
}

/**
 * `tscompose logs [SERVICE...]`: the containers' output, each line prefixed with its container
 * (`web-1  | …`); `-f` follows until interrupted, `--tail N` starts with the last N lines of each,
 * `--since`/`--until` bound by time (timestamp or `10m`), `-t` shows times.
 */
export function registerLogs(program: Command, runner: CommandRunner): void {
  program
    .command('logs')
    .description("Show the containers' output")
    .argument('[services...]', 'only these services')
    .option('-f, --follow', 'follow the output')
    .option('-n, --tail <lines>', 'number of lines from the end of each log, or "all"', 'all')
    .option('--since <time>', 'only lines since a timestamp (2026-01-02T15:04:05Z) or a duration ago (10m)')
    .option('--until <time>', 'only lines before a timestamp or a duration ago')
    .option('-t, --timestamps', 'show timestamps')
    .option('--no-log-prefix', "don't prefix lines with the container's name")
    .option('--no-color', 'monochrome output')
    .option('--index <n>', 'only this replica of the service')
    .action(
      runner.action((env: CommandEnv, services: string[], flags: LogsFlags) => runLogs(env, services, flags)),
    );
}

async function runLogs(env: CommandEnv, services: string[], flags: LogsFlags): Promise<number> {
  const now = Date.now();
  const tail = parseTail(flags.tail);
  const since = parseInstant(flags.since, '--since', now);
  const until = parseInstant(flags.until, '--until', now);
  const index = positiveInt(flags.index, '--index');
  const [{ withProjectSession }, { printLogs }, { containerNumberOf }] = await Promise.all([
    import('./project-session.js'),
    import('./log-printer.js'),
    import('../planner/labels.js'),
  ]);
  await withProjectSession(env, { allowMissingFile: true }, async (session) => {
    let containers = await session.containers(session.scope(services));
    if (index !== undefined) containers = containers.filter((c) => containerNumberOf(c.labels) === index);
    await printLogs(session.port, containers, session.project.name, {
      out: env.ctx.stdout,
      follow: flags.follow === true,
      ...(tail !== undefined ? { tail } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      prefix: flags.logPrefix,
      timestamps: flags.timestamps === true,
      color: flags.color && env.ctx.stdout.isTTY === true,
      signal: env.ctx.signal,
    });
  });
  return 0;
}
