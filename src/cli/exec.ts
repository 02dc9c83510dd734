import type { Command } from 'commander';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { collect, parseEnvFlags, positiveInt } from './compose-flags.js';

interface ExecFlags {
  detach?: boolean;
  env?: string[];
  index?: string;
  /** False with `-T`/`--no-tty`. */
  tty: boolean;
  privileged?: boolean;
  user?: string;
  workdir?: string;
}

/**
 * `tscompose exec SERVICE COMMAND [ARG...]`: runs a command in a running container of the
 * service (replica `--index`, default 1), attached to this terminal (a TTY when stdin is one,
 * unless `-T`). Exits with the command's exit code (126/127 when it cannot run).
 */
export function registerExec(program: Command, runner: CommandRunner): void {
  program
    .command('exec')
    .description('Run a command in a running container of a service')
    .argument('<service>', 'service')
    .argument('<command...>', 'command and arguments')
    .passThroughOptions()
    .option('-d, --detach', 'run in the background')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', collect)
    .option('--index <n>', 'replica of the service (default 1)')
    .option('-T, --no-tty', "don't allocate a pseudo-terminal")
    .option('--privileged', 'give the process extended privileges')
    .option('-u, --user <user>', 'run as this user')
    .option('-w, --workdir <dir>', 'working directory')
    .action(
      runner.action((env: CommandEnv, service: string, command: string[], flags: ExecFlags) =>
        runExec(env, service, command, flags),
      ),
    );
}

async function runExec(
  env: CommandEnv,
  service: string,
  command: string[],
  flags: ExecFlags,
): Promise<number> {
  const index = positiveInt(flags.index, '--index') ?? 1;
  const vars = parseEnvFlags(flags.env, env.ctx.env);
  const [{ withProjectSession }, { serviceReplica }] = await Promise.all([
    import('./project-session.js'),
    import('./service-container.js'),
  ]);
  const stdinIsTty = (env.ctx.stdin as { isTTY?: boolean }).isTTY === true;
  return withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const c = await serviceReplica(session, service, index);
    return session.port.exec(
      c.id,
      {
        command,
        env: vars,
        ...(flags.user !== undefined ? { user: flags.user } : {}),
        ...(flags.workdir !== undefined ? { workingDir: flags.workdir } : {}),
        ...(flags.privileged ? { privileged: true } : {}),
        tty: flags.tty && stdinIsTty && !flags.detach,
        ...(flags.detach ? { detach: true } : {}),
      },
      {
        ...(flags.detach ? {} : { stdin: env.ctx.stdin }),
        stdout: env.ctx.stdout,
        stderr: env.ctx.stderr,
      },
      { signal: env.ctx.signal },
    );
  });
}
