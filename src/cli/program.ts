import { Command, Option } from 'commander';
import type { CliContext } from './cli-context.js';
import { CommandRunner } from './command-runner.js';
import { registerNetworkCommands } from './network.js';
import { registerImageCommands } from './image.js';
import { registerLoginCommands } from './login.js';
import { registerConfig } from './config.js';
import { registerContainerCommands } from './container.js';
import { registerVolumeCommands } from './volume.js';
import { registerUp } from './up.js';
import { registerDown } from './down.js';
import { registerPs } from './ps.js';
import { registerLogs } from './logs.js';
import { registerExec } from './exec.js';
import { registerRun } from './run.js';
import { registerLifecycleCommands } from './lifecycle.js';
import { registerTop } from './top.js';
import { registerPort } from './port.js';
import { registerProjectImageCommands } from './project-images.js';
import { registerLs } from './ls.js';
import { registerWait } from './wait.js';
import { registerPlan } from './plan.js';
import { registerWatch } from './watch.js';

/** One entry per command or command group; each file registers its own subcommands. */
const COMMANDS: ReadonlyArray<(program: Command, runner: CommandRunner) => void> = [
  registerNetworkCommands,
  registerImageCommands,
  registerLoginCommands,
  registerConfig,
  registerContainerCommands,
  registerVolumeCommands,
  registerUp,
  registerDown,
  registerPs,
  registerLogs,
  registerExec,
  registerRun,
  registerLifecycleCommands,
  registerTop,
  registerPort,
  registerProjectImageCommands,
  registerLs,
  registerWait,
  registerPlan,
  registerWatch,
];

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(ctx: CliContext): { program: Command; runner: CommandRunner } {
  const program = new Command('tscompose');
  const runner = new CommandRunner(ctx);
  program
    .description('Daemonless, declarative multi-container orchestrator (Compose Specification)')
    .version('0.1.0', '-v, --version')
    // Global options only before the subcommand, as Compose users write them; this keeps
    // subcommand flags such as `run -p 8080:80` from being read as `-p PROJECT`.
    .enablePositionalOptions()
    .option('-f, --file <file>', 'stack file (repeatable; "-" reads stdin)', collect)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'project working directory (default: the first file’s folder)')
    .option('--profile <profile>', 'activate a profile (repeatable)', collect)
    .option('--env-file <file>', 'environment file for interpolation (repeatable)', collect)
    .addOption(
      new Option('--progress <mode>', 'progress output').choices(['auto', 'tty', 'plain', 'json', 'quiet']),
    )
    .option('--parallel <n>', 'maximum parallel operations (-1 = unlimited)')
    .option('--root <dir>', 'engine root (default /var/lib/tscompose, or TSCOMPOSE_ROOT)')
    .option('--debug', 'print stack traces and debug logs')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) register(program, runner);
  // Subcommands inherit output routing and exit behaviour from the root.
  for (const sub of program.commands) {
    sub.configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });
    sub.exitOverride();
  }
  return { program, runner };
}
