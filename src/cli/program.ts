import { Command, Option } from 'commander';
import type { CliContext } from './cli-context.js';
import { CommandRunner } from './command-runner.js';

type Register = (program: Command, runner: CommandRunner) => void;

/**
 * One entry per command file: the top-level command names it registers and how to load it.
 * Modules are imported only for the command being run (all of them for help or an unknown name):
 * CLI start-up is part of every command's latency, and most modules pull in the engine or the
 * stack loader. Order is registration order: `container` adds `network connect|disconnect` to
 * the `network` group, so it comes after `network`.
 */
const COMMANDS: ReadonlyArray<{ readonly names: readonly string[]; readonly load: () => Promise<Register> }> =
  [
    { names: ['network'], load: async () => (await import('./network.js')).registerNetworkCommands },
    { names: ['image'], load: async () => (await import('./image.js')).registerImageCommands },
    { names: ['login', 'logout'], load: async () => (await import('./login.js')).registerLoginCommands },
    { names: ['config'], load: async () => (await import('./config.js')).registerConfig },
    {
      names: ['container', 'network'],
      load: async () => (await import('./container.js')).registerContainerCommands,
    },
    { names: ['volume'], load: async () => (await import('./volume.js')).registerVolumeCommands },
    { names: ['up'], load: async () => (await import('./up.js')).registerUp },
    { names: ['down'], load: async () => (await import('./down.js')).registerDown },
    { names: ['ps'], load: async () => (await import('./ps.js')).registerPs },
    { names: ['logs'], load: async () => (await import('./logs.js')).registerLogs },
    { names: ['exec'], load: async () => (await import('./exec.js')).registerExec },
    { names: ['run'], load: async () => (await import('./run.js')).registerRun },
    {
      names: ['start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause'],
      load: async () => (await import('./lifecycle.js')).registerLifecycleCommands,
    },
    { names: ['top'], load: async () => (await import('./top.js')).registerTop },
    { names: ['port'], load: async () => (await import('./port.js')).registerPort },
    {
      names: ['images', 'pull', 'push'],
      load: async () => (await import('./project-images.js')).registerProjectImageCommands,
    },
    { names: ['ls'], load: async () => (await import('./ls.js')).registerLs },
    { names: ['wait'], load: async () => (await import('./wait.js')).registerWait },
    { names: ['plan'], load: async () => (await import('./plan.js')).registerPlan },
    { names: ['watch'], load: async () => (await import('./watch.js')).registerWatch },
  ];

/** Global options that take a value: the word after them is not the command name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--project-directory',
  '--profile',
  '--env-file',
  '--progress',
  '--parallel',
  '--root',
]);

/** The command word of a command line (the first argument that is not a global option). */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (!arg.startsWith('-') || arg === '-') return arg;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i += 1;
  }
  return undefined;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Builds the commander program for one command line: the global options plus the command modules
 * `argv` needs (see COMMANDS).
 */
export async function buildProgram(
  ctx: CliContext,
  argv: readonly string[] = [],
): Promise<{ program: Command; runner: CommandRunner }> {
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
  const name = commandName(argv);
  const wanted = COMMANDS.filter((c) => name !== undefined && c.names.includes(name));
  const versionOnly = name === undefined && (argv.includes('--version') || argv.includes('-v'));
  const modules = versionOnly ? [] : wanted.length > 0 ? wanted : COMMANDS;
  const registers = await Promise.all(modules.map((c) => c.load()));
  for (const register of registers) register(program, runner);
  // Subcommands inherit output routing and exit behaviour from the root.
  for (const sub of program.commands) {
    sub.configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });
    sub.exitOverride();
  }
  return { program, runner };
}
