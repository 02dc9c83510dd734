import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import { EngineError } from '../engine/errors.js';
import type { VolumeInfo } from '../engine/index.js';
import type { CommandRunner } from './command-runner.js';
import { withContainerEngine } from './container-engine.js';
import { formatBytes } from './render/progress-state.js';
import { renderTable } from './render/table.js';

/** `tscompose volume create|ls|inspect|rm|prune`, Docker's command shapes. */

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

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

/** `--filter`: label=K[=V], name=SUBSTRING, dangling=true|false; same keys OR, different keys AND. */
export function matchVolumeFilters(v: VolumeInfo, filters: readonly string[]): boolean {
  const groups = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    if (!['label', 'name', 'dangling', 'driver'].includes(key)) {
      throw new UsageError(`--filter "${f}": expected label=, name=, dangling= or driver=`);
    }
    groups.set(key, [...(groups.get(key) ?? []), eq < 0 ? '' : f.slice(eq + 1)]);
  }
  return [...groups.entries()].every(([key, values]) =>
    values.some((value) => {
      if (key === 'label') {
        const i = value.indexOf('=');
        return i < 0 ? value in v.labels : v.labels[value.slice(0, i)] === value.slice(i + 1);
      }
      if (key === 'name') return v.name.includes(value);
      if (key === 'driver') return v.driver === value;
      if (value !== 'true' && value !== 'false')
        throw new UsageError(`--filter dangling=${value}: expected true or false`);
      return (v.usedBy.length === 0) === (value === 'true');
    }),
  );
}

export function registerVolumeCommands(program: Command, runner: CommandRunner): void {
  const volume = program.command('volume').description('manage volumes');

  volume
    .command('create')
    .description('create a volume (named, or with a random name)')
    .option('-d, --driver <driver>', 'volume driver', 'local')
    .option('--label <key=value>', 'set a label (repeatable)', collect)
    .option('-o, --opt <key=value>', 'driver option: type, device, o (repeatable)', collect)
    .argument('[name]')
    .action(
      runner.action(
        async (env, name: string | undefined, o: { driver: string; label?: string[]; opt?: string[] }) =>
          withContainerEngine(env, async (engine) => {
            if (o.driver !== 'local') throw new UsageError(`--driver "${o.driver}": only local is supported`);
            const info = await engine.volumes.create(
              {
                name: name ?? randomBytes(32).toString('hex'),
                driver: 'local',
                labels: keyValues(o.label, '--label'),
                driverOpts: keyValues(o.opt, '--opt'),
              },
              { signal: env.ctx.signal },
            );
            env.ctx.stdout.write(`${info.name}\n`);
          }),
      ),
    );

  volume
    .command('ls')
    .alias('list')
    .description('list volumes')
    .option('-q, --quiet', 'only names')
    .option('-f, --filter <filter>', 'label=K[=V], name=, dangling=true|false (repeatable)', collect)
    .option('--format <format>', 'table or json (one object per line)')
    .action(
      runner.action(async (env, o: { quiet?: boolean; filter?: string[]; format?: string }) =>
        withContainerEngine(env, async (engine) => {
          const list = (await engine.volumes.list()).filter((v) => matchVolumeFilters(v, o.filter ?? []));
          if (o.quiet) env.ctx.stdout.write(list.map((v) => `${v.name}\n`).join(''));
          else if (o.format === 'json')
            env.ctx.stdout.write(list.map((v) => `${JSON.stringify(v)}\n`).join(''));
          else if (o.format === undefined || o.format === 'table') {
            env.ctx.stdout.write(
              renderTable(
                ['DRIVER', 'VOLUME NAME'],
                list.map((v) => [v.driver, v.name]),
              ),
            );
          } else throw new UsageError(`--format "${o.format}": expected table or json`);
        }),
      ),
    );

  volume
    .command('inspect')
    .description('show volumes as JSON')
    .argument('<volume...>')
    .action(
      runner.action(async (env, names: string[]) =>
        withContainerEngine(env, async (engine) => {
          const docs = [];
          for (const n of names) {
            const v = await engine.volumes.inspect(n);
            docs.push({
              CreatedAt: v.created,
              Driver: v.driver,
              Labels: v.labels,
              Mountpoint: v.mountpoint,
              Name: v.name,
              Options: v.driverOpts,
              Scope: 'local',
              Anonymous: v.anonymous,
              UsedBy: v.usedBy,
            });
          }
          env.ctx.stdout.write(`${JSON.stringify(docs, null, 4)}\n`);
        }),
      ),
    );

  volume
    .command('rm')
    .alias('remove')
    .description('remove volumes no container uses')
    .option('-f, --force', 'no error for a volume that does not exist')
    .argument('<volume...>')
    .action(
      runner.action(async (env, names: string[], o: { force?: boolean }) =>
        withContainerEngine(env, async (engine) => {
          const failed: string[] = [];
          for (const n of names) {
            try {
              await engine.volumes.remove(n, { force: o.force ?? false, signal: env.ctx.signal });
              env.ctx.stdout.write(`${n}\n`);
            } catch (err) {
              if (!(err instanceof EngineError) || names.length === 1) throw err;
              env.ctx.stderr.write(`error: ${err.message}\n`);
              failed.push(n);
            }
          }
          if (failed.length > 0)
            throw new EngineError('VOLUME_REMOVE_FAILED', `could not remove ${failed.join(', ')}`);
        }),
      ),
    );

  volume
    .command('prune')
    .description('remove unused anonymous volumes (-a: all unused volumes)')
    .option('-a, --all', 'named volumes too')
    .option('-f, --force', 'do not ask (tscompose never asks)')
    .option('--filter <filter>', 'label=K[=V] (repeatable)', collect)
    .action(
      runner.action(async (env, o: { all?: boolean; filter?: string[] }) =>
        withContainerEngine(env, async (engine) => {
          const labels: Record<string, string | undefined> = {};
          for (const f of o.filter ?? []) {
            const m = /^label=([^=]+)(?:=(.*))?$/.exec(f);
            if (!m) throw new UsageError(`--filter "${f}": expected label=KEY[=VALUE]`);
            labels[m[1]!] = m[2];
          }
          const r = await engine.volumes.prune({ all: o.all ?? false, labels, signal: env.ctx.signal });
          if (r.volumesDeleted.length > 0)
            env.ctx.stdout.write(`Deleted Volumes:\n${r.volumesDeleted.map((v) => `${v}\n`).join('')}\n`);
          env.ctx.stdout.write(`Total reclaimed space: ${formatBytes(r.spaceReclaimed)}\n`);
        }),
      ),
    );
}
