import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import { parsePlatform, shortDigest, type Engine, type ImageInfo, type Platform } from '../engine/index.js';
import { formatPlatform } from '../engine/index.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { withEngine } from './engine-factory.js';
import { createProgressRenderer, type ProgressRenderer } from './render/progress-renderer.js';
import { formatBytes } from './render/progress-state.js';
import { renderTable, timeAgo } from './render/table.js';

/**
 * `tscompose image pull|push|ls|rm|tag|inspect|save|load|import|prune|history`, in Docker's
 * shapes. Results go to stdout (tables, JSON, references), progress and notes to stderr.
 */

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function isTty(stream: NodeJS.ReadableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function platformOption(text: string | undefined): Platform | undefined {
  if (text === undefined) return undefined;
  try {
    return parsePlatform(text);
  } catch (err) {
    throw new UsageError(`--platform: ${(err as Error).message}`);
  }
}

async function withProgress<T>(
  env: CommandEnv,
  quiet: boolean | undefined,
  fn: (r: ProgressRenderer) => Promise<T>,
): Promise<T> {
  const renderer = createProgressRenderer(quiet ? 'quiet' : env.globals.progress, env.ctx.stderr);
  try {
    return await fn(renderer);
  } finally {
    renderer.done();
  }
}

async function pull(
  env: CommandEnv,
  name: string,
  o: { platform?: string; quiet?: boolean },
): Promise<number> {
  const platform = platformOption(o.platform);
  const result = await withEngine(env, (engine) =>
    withProgress(env, o.quiet, (progress) =>
      engine.images.pull(name, { ...(platform ? { platform } : {}), signal: env.ctx.signal, progress }),
    ),
  );
  if (!o.quiet) {
    env.ctx.stderr.write(`Digest: ${result.repoDigest.slice(result.repoDigest.indexOf('@') + 1)}\n`);
    env.ctx.stderr.write(
      result.status === 'downloaded'
        ? `Status: Downloaded newer image for ${name}\n`
        : `Status: Image is up to date for ${name}\n`,
    );
  }
  env.ctx.stdout.write(`${result.reference}\n`);
  return 0;
}

async function push(env: CommandEnv, name: string, o: { quiet?: boolean }): Promise<number> {
  const result = await withEngine(env, (engine) =>
    withProgress(env, o.quiet, (progress) => engine.images.push(name, { signal: env.ctx.signal, progress })),
  );
  if (!o.quiet) env.ctx.stderr.write(`${result.reference}: digest: ${result.digest} size: ${result.size}\n`);
  env.ctx.stdout.write(`${result.reference}@${result.digest}\n`);
  return 0;
}

interface ListOptions {
  quiet?: boolean;
  format?: string;
  digests?: boolean;
  /** False with `--no-trunc` (commander's negatable option). */
  trunc?: boolean;
}

async function list(env: CommandEnv, o: ListOptions): Promise<number> {
  const rows = await withEngine(env, (engine) => engine.images.list());
  const id = (d: string): string => (o.trunc === false ? d : shortDigest(d));
  if (o.quiet) {
    env.ctx.stdout.write([...new Set(rows.map((r) => id(r.id)))].map((i) => `${i}\n`).join(''));
    return 0;
  }
  if (o.format === 'json') {
    const out = rows.map((r) => ({
      Repository: r.repository,
      Tag: r.tag,
      Digest: r.digest ?? '<none>',
      ID: r.id,
      CreatedAt: r.created ?? null,
      CreatedSince: timeAgo(r.created),
      Size: r.size,
      Platform: formatPlatform(r.platform),
    }));
    env.ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  if (o.format !== undefined && o.format !== 'table')
    throw new UsageError(`--format: expected table or json, got "${o.format}"`);
  const headers = ['REPOSITORY', 'TAG', ...(o.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  const table = rows.map((r) => [
    r.repository,
    r.tag,
    ...(o.digests ? [r.digest ?? '<none>'] : []),
    id(r.id),
    timeAgo(r.created),
    formatBytes(r.size),
  ]);
  env.ctx.stdout.write(renderTable(headers, table));
  return 0;
}

async function remove(env: CommandEnv, images: string[], o: { force?: boolean }): Promise<number> {
  const result = await withEngine(env, (engine) => engine.images.remove(images, { force: o.force ?? false }));
  for (const u of result.untagged) env.ctx.stdout.write(`Untagged: ${u}\n`);
  for (const d of result.deleted) env.ctx.stdout.write(`Deleted: ${d}\n`);
  return 0;
}

async function tag(env: CommandEnv, source: string, target: string): Promise<number> {
  await withEngine(env, (engine) => engine.images.tag(source, target));
  return 0;
}

/** `image inspect` output: Docker's field names, plus the manifest descriptor. */
export function inspectView(i: ImageInfo): Record<string, unknown> {
  return {
    Id: i.id,
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Created: i.created ?? null,
    Author: i.author ?? '',
    Config: i.config,
    Architecture: i.platform.architecture,
    ...(i.platform.variant ? { Variant: i.platform.variant } : {}),
    Os: i.platform.os,
    Size: i.size,
    RootFS: { Type: 'layers', Layers: i.layers.map((l) => l.diffId) },
    Descriptor: i.manifest,
    Metadata: { LastTagTime: i.lastUpdated },
  };
}

async function inspect(env: CommandEnv, images: string[]): Promise<number> {
  const infos = await withEngine(env, (engine) => Promise.all(images.map((i) => engine.images.inspect(i))));
  env.ctx.stdout.write(`${JSON.stringify(infos.map(inspectView), null, 4)}\n`);
  return 0;
}

async function history(
  env: CommandEnv,
  image: string,
  o: { trunc?: boolean; quiet?: boolean; format?: string },
): Promise<number> {
  const noTrunc = o.trunc === false;
  const items = await withEngine(env, (engine) => engine.images.history(image));
  if (o.quiet) {
    env.ctx.stdout.write(
      items.map((h) => `${h.id === '<missing>' ? h.id : noTrunc ? h.id : shortDigest(h.id)}\n`).join(''),
    );
    return 0;
  }
  if (o.format === 'json') {
    env.ctx.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    return 0;
  }
  const cut = (s: string): string => (noTrunc || s.length <= 45 ? s : `${s.slice(0, 44)}…`);
  const rows = items.map((h) => [
    h.id === '<missing>' || noTrunc ? h.id : shortDigest(h.id),
    timeAgo(h.created),
    cut(h.createdBy.replace(/\s+/g, ' ')),
    formatBytes(h.size),
    h.comment,
  ]);
  env.ctx.stdout.write(renderTable(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], rows));
  return 0;
}

async function save(
  env: CommandEnv,
  images: string[],
  o: { output?: string; format: string },
): Promise<number> {
  if (o.format !== 'docker' && o.format !== 'oci')
    throw new UsageError(`--format: expected docker or oci, got "${o.format}"`);
  const format = o.format;
  await withEngine(env, async (engine: Engine) => {
    if (o.output !== undefined) {
      const isDir =
        o.output.endsWith('/') ||
        (await stat(o.output).then(
          (s) => s.isDirectory(),
          () => false,
        ));
      if (isDir) {
        if (format !== 'oci')
          throw new UsageError('save: writing into a directory needs --format oci (an OCI layout)');
        await engine.images.save(images, { directory: o.output }, { format, signal: env.ctx.signal });
        return;
      }
      const file = createWriteStream(o.output, { mode: 0o600 });
      try {
        await engine.images.save(images, file, { format, signal: env.ctx.signal });
      } catch (err) {
        // No half-written archive is left behind to be loaded later.
        file.destroy();
        await rm(o.output, { force: true });
        throw err;
      } finally {
        file.end();
        await finished(file).catch(() => undefined);
      }
      return;
    }
    if (env.ctx.stdout.isTTY) {
      throw new UsageError(
        'save: refusing to write an archive to a terminal; use -o FILE or redirect stdout',
      );
    }
    await engine.images.save(images, env.ctx.stdout as Writable, { format, signal: env.ctx.signal });
  });
  return 0;
}

async function load(env: CommandEnv, o: { input?: string; quiet?: boolean }): Promise<number> {
  if (o.input === undefined && isTty(env.ctx.stdin)) {
    throw new UsageError('load: reading an archive from a terminal; use -i FILE or redirect stdin');
  }
  const input = (o.input !== undefined ? createReadStream(o.input) : env.ctx.stdin) as Readable;
  const result = await withEngine(env, (engine) =>
    withProgress(env, o.quiet, (progress) => engine.images.load(input, { signal: env.ctx.signal, progress })),
  );
  for (const i of result.images) {
    if (i.references.length === 0) env.ctx.stdout.write(`Loaded image ID: ${i.id}\n`);
    for (const r of i.references) env.ctx.stdout.write(`Loaded image: ${r}\n`);
  }
  return 0;
}

async function importImage(
  env: CommandEnv,
  file: string,
  reference: string | undefined,
  o: { change?: string[]; message?: string; platform?: string },
): Promise<number> {
  const platform = platformOption(o.platform);
  if (file === '-' && isTty(env.ctx.stdin)) {
    throw new UsageError('import: reading a tarball from a terminal; name a file or redirect stdin');
  }
  const input = (file === '-' ? env.ctx.stdin : createReadStream(file)) as Readable;
  const info = await withEngine(env, (engine) =>
    engine.images.import(input, {
      changes: o.change ?? [],
      ...(o.message !== undefined ? { message: o.message } : {}),
      ...(reference !== undefined ? { reference } : {}),
      ...(platform ? { platform } : {}),
      source: file,
      signal: env.ctx.signal,
    }),
  );
  env.ctx.stdout.write(`${info.id}\n`);
  return 0;
}

async function prune(env: CommandEnv, o: { all?: boolean }): Promise<number> {
  const r = await withEngine(env, (engine) =>
    engine.images.prune({ all: o.all ?? false, signal: env.ctx.signal }),
  );
  if (r.referencesRemoved.length > 0 || r.imagesDeleted.length > 0) env.ctx.stdout.write('Deleted Images:\n');
  for (const ref of r.referencesRemoved) env.ctx.stdout.write(`untagged: ${ref}\n`);
  for (const id of r.imagesDeleted) env.ctx.stdout.write(`deleted: ${id}\n`);
  env.ctx.stdout.write(
    `\nTotal reclaimed space: ${formatBytes(r.spaceReclaimed)} (${r.blobsDeleted} blobs, ${r.snapshotsDeleted} layer snapshots)\n`,
  );
  return 0;
}

export function registerImageCommands(program: Command, runner: CommandRunner): void {
  const image = program
    .command('image')
    .description('manage images (pull, push, ls, rm, tag, inspect, save, load, import, prune, history)');
  image
    .command('pull')
    .description('download an image from a registry')
    .argument('<name>', 'image reference: [registry/]repository[:tag|@digest]')
    .option('--platform <os/arch[/variant]>', 'platform to select from a multi-platform image')
    .option('-q, --quiet', 'print only the image reference')
    .action(runner.action<[string, { platform?: string; quiet?: boolean }]>(pull));
  image
    .command('push')
    .description('upload an image to a registry')
    .argument('<name>', 'image reference: registry/repository[:tag]')
    .option('-q, --quiet', 'no progress')
    .action(runner.action<[string, { quiet?: boolean }]>(push));
  image
    .command('ls')
    .alias('list')
    .description('list images')
    .option('-q, --quiet', 'only image ids')
    .option('--digests', 'show digests')
    .option('--no-trunc', 'full ids')
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']))
    .action(runner.action<[ListOptions]>(list));
  image
    .command('rm')
    .alias('remove')
    .description('remove image references (and images left without one)')
    .argument('<image...>', 'references or ids')
    .option('-f, --force', 'remove even if several references or a container use it')
    .action(runner.action<[string[], { force?: boolean }]>(remove));
  image
    .command('tag')
    .description('name an image with another reference')
    .argument('<source>', 'existing image')
    .argument('<target>', 'new reference')
    .action(runner.action<[string, string]>(tag));
  image
    .command('inspect')
    .description('show image details as JSON')
    .argument('<image...>', 'references or ids')
    .action(runner.action<[string[]]>(inspect));
  image
    .command('history')
    .description('show how an image was built')
    .argument('<image>', 'reference or id')
    .option('--no-trunc', 'do not cut output')
    .option('-q, --quiet', 'only ids')
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']))
    .action(runner.action<[string, { trunc?: boolean; quiet?: boolean; format?: string }]>(history));
  image
    .command('save')
    .description('write images to an archive (docker save format, or an OCI layout)')
    .argument('<image...>', 'references or ids')
    .option('-o, --output <file>', 'file (or, with --format oci, a directory) instead of stdout')
    .addOption(new Option('--format <format>', 'docker or oci').choices(['docker', 'oci']).default('docker'))
    .action(runner.action<[string[], { output?: string; format: string }]>(save));
  image
    .command('load')
    .description('load images from an archive (docker save, podman save, skopeo docker-archive/oci-archive)')
    .option('-i, --input <file>', 'archive file instead of stdin')
    .option('-q, --quiet', 'no progress')
    .action(runner.action<[{ input?: string; quiet?: boolean }]>(load));
  image
    .command('import')
    .description('make a one-layer image from a root filesystem tarball')
    .argument('<file>', 'tarball (plain, gzip or zstd), or - for stdin')
    .argument('[reference]', 'name for the image: repository[:tag]')
    .option('-c, --change <instruction>', 'Dockerfile instruction to apply (repeatable)', collect)
    .option('-m, --message <message>', 'history comment')
    .option('--platform <os/arch[/variant]>', 'platform to record (default: this host)')
    .action(
      runner.action<[string, string | undefined, { change?: string[]; message?: string; platform?: string }]>(
        importImage,
      ),
    );
  image
    .command('prune')
    .description('remove unused images, then unreferenced blobs and layer snapshots')
    .option('-a, --all', 'remove every image no container uses, not only untagged ones')
    .option('-f, --force', 'do not prompt (there is no prompt; accepted for Docker compatibility)')
    .action(runner.action<[{ all?: boolean }]>(prune));
}
