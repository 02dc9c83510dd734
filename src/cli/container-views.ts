import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { ContainerInfo, ContainerState, Engine } from '../engine/index.js';
import type { CommandRunner } from './command-runner.js';
import { withContainerEngine } from './container-engine.js';
import { applyTemplate, commandText, listJson, portsText, statusText } from './container-format.js';
import { formatBytes } from './render/progress-state.js';
import { renderTable, timeAgo } from './render/table.js';

/** `container ls|inspect|logs|top|stats`: what runs, and what it does. */

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
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

/** Docker's `ps --filter`: label=K[=V], status=S, name=N, id=PREFIX; same keys OR, different keys AND. */
export function matchContainerFilters(c: ContainerInfo, filters: readonly string[]): boolean {
  const groups = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new UsageError(`--filter "${f}": expected KEY=VALUE`);
    const key = f.slice(0, eq);
    if (!['label', 'status', 'name', 'id', 'health', 'exited'].includes(key)) {
      throw new UsageError(`--filter "${f}": expected label=, status=, name=, id=, health= or exited=`);
    }
    groups.set(key, [...(groups.get(key) ?? []), f.slice(eq + 1)]);
  }
  return [...groups.entries()].every(([key, values]) =>
    values.some((v) => {
      switch (key) {
        case 'label': {
          const i = v.indexOf('=');
          return i < 0 ? v in c.labels : c.labels[v.slice(0, i)] === v.slice(i + 1);
        }
        case 'status':
          if (!STATES.includes(v as ContainerState))
            throw new UsageError(`--filter status=${v}: expected one of ${STATES.join(', ')}`);
          return c.state === v;
        case 'name':
          return c.name.includes(v);
        case 'id':
          return c.id.startsWith(v);
        case 'health':
          return (c.health?.status ?? 'none') === v;
        default:
          return c.state === 'exited' && String(c.exitCode) === v;
      }
    }),
  );
}

function statsRow(s: Awaited<ReturnType<Engine['containers']['stats']>>, cpu: number): string[] {
  const mem = s.memoryUsageBytes;
  return [
    s.id.slice(0, 12),
    s.name,
    `${cpu.toFixed(2)}%`,
    `${formatBytes(mem)} / ${formatBytes(s.memoryLimitBytes)}`,
    `${s.memoryLimitBytes > 0 ? ((mem / s.memoryLimitBytes) * 100).toFixed(2) : '0.00'}%`,
    `${formatBytes(s.netRxBytes)} / ${formatBytes(s.netTxBytes)}`,
    `${formatBytes(s.blockReadBytes)} / ${formatBytes(s.blockWriteBytes)}`,
    String(s.pids),
  ];
}

export function registerContainerViews(container: Command, runner: CommandRunner): void {
  container
    .command('ls')
    .alias('ps')
    .alias('list')
    .description('list containers (running ones; -a for all)')
    .option('-a, --all', 'all containers, not only running ones')
    .option('-q, --quiet', 'only ids')
    .option('--no-trunc', 'full ids')
    .option(
      '-f, --filter <filter>',
      'label=K[=V], status=, name=, id=, health=, exited= (repeatable)',
      collect,
    )
    .option('--format <format>', 'table or json (one object per line)')
    .action(
      runner.action(
        async (
          env,
          o: { all?: boolean; quiet?: boolean; trunc?: boolean; filter?: string[]; format?: string },
        ) =>
          withContainerEngine(env, async (engine) => {
            const explicitStatus = (o.filter ?? []).some((f) => f.startsWith('status='));
            const list = (await engine.containers.list()).filter(
              (c) =>
                (o.all ||
                  explicitStatus ||
                  c.state === 'running' ||
                  c.state === 'paused' ||
                  c.state === 'restarting') &&
                matchContainerFilters(c, o.filter ?? []),
            );
            const id = (c: ContainerInfo): string => (o.trunc === false ? c.id : c.id.slice(0, 12));
            if (o.quiet) env.ctx.stdout.write(list.map((c) => `${id(c)}\n`).join(''));
            else if (o.format === 'json')
              env.ctx.stdout.write(
                list.map((c) => `${JSON.stringify({ ...listJson(c), ID: id(c) })}\n`).join(''),
              );
            else if (o.format === undefined || o.format === 'table') {
              env.ctx.stdout.write(
                renderTable(
                  ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
                  list.map((c) => [
                    id(c),
                    c.image,
                    commandText(c),
                    timeAgo(c.created),
                    statusText(c),
                    portsText(c),
                    c.name,
                  ]),
                ),
              );
            } else
              env.ctx.stdout.write(list.map((c) => `${applyTemplate(o.format!, listJson(c))}\n`).join(''));
          }),
      ),
    );

  container
    .command('inspect')
    .description('show containers as JSON (Docker’s shape)')
    .option('-f, --format <template>', 'json, or a template such as {{.State.Status}}')
    .argument('<container...>')
    .action(
      runner.action(async (env, names: string[], o: { format?: string }) =>
        withContainerEngine(env, async (engine) => {
          const docs: Record<string, unknown>[] = [];
          for (const n of names) docs.push(await engine.containers.inspectDocker(n));
          if (o.format === undefined) env.ctx.stdout.write(`${JSON.stringify(docs, null, 4)}\n`);
          else if (o.format === 'json')
            env.ctx.stdout.write(docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
          else env.ctx.stdout.write(docs.map((d) => `${applyTemplate(o.format!, d)}\n`).join(''));
        }),
      ),
    );

  container
    .command('logs')
    .description("show a container's output")
    .option('-f, --follow', 'keep printing new output until the container stops')
    .option('--since <time>', 'only since this time (RFC 3339, Unix time, or a duration like 10m)')
    .option('--until <time>', 'only before this time')
    .option('-n, --tail <n>', 'only the last N lines ("all" for everything)', 'all')
    .option('-t, --timestamps', 'prefix each line with its time')
    .argument('<container>')
    .action(
      runner.action(
        async (
          env,
          name: string,
          o: { follow?: boolean; since?: string; until?: string; tail: string; timestamps?: boolean },
        ) =>
          withContainerEngine(env, async (engine) => {
            const { parseLogTimeBound } = await import('../engine/container/log-record.js');
            const { lineBytes } = await import('../engine/container/container-logs.js');
            const now = Date.now();
            if (o.tail !== 'all' && !/^[0-9]+$/.test(o.tail))
              throw new UsageError(`--tail "${o.tail}": expected a number or all`);
            for await (const line of engine.containers.logs(name, {
              ...(o.follow ? { follow: true } : {}),
              ...(o.since ? { sinceNs: parseLogTimeBound(o.since, now) } : {}),
              ...(o.until ? { untilNs: parseLogTimeBound(o.until, now) } : {}),
              ...(o.tail !== 'all' ? { tail: Number(o.tail) } : {}),
              signal: env.ctx.signal,
            })) {
              (line.stream === 'stderr' ? env.ctx.stderr : env.ctx.stdout).write(
                lineBytes(line, o.timestamps ?? false),
              );
            }
          }),
      ),
    );

  container
    .command('top')
    .description("show a container's processes")
    .argument('<container>')
    .action(
      runner.action(async (env, name: string) =>
        withContainerEngine(env, async (engine) => {
          const t = await engine.containers.top(name, { signal: env.ctx.signal });
          env.ctx.stdout.write(renderTable(t.titles, t.processes));
        }),
      ),
    );

  container
    .command('stats')
    .description('resource use of containers (cgroup figures)')
    .option('--no-stream', 'print one sample and exit')
    .option('-a, --all', 'all containers, not only running ones')
    .option('--format <format>', 'table or json')
    .argument('[container...]')
    .action(
      runner.action(async (env, names: string[], o: { stream: boolean; all?: boolean; format?: string }) =>
        withContainerEngine(env, async (engine) => {
          const targets =
            names.length > 0
              ? names
              : (await engine.containers.list())
                  .filter((c) => o.all || c.state === 'running')
                  .map((c) => c.id);
          let prev = new Map<string, Awaited<ReturnType<Engine['containers']['stats']>>>();
          for (const t of targets) prev.set(t, await engine.containers.stats(t));
          const { cpuPercent } = await import('../engine/container/container-stats.js');
          for (;;) {
            await sleep(o.stream ? 1000 : 500, undefined, { signal: env.ctx.signal });
            const rows: string[][] = [];
            const json: Record<string, unknown>[] = [];
            const next = new Map<string, Awaited<ReturnType<Engine['containers']['stats']>>>();
            for (const t of targets) {
              const s = await engine.containers.stats(t);
              next.set(t, s);
              const cpu = cpuPercent(prev.get(t) ?? s, s);
              rows.push(statsRow(s, cpu));
              json.push({ ...s, cpuPercent: cpu });
            }
            prev = next;
            if (o.format === 'json') env.ctx.stdout.write(json.map((j) => `${JSON.stringify(j)}\n`).join(''));
            else {
              env.ctx.stdout.write(
                renderTable(
                  [
                    'CONTAINER ID',
                    'NAME',
                    'CPU %',
                    'MEM USAGE / LIMIT',
                    'MEM %',
                    'NET I/O',
                    'BLOCK I/O',
                    'PIDS',
                  ],
                  rows,
                ),
              );
            }
            if (!o.stream) return;
          }
        }),
      ),
    );
}
