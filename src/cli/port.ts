import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { positiveInt } from './compose-flags.js';

interface PortFlags {
  protocol: 'tcp' | 'udp';
  index?: string;
}

/** `tscompose port SERVICE PRIVATE_PORT`: the host address a container port is published on. */
export function registerPort(program: Command, runner: CommandRunner): void {
  program
    .command('port')
    .description('Print the public address of a port binding')
    .argument('<service>', 'service')
    .argument('<private_port>', 'container port')
    .addOption(new Option('--protocol <protocol>', 'tcp or udp').choices(['tcp', 'udp']).default('tcp'))
    .option('--index <n>', 'replica of the service (default 1)')
    .action(
      runner.action((env: CommandEnv, service: string, port: string, flags: PortFlags) =>
        runPort(env, service, port, flags),
      ),
    );
}

async function runPort(
  env: CommandEnv,
  service: string,
  portText: string,
  flags: PortFlags,
): Promise<number> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`port: expected a port number (1-65535), got "${portText}"`);
  }
  const index = positiveInt(flags.index, '--index') ?? 1;
  const [{ withProjectSession }, { serviceReplica }, { ReconcileError }] = await Promise.all([
    import('./project-session.js'),
    import('./service-container.js'),
    import('../reconciler/errors.js'),
  ]);
  await withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const c = await serviceReplica(session, service, index, { anyState: true });
    const found = c.ports.find((p) => p.containerPort === port && p.protocol === flags.protocol);
    if (!found) {
      throw new ReconcileError(
        'PROJECT_NO_CONTAINER',
        `no port ${port}/${flags.protocol} published for ${c.name}`,
        'check the service’s ports: (tscompose ps)',
      );
    }
    env.ctx.stdout.write(`${found.hostIp}:${found.hostPort}\n`);
  });
  return 0;
}
