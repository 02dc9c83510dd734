import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { ContainerInfo, ContainerState } from '../engine/container/types.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { collect } from './compose-flags.js';

interface PsFlags {
  all?: boolean;
  quiet?: boolean;
  services?: boolean;
  status?: string[];
  filter?: string[];
  format?: string;
  /** False with `--no-trunc`. */
  trunc: boolean;
  /** False with `--no-orphans`. */
  orphans: boolean;
}

const STATES: readonly ContainerState[] = [
  'created',
  'running',
  'paused',
  'restarting',
  'exited',
  'dead',
  'removing',
];

/**
 * `tscompose ps [SERVICE...]`: the project's containers (running ones; `-a` all, one-off `run`
 * containers included), as Compose prints them: NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS;
 * `--format json` one JSON object per line; `-q` ids; `--services` service names.
 */
export function registerPs(program: Command, runner: CommandRunner): void {
  program
    .command('ps')
    .description('List the containers of the project')
    .argument('[services...]', 'only these services')
    .option('-a, --all', 'show all containers (stopped ones and one-off run containers included)')
    .option('-q, --quiet', 'only ids')
    .option('--services', 'only service names')
    .option('--status <status>', `filter by state: ${STATES.join(', ')} (repeatable)`, collect)
    .option('--filter <key=value>', 'filter (status=STATE)', collect)
    .addOption(new Option('--format <format>', 'table or json').default('table'))
    .option('--no-trunc', "don't truncate ids and commands")
    .option('--no-orphans', "don't show containers of services not in the stack")
    .action(
      runner.action((env: CommandEnv, services: string[], flags: PsFlags) => runPs(env, services, flags)),
    );
}

function statusFilter(flags: PsFlags): Set<string> | undefined {
  const wanted = [...(flags.status ?? [])];
  for (const f of flags.filter ?? []) {
    const m = /^status=(.+)$/.exec(f);
    if (!m) throw new UsageError(`--filter: only status=STATE is supported, got "${f}"`);
    wanted.push(m[1] as string);
  }
  for (const s of wanted) {
    if (!STATES.includes(s as ContainerState))
      throw new UsageError(`--status: expected one of ${STATES.join(', ')}, got "${s}"`);
  }
  return wanted.length > 0 ? new Set(wanted) : undefined;
}

async function runPs(env: CommandEnv, services: string[], flags: PsFlags): Promise<number> {
  const statuses = statusFilter(flags);
  if (flags.format !== 'table' && flags.format !== 'json') {
    throw new UsageError(`--format: expected table or json, got "${String(flags.format)}"`);
  }
  const [{ withProjectSession }, { LABEL }, status, { renderTable, timeAgo }] = await Promise.all([
    import('./project-session.js'),
    import('../planner/labels.js'),
    import('./render/container-status.js'),
    import('./render/table.js'),
  ]);
  const rows = await withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const scope = session.scope(services);
    let list: ContainerInfo[] = await session.containers(scope, { oneoff: flags.all === true });
    const { project } = session;
    const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices)]);
    if (flags.orphans && services.length === 0 && project.profiles.length === 0 && known.size > 0) {
      // Containers of services the stack no longer has (`up --remove-orphans` would remove them).
      const all = await session.port.listContainers({ project: project.name });
      const orphans = all.filter(
        (c) => !known.has(c.labels[LABEL.service] ?? '') && c.labels[LABEL.oneoff] !== 'true',
      );
      list = [...list, ...orphans];
    }
    return list
      .filter((c) => (statuses ? statuses.has(c.state) : flags.all === true || isUp(c)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  });
  const now = Date.now();
  const out = env.ctx.stdout;
  if (flags.quiet) {
    out.write(rows.map((c) => `${flags.trunc ? c.id.slice(0, 12) : c.id}\n`).join(''));
    return 0;
  }
  if (flags.services) {
    out.write([...new Set(rows.map((c) => c.labels[LABEL.service] ?? ''))].map((s) => `${s}\n`).join(''));
    return 0;
  }
  if (flags.format === 'json') {
    for (const c of rows) {
      out.write(
        `${JSON.stringify({
          ID: c.id,
          Name: c.name,
          Image: c.image,
          Command: status.commandText(c, true).slice(1, -1),
          Project: c.labels[LABEL.project] ?? '',
          Service: c.labels[LABEL.service] ?? '',
          Created: c.created,
          State: c.state,
          Status: status.statusText(c, now),
          Health: c.health?.status ?? '',
          ExitCode: c.exitCode ?? 0,
          Publishers: c.ports.map((p) => ({
            URL: p.hostIp,
            TargetPort: p.containerPort,
            PublishedPort: p.hostPort,
            Protocol: p.protocol,
          })),
        })}\n`,
      );
    }
    return 0;
  }
  out.write(
    renderTable(
      ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
      rows.map((c) => [
        c.name,
        c.image,
        status.commandText(c, !flags.trunc),
        c.labels[LABEL.service] ?? '',
        timeAgo(c.created, now),
        status.statusText(c, now),
        status.portsText(c.ports),
      ]),
    ),
  );
  return 0;
}

/** What `ps` shows without `-a`: containers with a process (running, paused, restarting). */
function isUp(c: ContainerInfo): boolean {
  return c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
}
