import type { Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import { createLogger } from '../common/logger.js';
import { EngineError } from '../engine/errors.js';
import { findNativeBinary } from '../engine/native-binary.js';
import { NetworkManager, type NetworkInfo, type NetworkSpec } from '../engine/network/index.js';
import { Runtime } from '../engine/runtime.js';
import { DEFAULT_ENGINE_ROOT, EngineLock, enginePaths } from '../engine/store/index.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';

/**
 * `tscompose network create|ls|inspect|rm|prune`, Docker's command shapes. `connect` and
 * `disconnect` name a container and belong with the container commands (they call
 * NetworkManager.connect/disconnect with the container's netns).
 */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `k=v` pairs (labels, driver options); a bare `k` means an empty value, as Docker reads it. */
function keyValues(pairs: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key === '') throw new UsageError(`${flag} "${pair}": expected KEY=VALUE`);
    out[key] = eq < 0 ? '' : pair.slice(eq + 1);
  }
  return out;
}

/**
 * The network manager for the engine root the global options name. TSCOMPOSE_TEST_FAILPOINT
 * (tests only) names a step at which the process kills itself with SIGKILL, to check that the
 * next command repairs what an interrupted one left.
 */
export async function openNetworkManager(env: CommandEnv): Promise<NetworkManager> {
  const paths = enginePaths(env.globals.root ?? DEFAULT_ENGINE_ROOT);
  const failpoint = env.ctx.env['TSCOMPOSE_TEST_FAILPOINT'];
  const nativeOverride = env.ctx.env['TSCOMPOSE_NATIVE'];
  return NetworkManager.open({
    paths,
    lock: new EngineLock(paths.root),
    runtime: {
      startDns: (dir, log) =>
        new Runtime({
          binary: findNativeBinary(nativeOverride === '' ? undefined : nativeOverride),
        }).startDns(dir, log),
    },
    logger: createLogger('engine', env.globals.debug ? env.ctx.stderr : undefined),
    onWarning: (message) => env.ctx.stderr.write(`warning: ${message}\n`),
    ...(failpoint
      ? {
          onStep: (step: string) => {
            if (step === failpoint) process.kill(process.pid, 'SIGKILL');
          },
        }
      : {}),
  });
}

interface CreateOptions {
  driver: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  ipv6?: boolean;
  label?: string[];
  opt?: string[];
}

interface ListOptions {
  format?: string;
  quiet?: boolean;
  filter?: string[];
}

/** Docker's `network ls --filter`: label=K[=V], name=SUBSTRING, id=PREFIX, driver=NAME. */
function matchesFilters(n: NetworkInfo, filters: readonly string[]): boolean {
  return filters.every((f) => {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? '' : f.slice(eq + 1);
    switch (key) {
      case 'label': {
        const [k = '', ...rest] = value.split('=');
        return rest.length === 0 ? k in n.labels : n.labels[k] === rest.join('=');
      }
      case 'name':
        return n.name.includes(value);
      case 'id':
        return n.id.startsWith(value);
      case 'driver':
        return n.driver === value;
      default:
        throw new UsageError(`--filter "${f}": expected label=, name=, id= or driver=`);
    }
  });
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join(''))
      .join('\n') + '\n'
  );
}

export function registerNetworkCommands(program: Command, runner: CommandRunner): void {
  const network = program.command('network').description('manage bridge networks');

  network
    .command('create')
    .description('create a network')
    .argument('<name>')
    .option('-d, --driver <driver>', 'network driver', 'bridge')
    .option('--subnet <cidr>', 'subnet (default: the next free /24 of 10.64.0.0/12)')
    .option('--gateway <ip>', 'gateway address (default: the subnet’s first address)')
    .option('--ip-range <cidr>', 'allocate container addresses from this range of the subnet')
    .option('--internal', 'no egress: containers reach only each other')
    .option('--ipv6', 'enable IPv6 (not supported yet)')
    .option('--label <key=value>', 'set a label (repeatable)', collect)
    .option('-o, --opt <key=value>', 'driver option, e.g. mtu=1400 (repeatable)', collect)
    .action(
      runner.action(async (env, name: string, opts: CreateOptions) => {
        const manager = await openNetworkManager(env);
        const spec: NetworkSpec = {
          name,
          driver: opts.driver as 'bridge',
          ...(opts.subnet !== undefined ? { subnet: opts.subnet } : {}),
          ...(opts.gateway !== undefined ? { gateway: opts.gateway } : {}),
          ...(opts.ipRange !== undefined ? { ipRange: opts.ipRange } : {}),
          internal: opts.internal ?? false,
          enableIpv6: opts.ipv6 ?? false,
          labels: keyValues(opts.label, '--label'),
          options: keyValues(opts.opt, '--opt'),
        };
        const info = await manager.create(spec, { signal: env.ctx.signal });
        env.ctx.stdout.write(`${info.id}\n`);
      }),
    );

  network
    .command('ls')
    .alias('list')
    .description('list networks')
    .option('--format <format>', 'table or json (one object per line)')
    .option('-q, --quiet', 'only ids')
    .option('-f, --filter <filter>', 'label=K[=V], name=, id=, driver= (repeatable)', collect)
    .action(
      runner.action(async (env, opts: ListOptions) => {
        const manager = await openNetworkManager(env);
        const networks = (await manager.list()).filter((n) => matchesFilters(n, opts.filter ?? []));
        if (opts.quiet) {
          env.ctx.stdout.write(networks.map((n) => `${n.id.slice(0, 12)}\n`).join(''));
        } else if (opts.format === 'json') {
          env.ctx.stdout.write(networks.map((n) => `${JSON.stringify(n)}\n`).join(''));
        } else if (opts.format === undefined || opts.format === 'table') {
          env.ctx.stdout.write(
            table([
              ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE', 'SUBNET'],
              ...networks.map((n) => [
                n.id.slice(0, 12),
                n.name,
                n.driver,
                'local',
                n.state === 'ready' ? n.subnet : `${n.subnet} (${n.state}, interrupted)`,
              ]),
            ]),
          );
        } else {
          throw new UsageError(`--format "${opts.format}": expected table or json`);
        }
      }),
    );

  network
    .command('inspect')
    .description('show networks as JSON')
    .argument('<network...>')
    .action(
      runner.action(async (env, names: string[]) => {
        const manager = await openNetworkManager(env);
        const infos: NetworkInfo[] = [];
        for (const name of names) infos.push(await manager.inspect(name));
        env.ctx.stdout.write(`${JSON.stringify(infos, null, 4)}\n`);
      }),
    );

  network
    .command('rm')
    .alias('remove')
    .description('remove networks')
    .argument('<network...>')
    .action(
      runner.action(async (env, names: string[]) => {
        const manager = await openNetworkManager(env);
        const failed: string[] = [];
        for (const name of names) {
          try {
            await manager.remove(name, { signal: env.ctx.signal });
            env.ctx.stdout.write(`${name}\n`);
          } catch (err) {
            if (!(err instanceof EngineError) || names.length === 1) throw err;
            env.ctx.stderr.write(`error: ${err.message}\n`);
            failed.push(name);
          }
        }
        if (failed.length > 0) {
          throw new EngineError('NETWORK_REMOVE_FAILED', `could not remove ${failed.join(', ')}`);
        }
      }),
    );

  network
    .command('prune')
    .description('remove all networks no container uses')
    .option('-f, --force', 'do not ask (tscompose never asks; accepted for compatibility)')
    .option('--filter <filter>', 'label=K=V (repeatable)', collect)
    .action(
      runner.action(async (env, opts: { filter?: string[] }) => {
        const manager = await openNetworkManager(env);
        const labels: Record<string, string> = {};
        for (const f of opts.filter ?? []) {
          const m = /^label=([^=]+)=(.*)$/.exec(f);
          if (!m) throw new UsageError(`--filter "${f}": expected label=KEY=VALUE`);
          labels[m[1]!] = m[2]!;
        }
        const removed = await manager.prune({ signal: env.ctx.signal, labels });
        if (removed.length > 0)
          env.ctx.stdout.write(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}`);
      }),
    );
}
