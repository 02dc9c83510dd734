import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isTscError, type TscError } from '../common/tsc-error.js';
import { UsageError } from '../common/usage-error.js';
import { RunFailedError } from '../engine/container/container-errors.js';
import type { Engine } from '../engine/index.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { DEFAULT_NETWORK, ensureDefaultNetwork, openContainerEngine } from './container-engine.js';
import { parseEnvFile, parseEnvPairs, specFromRunFlags, type RunFlags } from './container-flags.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface RunOptions extends RunFlags {
  detach?: boolean;
  envFile?: string[];
  pull?: string;
}

/** The flags `create` and `run` share (Docker's names and short forms). */
function addCreateFlags(cmd: Command): Command {
  return cmd
    .helpOption('--help', 'display help for command')
    .option('--name <name>', 'container name')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect)
    .option('--env-file <file>', 'read environment variables from a file (repeatable)', collect)
    .option('-l, --label <KEY=VALUE>', 'set a label (repeatable)', collect)
    .option('-p, --publish <[ip:][host:]container[/proto]>', 'publish a port (repeatable)', collect)
    .option('--expose <port[/proto]>', 'declare an exposed port (repeatable)', collect)
    .option('-v, --volume <[src:]dst[:opts]>', 'bind mount or volume (repeatable)', collect)
    .option(
      '--mount <spec>',
      'mount: type=bind|volume|tmpfs,source=…,target=…[,readonly] (repeatable)',
      collect,
    )
    .option('--tmpfs <path[:opts]>', 'mount a tmpfs (repeatable)', collect)
    .option('--network <name>', 'network (repeatable), host, none or container:NAME', collect)
    .option('--network-alias <alias>', 'DNS alias on the first network (repeatable)', collect)
    .option('--ip <address>', 'static IPv4 address on the first network')
    .option('-h, --hostname <name>', 'hostname in the container')
    .option('--domainname <name>', 'NIS domain name')
    .option('-w, --workdir <dir>', 'working directory in the container')
    .option('-u, --user <user[:group]>', 'user to run as (names from the image)')
    .option('--entrypoint <cmd>', 'override the image ENTRYPOINT ("" to clear it)')
    .option('--init', 'run a minimal init as PID 1 (reaps zombies, forwards signals)')
    .option('--read-only', 'mount the root filesystem read-only')
    .option('--cap-add <cap>', 'add a capability (repeatable)', collect)
    .option('--cap-drop <cap>', 'drop a capability (repeatable)', collect)
    .option('--privileged', 'every capability and device, no masked paths')
    .option('--security-opt <opt>', 'security option (repeatable)', collect)
    .option('--ulimit <name=soft[:hard]>', 'resource limit (repeatable)', collect)
    .option('--sysctl <key=value>', 'namespaced kernel parameter (repeatable)', collect)
    .option('--shm-size <size>', 'size of /dev/shm (default 64m)')
    .option('--add-host <host:ip>', 'add an /etc/hosts entry (repeatable)', collect)
    .option('--dns <ip>', 'DNS server (repeatable)', collect)
    .option('--dns-search <domain>', 'DNS search domain (repeatable)', collect)
    .option('--dns-option <opt>', 'resolv.conf option (repeatable)', collect)
    .option('-m, --memory <size>', 'memory limit')
    .option('--memory-swap <size>', 'memory plus swap limit (-1: unlimited swap)')
    .option('--memory-reservation <size>', 'memory soft limit')
    .option('--cpus <n>', 'number of CPUs (fractional)')
    .option('--cpu-shares <n>', 'relative CPU weight')
    .option('--cpuset-cpus <list>', 'CPUs allowed (0-2,4)')
    .option('--pids-limit <n>', 'maximum number of processes (-1: unlimited)')
    .option('--oom-score-adj <n>', 'OOM score adjustment')
    .option('--oom-kill-disable', 'disable the OOM killer (needs --memory)')
    .option('--restart <policy>', 'no, always, unless-stopped, on-failure[:N]')
    .option('--health-cmd <cmd>', 'healthcheck command (run with /bin/sh -c)')
    .option('--health-interval <duration>', 'time between checks')
    .option('--health-timeout <duration>', 'time a check may take')
    .option('--health-retries <n>', 'failures before unhealthy')
    .option('--health-start-period <duration>', 'grace period after start')
    .option('--health-start-interval <duration>', 'time between checks during the start period')
    .option('--no-healthcheck', "disable the image's healthcheck")
    .option('--stop-signal <signal>', 'signal to stop the container')
    .option('--stop-timeout <seconds>', 'grace period before SIGKILL')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('--rm', 'remove the container (and its anonymous volumes) when it exits')
    .option('--device <host[:container[:perms]]>', 'add a host device (repeatable)', collect)
    .option('--group-add <group>', 'supplementary group (repeatable)', collect)
    .option('--ipc <mode>', 'IPC namespace: private, shareable, host, none, container:NAME')
    .option('--pid <mode>', 'PID namespace: host or container:NAME')
    .option('--uts <mode>', 'UTS namespace: host')
    .option('--log-driver <driver>', 'json-file, local or none')
    .option('--log-opt <key=value>', 'log driver option: max-size, max-file (repeatable)', collect)
    .option('--pull <policy>', 'missing (default: use the local image) or never', 'missing')
    .argument('<image>')
    .argument('[command...]')
    .passThroughOptions();
}

/** Builds the spec from flags; `-e KEY` and env files read the CLI's environment. */
async function buildSpec(env: CommandEnv, image: string, command: string[], o: RunOptions, name: string) {
  const lookup = (k: string): string | undefined => env.ctx.env[k];
  const vars: Record<string, string> = {};
  for (const file of o.envFile ?? []) {
    const path = resolve(env.ctx.cwd, file);
    const text = await readFile(path, 'utf8').catch((err: Error) => {
      throw new UsageError(`--env-file ${file}: ${err.message}`);
    });
    Object.assign(vars, parseEnvFile(text, lookup));
  }
  Object.assign(vars, parseEnvPairs(o.env ?? [], lookup));
  return specFromRunFlags(image, command, o, { cwd: env.ctx.cwd, env: vars, name });
}

function randomName(): string {
  return `tsc_${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`;
}

function asRunFailure(err: unknown): unknown {
  return isTscError(err) ? new RunFailedError(err as TscError) : err;
}

/** Creates the container as `create`/`run` asked; engine failures carry `docker run`'s exit codes. */
async function createFromFlags(
  env: CommandEnv,
  engine: Engine,
  image: string,
  command: string[],
  o: RunOptions,
) {
  const { spec, usesDefaultNetwork } = await buildSpec(env, image, command, o, o.name ?? randomName());
  if (o.pull !== 'missing' && o.pull !== 'never')
    throw new UsageError(`--pull "${o.pull}": expected missing or never`);
  try {
    if (!(await engine.images.find(image))) {
      if (o.pull === 'never') await engine.images.inspect(image);
      env.ctx.stderr.write(`Unable to find image '${image}' locally\n`);
      await engine.images.pull(image, { signal: env.ctx.signal });
    }
    if (usesDefaultNetwork) await ensureDefaultNetwork(engine, env.ctx.signal);
    return await engine.containers.create(spec, { signal: env.ctx.signal });
  } catch (err) {
    throw asRunFailure(err);
  }
}

/** `--rm`: the container may be gone already (the next command's repair removes exited ones). */
async function removeIfPresent(engine: Engine, id: string): Promise<void> {
  try {
    await engine.containers.remove(id, { force: true, volumes: true });
  } catch (err) {
    if ((err as { code?: string }).code !== 'CONTAINER_NOT_FOUND') throw err;
  }
}

function signalOf(reason: unknown): string {
  const m = /received (SIG[A-Z]+)/.exec(String((reason as Error | undefined)?.message ?? reason));
  return m ? m[1]! : 'SIGTERM';
}

/**
 * `run` without `-d`: starts with stdio attached and returns the program's exit code. SIGINT and
 * SIGTERM to the CLI are forwarded to the container (Docker's --sig-proxy); with `-t` on a
 * terminal, the local terminal is in raw mode meanwhile.
 */
export async function runAttachedCli(
  env: CommandEnv,
  engine: Engine,
  id: string,
  o: { interactive?: boolean; tty?: boolean },
): Promise<number> {
  const stdin = env.ctx.stdin as NodeJS.ReadStream;
  const raw = o.tty && o.interactive && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode(true);
  const waiting = new AbortController();
  const forward = (): void => {
    engine.containers.kill(id, signalOf(env.ctx.signal.reason)).catch(() => undefined);
  };
  env.ctx.signal.addEventListener('abort', forward, { once: true });
  try {
    const out = env.ctx.stdout as NodeJS.WriteStream;
    return await engine.containers.runAttached(
      id,
      { ...(o.interactive ? { stdin: env.ctx.stdin } : {}), stdout: env.ctx.stdout, stderr: env.ctx.stderr },
      {
        signal: waiting.signal,
        ...(o.tty && out.isTTY && out.rows && out.columns
          ? { terminalSize: { rows: out.rows, cols: out.columns } }
          : {}),
      },
    );
  } finally {
    env.ctx.signal.removeEventListener('abort', forward);
    if (raw) stdin.setRawMode(false);
    if (o.interactive) stdin.pause?.();
  }
}

export function registerRunCommands(container: Command, runner: CommandRunner): void {
  addCreateFlags(
    container.command('create').description('create a container (not started); prints its id'),
  ).action(
    runner.action(async (env, image: string, command: string[], o: RunOptions) => {
      const engine = await openContainerEngine(env);
      try {
        const info = await createFromFlags(env, engine, image, command, o);
        env.ctx.stdout.write(`${info.id}\n`);
      } finally {
        engine.close();
      }
    }),
  );

  addCreateFlags(container.command('run').description('create and start a container'))
    .option('-d, --detach', 'run in the background and print the container id')
    .action(
      runner.action(async (env, image: string, command: string[], o: RunOptions) => {
        const engine = await openContainerEngine(env);
        try {
          const info = await createFromFlags(env, engine, image, command, o);
          if (o.detach) {
            try {
              await engine.containers.start(info.id, { signal: env.ctx.signal });
            } catch (err) {
              if (o.rm)
                await engine.containers
                  .remove(info.id, { force: true, volumes: true })
                  .catch(() => undefined);
              throw asRunFailure(err);
            }
            env.ctx.stdout.write(`${info.id}\n`);
            return 0;
          }
          let code: number;
          try {
            code = await runAttachedCli(env, engine, info.id, o);
          } catch (err) {
            if (o.rm)
              await engine.containers.remove(info.id, { force: true, volumes: true }).catch(() => undefined);
            throw asRunFailure(err);
          }
          if (o.rm) await removeIfPresent(engine, info.id);
          return code;
        } finally {
          engine.close();
        }
      }),
    );
}

export { DEFAULT_NETWORK };
