import type { Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import { EngineError } from '../engine/errors.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { withContainerEngine } from './container-engine.js';
import { registerContainerIo } from './container-io.js';
import { registerRunCommands, runAttachedCli } from './container-run.js';
import { matchContainerFilters, registerContainerViews } from './container-views.js';

/**
 * `tscompose container create|run|start|stop|kill|restart|pause|unpause|rm|rename|ls|inspect|
 * logs|exec|wait|top|cp|commit|export|stats|prune`, Docker's command shapes and flags. Results go
 * to stdout, notes and warnings to stderr; `run`/`exec` exit with the program's code (125/126/127
 * when it could not be started, as `docker run`).
 */

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs `fn` for each name; with several, failures are reported and the command fails at the end. */
async function eachContainer(
  env: CommandEnv,
  names: readonly string[],
  fn: (name: string) => Promise<void>,
): Promise<void> {
  const failed: string[] = [];
  for (const name of names) {
    try {
      await fn(name);
    } catch (err) {
      if (!(err instanceof EngineError) || names.length === 1) throw err;
      env.ctx.stderr.write(`error: ${err.message}\n`);
      failed.push(name);
    }
  }
  if (failed.length > 0)
    throw new EngineError('CONTAINER_OPERATION_FAILED', `failed for ${failed.join(', ')}`);
}

function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`${flag} "${text}": expected a number of seconds`);
  return Number(text) * 1000;
}

/**
 * `network connect|disconnect` name a container, so they live here; they join the `network`
 * group that src/cli/network.ts registers (when it does: it comes first in the command table).
 */
function registerNetworkAttach(program: Command, runner: CommandRunner): void {
  const network = program.commands.find((c) => c.name() === 'network');
  if (!network) return;
  network
    .command('connect')
    .description('connect a container to a network')
    .option('--alias <alias>', 'DNS alias on this network (repeatable)', collect)
    .option('--ip <address>', 'static IPv4 address')
    .argument('<network>')
    .argument('<container>')
    .action(
      runner.action(async (env, net: string, name: string, o: { alias?: string[]; ip?: string }) =>
        withContainerEngine(env, (engine) =>
          engine.containers.connect(
            name,
            {
              network: net,
              ...(o.alias ? { aliases: o.alias } : {}),
              ...(o.ip ? { ipv4Address: o.ip } : {}),
            },
            { signal: env.ctx.signal },
          ),
        ),
      ),
    );
  network
    .command('disconnect')
    .description('disconnect a container from a network')
    .option('-f, --force', 'accepted for compatibility')
    .argument('<network>')
    .argument('<container>')
    .action(
      runner.action(async (env, net: string, name: string) =>
        withContainerEngine(env, (engine) =>
          engine.containers.disconnect(name, net, { signal: env.ctx.signal }),
        ),
      ),
    );
}

export function registerContainerCommands(program: Command, runner: CommandRunner): void {
  registerNetworkAttach(program, runner);
  const container = program.command('container').description('manage containers').enablePositionalOptions();
  registerRunCommands(container, runner);
  registerContainerViews(container, runner);
  registerContainerIo(container, runner);

  container
    .command('start')
    .description('start containers')
    .option('-a, --attach', 'attach its output and wait for it (one container)')
    .option('-i, --interactive', 'attach stdin')
    .argument('<container...>')
    .action(
      runner.action(async (env, names: string[], o: { attach?: boolean; interactive?: boolean }) =>
        withContainerEngine(env, async (engine) => {
          if (o.attach || o.interactive) {
            if (names.length !== 1) throw new UsageError('start -a: name exactly one container');
            const c = await engine.containers.inspect(names[0]!);
            return runAttachedCli(env, engine, c.id, {
              interactive: o.interactive ?? false,
              tty: c.spec.tty ?? false,
            });
          }
          await eachContainer(env, names, async (n) => {
            await engine.containers.start(n, { signal: env.ctx.signal });
            env.ctx.stdout.write(`${n}\n`);
          });
          return 0;
        }),
      ),
    );

  for (const [verb, description, timeHelp] of [
    [
      'stop',
      'stop containers (stop signal, then SIGKILL after the grace period)',
      'grace period before SIGKILL (default: the container’s, 10)',
    ],
    ['restart', 'restart containers', 'grace period before SIGKILL'],
  ] as const) {
    container
      .command(verb)
      .description(description)
      .option('-t, --time <seconds>', timeHelp)
      .argument('<container...>')
      .action(
        runner.action(async (env, names: string[], o: { time?: string }) =>
          withContainerEngine(env, (engine) =>
            eachContainer(env, names, async (n) => {
              const timeoutMs = seconds(o.time, '--time');
              await engine.containers[verb](n, {
                signal: env.ctx.signal,
                ...(timeoutMs !== undefined ? { timeoutMs } : {}),
              });
              env.ctx.stdout.write(`${n}\n`);
            }),
          ),
        ),
      );
  }

  container
    .command('kill')
    .description('send a signal to containers (default SIGKILL)')
    .option('-s, --signal <signal>', 'signal to send', 'SIGKILL')
    .argument('<container...>')
    .action(
      runner.action(async (env, names: string[], o: { signal: string }) =>
        withContainerEngine(env, (engine) =>
          eachContainer(env, names, async (n) => {
            await engine.containers.kill(n, o.signal, { signal: env.ctx.signal });
            env.ctx.stdout.write(`${n}\n`);
          }),
        ),
      ),
    );

  for (const [verb, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    container
      .command(verb)
      .description(paused ? 'freeze all processes of containers' : 'thaw paused containers')
      .argument('<container...>')
      .action(
        runner.action(async (env, names: string[]) =>
          withContainerEngine(env, (engine) =>
            eachContainer(env, names, async (n) => {
              await (paused
                ? engine.containers.pause(n, { signal: env.ctx.signal })
                : engine.containers.unpause(n, { signal: env.ctx.signal }));
              env.ctx.stdout.write(`${n}\n`);
            }),
          ),
        ),
      );
  }

  container
    .command('rm')
    .alias('remove')
    .description('remove containers')
    .option('-f, --force', 'remove running containers too (killed first)')
    .option('-v, --volumes', 'remove their anonymous volumes')
    .argument('<container...>')
    .action(
      runner.action(async (env, names: string[], o: { force?: boolean; volumes?: boolean }) =>
        withContainerEngine(env, (engine) =>
          eachContainer(env, names, async (n) => {
            await engine.containers.remove(n, {
              force: o.force ?? false,
              volumes: o.volumes ?? false,
              signal: env.ctx.signal,
            });
            env.ctx.stdout.write(`${n}\n`);
          }),
        ),
      ),
    );

  container
    .command('rename')
    .description('rename a container')
    .argument('<container>')
    .argument('<new-name>')
    .action(
      runner.action(async (env, name: string, next: string) =>
        withContainerEngine(env, (engine) =>
          engine.containers.rename(name, next, { signal: env.ctx.signal }),
        ),
      ),
    );

  container
    .command('prune')
    .description('remove all stopped containers')
    .option('-f, --force', 'do not ask (tscompose never asks)')
    .option('--filter <filter>', 'label=K[=V] (repeatable)', collect)
    .action(
      runner.action(async (env, o: { filter?: string[] }) =>
        withContainerEngine(env, async (engine) => {
          await engine.containers.repair({ signal: env.ctx.signal });
          const gone: string[] = [];
          for (const c of await engine.containers.list()) {
            if (!['exited', 'created', 'dead'].includes(c.state) || !matchContainerFilters(c, o.filter ?? []))
              continue;
            await engine.containers.remove(c.id, { signal: env.ctx.signal });
            gone.push(c.id);
          }
          if (gone.length > 0)
            env.ctx.stdout.write(`Deleted Containers:\n${gone.map((g) => `${g}\n`).join('')}`);
        }),
      ),
    );

  container
    .command('wait')
    .description('wait for containers to stop; prints their exit codes')
    .argument('<container...>')
    .action(
      runner.action(async (env, names: string[]) =>
        withContainerEngine(env, async (engine) => {
          for (const n of names)
            env.ctx.stdout.write(`${await engine.containers.wait(n, { signal: env.ctx.signal })}\n`);
        }),
      ),
    );
}
