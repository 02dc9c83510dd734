import { writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import {
  extractVariables,
  projectToJson,
  projectToYamlObject,
  servicesInDependencyOrder,
  type LoadSwitches,
  type TemplateVariable,
} from '../spec/index.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { loadCliModel, loadCliProject } from './project-loader.js';

interface ConfigOptions {
  format?: 'yaml' | 'json';
  quiet?: boolean;
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  images?: boolean;
  profiles?: boolean;
  variables?: boolean;
  environment?: boolean;
  interpolate: boolean;
  normalize: boolean;
  pathResolution: boolean;
  consistency: boolean;
  envResolution: boolean;
  output?: string;
  hash?: string;
}

/** `tscompose config`: validate the stack and print it in canonical form (or one of its lists). */
export function registerConfig(program: Command, runner: CommandRunner): void {
  program
    .command('config')
    .description('Parse, resolve and render the stack file in canonical format')
    .argument('[services...]', 'only these services (and their dependencies); activates their profiles')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']))
    .option('-q, --quiet', 'only validate the configuration, print nothing')
    .option('--services', 'print the service names, one per line (dependencies first)')
    .option('--volumes', 'print the volume names, one per line')
    .option('--networks', 'print the network names, one per line')
    .option('--images', 'print the image names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--variables', 'print the variables the stack uses, with their defaults')
    .option('--environment', 'print the environment used for interpolation')
    .option('--no-interpolate', "don't interpolate environment variables")
    .option(
      '--no-normalize',
      "don't normalize the model (resource names, default network, implicit depends_on)",
    )
    .option('--no-path-resolution', "don't resolve file paths")
    .option('--no-consistency', "don't check model consistency (the output may not be a valid stack)")
    .option('--no-env-resolution', "don't read env_file/label_file into environment/labels")
    .option('-o, --output <file>', 'save to a file instead of printing')
    .option('--hash <services>', 'print the config hash of these services ("web,api" or "*")')
    .action(
      runner.action((env: CommandEnv, services: string[], opts: ConfigOptions) =>
        runConfig(env, services, opts),
      ),
    );
}

async function runConfig(env: CommandEnv, services: string[], opts: ConfigOptions): Promise<number> {
  if (opts.hash !== undefined) return (await import('./config-hash.js')).runConfigHash(env, opts.hash);
  const { ctx, globals } = env;
  const switches: Partial<LoadSwitches> = {
    interpolate: opts.interpolate,
    normalize: opts.normalize,
    resolvePaths: opts.pathResolution,
    consistency: opts.consistency,
    resolveEnvironment: opts.envResolution,
  };
  const print = (text: string): void => {
    if (!opts.quiet) ctx.stdout.write(text);
  };
  const lines = (items: readonly string[]): void => print(items.map((i) => `${i}\n`).join(''));

  if (opts.variables) {
    const { model } = await loadCliModel(globals, ctx, {
      switches: { ...switches, interpolate: false, validate: false, resolveEnvironment: false },
    });
    print(renderVariables(collectVariables(model), opts.format));
    return 0;
  }
  if (!opts.interpolate && !opts.environment) {
    const { model } = await loadCliModel(globals, ctx, { switches });
    if (opts.services) lines(Object.keys(sectionOf(model, 'services')));
    else if (opts.volumes) lines(Object.keys(sectionOf(model, 'volumes')).sort());
    else if (opts.networks) lines(Object.keys(sectionOf(model, 'networks')).sort());
    else await emit(env, opts, render(model, opts.format ?? 'yaml'));
    return 0;
  }
  const listing = opts.services || opts.volumes || opts.networks;
  const project = await loadCliProject(globals, ctx, {
    switches: listing ? { ...switches, resolveEnvironment: false } : switches,
    services,
  });
  if (opts.services) lines(servicesInDependencyOrder(project));
  else if (opts.volumes) lines(Object.keys(project.volumes).sort());
  else if (opts.networks) lines(Object.keys(project.networks).sort());
  else if (opts.images) {
    lines(
      Object.keys(project.services)
        .sort()
        .map((name) => project.services[name]?.image ?? `${project.name}-${name}`),
    );
  } else if (opts.profiles) {
    const all = new Set<string>();
    for (const s of [...Object.values(project.services), ...Object.values(project.disabledServices)]) {
      for (const p of s.profiles ?? []) all.add(p);
    }
    lines([...all].sort());
  } else if (opts.environment) {
    lines(
      Object.keys(project.environment)
        .sort()
        .map((k) => `${k}=${project.environment[k]}`),
    );
  } else {
    const format = opts.format ?? 'yaml';
    const document = format === 'json' ? projectToJson(project) : projectToYamlObject(project);
    // `$` is escaped so the output loads again to the same model (Compose does the same).
    await emit(
      env,
      opts,
      render(document, format).replaceAll('$', () => '$$'),
    );
  }
  return 0;
}

function sectionOf(model: Record<string, unknown>, key: string): Record<string, unknown> {
  const section = model[key];
  return typeof section === 'object' && section !== null && !Array.isArray(section)
    ? (section as Record<string, unknown>)
    : {};
}

function render(document: unknown, format: 'yaml' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  return stringify(document, { indent: 2, lineWidth: 0, aliasDuplicateObjects: false });
}

async function emit(env: CommandEnv, opts: ConfigOptions, content: string): Promise<void> {
  if (opts.quiet) return;
  if (opts.output === undefined) {
    env.ctx.stdout.write(content);
    return;
  }
  const target = posix.isAbsolute(opts.output) ? opts.output : posix.join(env.ctx.cwd, opts.output);
  await writeFile(target, content, { signal: env.ctx.signal });
}

/** Every variable the model's values refer to (keys are never interpolated), by name. */
function collectVariables(model: unknown): Map<string, TemplateVariable> {
  const found = new Map<string, TemplateVariable>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') for (const v of extractVariables(value)) found.set(v.name, v);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(model);
  return new Map([...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A table by default, as `docker compose config --variables` prints it; YAML or JSON on request. */
function renderVariables(vars: Map<string, TemplateVariable>, format: 'yaml' | 'json' | undefined): string {
  if (format === 'yaml' || format === 'json') {
    const out: Record<string, unknown> = {};
    for (const [name, v] of vars) {
      out[name] = {
        name: v.name,
        defaultValue: v.defaultValue,
        presenceValue: v.presenceValue,
        required: v.required,
      };
    }
    return render(out, format);
  }
  const rows = [['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE']];
  for (const v of vars.values()) rows.push([v.name, String(v.required), v.defaultValue, v.presenceValue]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd((widths[i] ?? 0) + 3))
          .join('')
          .trimEnd()}\n`,
    )
    .join('');
}
