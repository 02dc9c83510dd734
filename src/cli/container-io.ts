import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { Engine } from '../engine/index.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import { withContainerEngine } from './container-engine.js';
import { parseEnvFile, parseEnvPairs } from './container-flags.js';

/** `container exec|cp|commit|export`: processes and files in and out of containers. */

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `CONTAINER:PATH` or a local path (`-`, or anything starting with `/` or `.`, is local). */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg === '-' || arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon <= 0) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) || '/' };
}

async function copyCommand(
  env: CommandEnv,
  engine: Engine,
  src: string,
  dest: string,
  o: { followLink?: boolean },
): Promise<void> {
  const from = splitCpArg(src);
  const to = splitCpArg(dest);
  if (from.container && to.container)
    throw new UsageError('cp: copying between two containers is not supported');
  if (!from.container && !to.container)
    throw new UsageError('cp: one of SRC and DEST must be CONTAINER:PATH');
  const signal = env.ctx.signal;
  if (from.container) {
    if (!from.path.startsWith('/')) from.path = `/${from.path}`;
    if (to.path === '-') {
      await engine.containers.copyFrom(from.container, from.path, env.ctx.stdout, {
        signal,
        ...(o.followLink ? { followLink: true } : {}),
      });
      return;
    }
    const hostDest = resolve(env.ctx.cwd, to.path);
    const destStat = await stat(hostDest).catch(() => undefined);
    const follow = o.followLink ? { followLink: true } : {};
    const unpackTo = async (dir: string): Promise<void> => {
      const unpack = engine.runtime.unpack(dir, { signal });
      const tar = new PassThrough();
      const piping = pipeline(tar, unpack.stdin);
      try {
        await engine.containers.copyFrom(from.container!, from.path, tar, { signal, ...follow });
      } finally {
        tar.end();
      }
      await piping;
      await unpack.result;
    };
    if (from.path.endsWith('/.')) {
      // The directory's content goes into DEST itself.
      await mkdir(hostDest, { recursive: true });
      await unpackTo(hostDest);
    } else if (destStat?.isDirectory()) {
      await unpackTo(hostDest);
    } else {
      // A new name: unpacked in a private directory beside DEST, then renamed.
      const tmp = await mkdtemp(join(dirname(hostDest), '.tscompose-cp-'));
      try {
        await unpackTo(tmp);
        await rm(hostDest, { recursive: true, force: true });
        await rename(join(tmp, basename(from.path.replace(/\/+$/, '')) || '.'), hostDest);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    }
    return;
  }
  const ref = to.container!;
  const target = to.path.startsWith('/') ? to.path : `/${to.path}`;
  if (from.path === '-') {
    await engine.containers.copyArchiveTo(ref, target, env.ctx.stdin as unknown as Readable, { signal });
    return;
  }
  await engine.containers.copyTo(ref, resolve(env.ctx.cwd, from.path), target, { signal });
}

export function registerContainerIo(container: Command, runner: CommandRunner): void {
  container
    .command('exec')
    .description('run a command in a running container')
    .option('-d, --detach', 'run it in the background')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('--env-file <file>', 'read environment variables from a file (repeatable)', collect)
    .option('-u, --user <user[:group]>', 'user to run as')
    .option('-w, --workdir <dir>', 'working directory')
    .option('--privileged', 'every capability')
    .argument('<container>')
    .argument('<command...>')
    .passThroughOptions()
    .action(
      runner.action(
        async (
          env,
          name: string,
          command: string[],
          o: {
            detach?: boolean;
            interactive?: boolean;
            tty?: boolean;
            env?: string[];
            envFile?: string[];
            user?: string;
            workdir?: string;
            privileged?: boolean;
          },
        ) =>
          withContainerEngine(env, async (engine) => {
            const lookup = (k: string): string | undefined => env.ctx.env[k];
            const vars: Record<string, string> = {};
            for (const f of o.envFile ?? [])
              Object.assign(vars, parseEnvFile(await readFile(resolve(env.ctx.cwd, f), 'utf8'), lookup));
            Object.assign(vars, parseEnvPairs(o.env ?? [], lookup));
            const stdin = env.ctx.stdin as NodeJS.ReadStream;
            const raw =
              o.tty && o.interactive && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
            if (raw) stdin.setRawMode(true);
            try {
              return await engine.containers.exec(
                name,
                {
                  command,
                  env: vars,
                  ...(o.user ? { user: o.user } : {}),
                  ...(o.workdir ? { workingDir: o.workdir } : {}),
                  ...(o.privileged ? { privileged: true } : {}),
                  ...(o.tty ? { tty: true } : {}),
                  ...(o.detach ? { detach: true } : {}),
                },
                {
                  ...(o.interactive ? { stdin: env.ctx.stdin } : {}),
                  stdout: env.ctx.stdout,
                  stderr: env.ctx.stderr,
                },
                { signal: env.ctx.signal },
              );
            } finally {
              if (raw) stdin.setRawMode(false);
              if (o.interactive) stdin.pause?.();
            }
          }),
      ),
    );

  container
    .command('cp')
    .description('copy files between a container and the host (CONTAINER:PATH; "-" for a tar stream)')
    .option('-L, --follow-link', 'follow a symbolic link given as SRC')
    .option('-a, --archive', 'keep uid/gid (always done)')
    .argument('<src>')
    .argument('<dest>')
    .action(
      runner.action(async (env, src: string, dest: string, o: { followLink?: boolean }) =>
        withContainerEngine(env, (engine) => copyCommand(env, engine, src, dest, o)),
      ),
    );

  container
    .command('commit')
    .description("make an image of a container's changes")
    .option('-a, --author <author>', 'author')
    .option('-m, --message <message>', 'commit message')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction (repeatable)', collect)
    .option('--no-pause', 'do not freeze the container while committing')
    .argument('<container>')
    .argument('[repository[:tag]]')
    .action(
      runner.action(
        async (
          env,
          name: string,
          ref: string | undefined,
          o: { author?: string; message?: string; change?: string[]; pause: boolean },
        ) =>
          withContainerEngine(env, async (engine) => {
            const image = await engine.containers.commit(name, {
              ...(ref ? { reference: ref } : {}),
              ...(o.author ? { author: o.author } : {}),
              ...(o.message ? { message: o.message } : {}),
              ...(o.change ? { changes: o.change } : {}),
              pause: o.pause,
              signal: env.ctx.signal,
            });
            env.ctx.stdout.write(`${image.id}\n`);
          }),
      ),
    );

  container
    .command('export')
    .description("the container's filesystem as a tar archive")
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .argument('<container>')
    .action(
      runner.action(async (env, name: string, o: { output?: string }) =>
        withContainerEngine(env, async (engine) => {
          let out: Writable = env.ctx.stdout;
          if (o.output) out = createWriteStream(resolve(env.ctx.cwd, o.output), { mode: 0o600 });
          else if ((env.ctx.stdout as { isTTY?: boolean }).isTTY) {
            throw new UsageError(
              'export: refusing to write an archive to a terminal',
              'use -o FILE or redirect stdout',
            );
          }
          await engine.containers.export(name, out, { signal: env.ctx.signal });
          if (o.output) {
            out.end();
            await finished(out);
          }
        }),
      ),
    );
}
