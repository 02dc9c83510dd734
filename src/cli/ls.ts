import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { collect } from './compose-flags.js';

interface LsFlags {
  all?: boolean;
  format: string;
  quiet?: boolean;
  filter?: string[];
}

/**
 * `tscompose ls`: the projects that have containers in this engine root, found by label — NAME,
 * STATUS (`running(2), exited(1)`), CONFIG FILES. Running projects only unless `-a`. Needs no stack file.
 */
export function registerLs(program: Command, runner: CommandRunner): void {
  program
    .command('ls')
    .description('List projects')
    .option('-a, --all', 'also projects whose containers are all stopped')
    .addOption(new Option('--format <format>', 'table or json').default('table'))
    .option('-q, --quiet', 'only names')
    .option('--filter <name=value>', 'filter (name=PROJECT)', collect)
    .action(runner.action((env: CommandEnv, f: LsFlags) => runLs(env, f)));
}

async function runLs(env: CommandEnv, f: LsFlags): Promise<number> {
  if (f.format !== 'table' && f.format !== 'json')
    throw new UsageError(`--format: expected table or json, got "${f.format}"`);
  const nameFilters = (f.filter ?? []).map((x) => {
    const m = /^name=(.+)$/.exec(x);
    if (!m) throw new UsageError(`--filter: only name=PROJECT is supported, got "${x}"`);
    return m[1] as string;
  });
  const [{ withEngine }, { createEnginePort }, { LABEL }, { renderTable }] = await Promise.all([
    import('./engine-factory.js'),
    import('../reconciler/engine-adapter.js'),
    import('../planner/labels.js'),
    import('./render/table.js'),
  ]);
  const containers = await withEngine(env, (engine) =>
    createEnginePort(engine).listContainers({ labels: { [LABEL.project]: '' } }, { signal: env.ctx.signal }),
  );
  const projects = new Map<string, { states: Map<string, number>; files: Set<string> }>();
  for (const c of containers) {
    const name = c.labels[LABEL.project] as string;
    const p = projects.get(name) ?? { states: new Map<string, number>(), files: new Set<string>() };
    p.states.set(c.state, (p.states.get(c.state) ?? 0) + 1);
    const files = c.labels[LABEL.configFiles];
    if (files) for (const file of files.split(',')) p.files.add(file);
    projects.set(name, p);
  }
  const rows = [...projects]
    .filter(([name]) => nameFilters.length === 0 || nameFilters.some((n) => name.includes(n)))
    .filter(([, p]) => f.all === true || (p.states.get('running') ?? 0) > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, p]) => ({
      name,
      // Running first (what `ls` is mostly asked for), then the other states by name.
      status: [...p.states]
        .sort(([a], [b]) => (a === 'running' ? -1 : b === 'running' ? 1 : a < b ? -1 : 1))
        .map(([s, n]) => `${s}(${n})`)
        .join(', '),
      files: [...p.files].join(','),
    }));
  if (f.quiet) env.ctx.stdout.write(rows.map((r) => `${r.name}\n`).join(''));
  else if (f.format === 'json') {
    env.ctx.stdout.write(
      `${JSON.stringify(
        rows.map((r) => ({ Name: r.name, Status: r.status, ConfigFiles: r.files })),
        null,
        2,
      )}\n`,
    );
  } else {
    env.ctx.stdout.write(
      renderTable(
        ['NAME', 'STATUS', 'CONFIG FILES'],
        rows.map((r) => [r.name, r.status, r.files]),
      ),
    );
  }
  return 0;
}
