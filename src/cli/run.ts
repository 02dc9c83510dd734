import type { Command } from 'commander';
import { isTscError } from '../common/tsc-error.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { collect, parseEnvFlags } from './compose-flags.js';
import { RunEngineError } from './run-error.js';

interface RunFlags {
  rm?: boolean;
  detach?: boolean;
  env?: string[];
  label?: string[];
  entrypoint?: string;
  publish?: string[];
  servicePorts?: boolean;
  volume?: string[];
  workdir?: string;
  user?: string;
  name?: string;
  /** False with `--no-deps`. */
  deps: boolean;
  /** False with `-T`/`--no-tty`. */
  tty: boolean;
  interactive: boolean;
  capAdd?: string[];
  capDrop?: string[];
  quiet?: boolean;
  removeOrphans?: boolean;
  pull?: string;
}

/**
 * `tscompose run SERVICE [COMMAND...]`: a one-off container of a service (labelled one-off, never
 * touched by `up`), after converging the services it depends on (unless `--no-deps`). Attached by
 * default, exiting with the command's code; `-d` prints the container's name and returns; `--rm`
 * removes it after it exits. 125 when the container cannot be created or started.
 */
export function registerRun(program: Command, runner: CommandRunner): void {
  program
    .command('run')
    .description('Run a one-off command in a new container of a service')
    .argument('<service>', 'service')
    .argument('[command...]', 'command and arguments (default: the service’s)')
    .passThroughOptions()
    .option('--rm', 'remove the container when it exits')
    .option('-d, --detach', 'run in the background and print the container name')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', collect)
    .option('-l, --label <key=value>', 'add a label (repeatable)', collect)
    .option('--entrypoint <cmd>', "override the image's entrypoint")
    .option('-p, --publish <port>', 'publish a container port (repeatable)', collect)
    .option('-P, --service-ports', "publish the service's ports")
    .option('-v, --volume <src:dst>', 'bind-mount a path or mount a volume (repeatable)', collect)
    .option('-w, --workdir <dir>', 'working directory')
    .option('-u, --user <user>', 'run as this user')
    .option('--name <name>', 'container name')
    .option('--no-deps', "don't start the services it depends on")
    .option('-T, --no-tty', "don't allocate a pseudo-terminal")
    .option('-i, --interactive', 'keep stdin open', true)
    .option('--cap-add <cap>', 'add a capability (repeatable)', collect)
    .option('--cap-drop <cap>', 'drop a capability (repeatable)', collect)
    .option('-q, --quiet', 'no progress output')
    .option('--remove-orphans', 'remove containers of services not in the stack')
    .option('--pull <policy>', 'pull the image: always, missing, never')
    .action(
      runner.action((env: CommandEnv, service: string, command: string[], flags: RunFlags) =>
        runRun(env, service, command, flags),
      ),
    );
}

async function runRun(env: CommandEnv, service: string, command: string[], flags: RunFlags): Promise<number> {
  const vars = parseEnvFlags(flags.env, env.ctx.env);
  const labels = parseEnvFlags(flags.label, {});
  const [
    { withProjectSession },
    { converge },
    { resolveDesiredInputs },
    planner,
    { oneOffSpec },
    { PlanProgress },
  ] = await Promise.all([
    import('./project-session.js'),
    import('../reconciler/converge.js'),
    import('../reconciler/desired-inputs.js'),
    import('../planner/index.js'),
    import('./run-spec.js'),
    import('./plan-progress.js'),
  ]);
  const stdinIsTty = (env.ctx.stdin as { isTTY?: boolean }).isTTY === true;
  return withProjectSession(env, { services: [service] }, async (session) => {
    const { project, port } = session;
    const progress = new PlanProgress(
      flags.quiet ? { ...env, globals: { ...env.globals, progress: 'quiet' } } : env,
    );
    const deps = Object.keys(project.services[service]?.depends_on ?? {});
    if (flags.deps && deps.length > 0) {
      await session.mutate('run', () =>
        converge(port, project, {
          signal: env.ctx.signal,
          parallel: env.globals.parallel,
          progress,
          plan: { services: deps, removeOrphans: flags.removeOrphans === true, trigger: 'up' },
          onExecute: progress.onExecute,
        }),
      );
    }
    let inputs = await resolveDesiredInputs(project, port, { signal: env.ctx.signal });
    const ref = planner.imageRefFor(project.name, service, project.services[service]!);
    if (flags.pull === 'always' || (flags.pull !== 'never' && !inputs.images?.[ref])) {
      await port.pullImage(ref, { signal: env.ctx.signal });
      inputs = await resolveDesiredInputs(project, port, { signal: env.ctx.signal });
    }
    const desired = planner.buildDesiredState(project, inputs);
    const svc = desired.services[service]!;
    const spec = oneOffSpec(project, service, planner.containerSpecFor(project.name, svc, 1), {
      ...(command.length > 0 ? { command } : {}),
      ...(flags.entrypoint !== undefined ? { entrypoint: flags.entrypoint } : {}),
      env: vars,
      labels,
      publish: flags.publish ?? [],
      servicePorts: flags.servicePorts === true,
      volumes: flags.volume ?? [],
      ...(flags.workdir !== undefined ? { workdir: flags.workdir } : {}),
      ...(flags.user !== undefined ? { user: flags.user } : {}),
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      tty: flags.tty && stdinIsTty && !flags.detach,
      interactive: flags.interactive && !flags.detach,
      capAdd: flags.capAdd ?? [],
      capDrop: flags.capDrop ?? [],
    });
    let id: string;
    try {
      id = (await port.createContainer(spec, { signal: env.ctx.signal })).id;
    } catch (err) {
      return engineFailure(err);
    }
    try {
      if (flags.detach) {
        await port.startContainer(id, { signal: env.ctx.signal });
        env.ctx.stdout.write(`${spec.name}\n`);
        return 0;
      }
      return await port.runAttached(
        id,
        {
          ...(flags.interactive ? { stdin: env.ctx.stdin } : {}),
          stdout: env.ctx.stdout,
          stderr: env.ctx.stderr,
        },
        { signal: env.ctx.signal },
      );
    } catch (err) {
      return engineFailure(err);
    } finally {
      if (flags.rm && !flags.detach)
        await port.removeContainer(id, { force: true, removeAnonymousVolumes: true });
    }
  });
}

/** `docker run`'s convention: the engine could not create or start the container → 125. */
function engineFailure(err: unknown): never {
  if (!isTscError(err)) throw err;
  throw new RunEngineError(err.message, err.hint, { cause: err });
}
