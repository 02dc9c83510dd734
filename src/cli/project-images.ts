import { Option, type Command } from 'commander';
import { UsageError } from '../common/usage-error.js';
import type { CommandEnv, CommandRunner } from './command-runner.js';
import type { ProjectSession } from './project-session.js';

/**
 * The project's image commands: `images` (what its containers run), `pull` and `push` (the
 * services' images, progress per layer on stderr).
 */
export function registerProjectImageCommands(program: Command, runner: CommandRunner): void {
  program
    .command('images')
    .description('List the images used by the containers of the project')
    .argument('[services...]', 'only these services')
    .addOption(new Option('--format <format>', 'table or json').default('table'))
    .option('-q, --quiet', 'only image ids')
    .action(
      runner.action((env: CommandEnv, services: string[], f: { format: string; quiet?: boolean }) =>
        runImages(env, services, f),
      ),
    );
  program
    .command('pull')
    .description("Pull the services' images")
    .argument('[services...]', 'only these services')
    .option('--ignore-pull-failures', 'pull what can be pulled and report the rest')
    .option('--ignore-buildable', 'skip images of services that build')
    .option('--include-deps', 'also the services they depend on')
    .addOption(
      new Option('--policy <policy>', 'missing: only absent images; always (default)').choices([
        'missing',
        'always',
      ]),
    )
    .option('-q, --quiet', 'pull without progress')
    .action(runner.action((env: CommandEnv, services: string[], f: PullFlags) => runPull(env, services, f)));
  program
    .command('push')
    .description("Push the services' images")
    .argument('[services...]', 'only these services')
    .option('--ignore-push-failures', 'push what can be pushed and report the rest')
    .option('--include-deps', 'also the services they depend on')
    .option('-q, --quiet', 'push without progress')
    .action(runner.action((env: CommandEnv, services: string[], f: PushFlags) => runPush(env, services, f)));
}

interface PullFlags {
  ignorePullFailures?: boolean;
  ignoreBuildable?: boolean;
  includeDeps?: boolean;
  policy?: 'missing' | 'always';
  quiet?: boolean;
}

interface PushFlags {
  ignorePushFailures?: boolean;
  includeDeps?: boolean;
  quiet?: boolean;
}

async function runImages(
  env: CommandEnv,
  services: string[],
  f: { format: string; quiet?: boolean },
): Promise<number> {
  if (f.format !== 'table' && f.format !== 'json')
    throw new UsageError(`--format: expected table or json, got "${f.format}"`);
  const [
    { withProjectSession },
    { renderTable },
    { formatBytes },
    { familiarReference, parseReference, shortDigest },
  ] = await Promise.all([
    import('./project-session.js'),
    import('./render/table.js'),
    import('./render/progress-state.js'),
    import('../engine/index.js'),
  ]);
  await withProjectSession(env, { allowMissingFile: true }, async (session) => {
    const rows: { container: string; repository: string; tag: string; id: string; size: number }[] = [];
    for (const c of await session.containers(session.scope(services), { oneoff: true })) {
      const info = await session.port.findImage(c.imageId || c.image);
      const ref = familiarReference(parseReference(c.image));
      const colon = ref.lastIndexOf(':');
      const at = ref.indexOf('@');
      const [repository, tag] =
        at >= 0
          ? [ref.slice(0, at), '<none>']
          : colon > ref.lastIndexOf('/')
            ? [ref.slice(0, colon), ref.slice(colon + 1)]
            : [ref, 'latest'];
      rows.push({ container: c.name, repository, tag, id: info?.id ?? c.imageId, size: info?.size ?? 0 });
    }
    if (f.quiet) {
      env.ctx.stdout.write([...new Set(rows.map((r) => shortDigest(r.id)))].map((i) => `${i}\n`).join(''));
    } else if (f.format === 'json') {
      env.ctx.stdout.write(
        `${JSON.stringify(
          rows.map((r) => ({
            ContainerName: r.container,
            Repository: r.repository,
            Tag: r.tag,
            ID: r.id,
            Size: r.size,
          })),
          null,
          2,
        )}\n`,
      );
    } else {
      env.ctx.stdout.write(
        renderTable(
          ['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
          rows.map((r) => [r.container, r.repository, r.tag, shortDigest(r.id), formatBytes(r.size)]),
        ),
      );
    }
  });
  return 0;
}

/** The image references of the services in scope (with their dependencies when asked), sorted. */
async function serviceImages(
  session: ProjectSession,
  services: readonly string[],
  includeDeps: boolean,
  skipBuildable: boolean,
): Promise<string[]> {
  const { imageRefFor } = await import('../planner/desired-state.js');
  const { project } = session;
  const names = new Set(services.length > 0 ? services : Object.keys(project.services));
  if (includeDeps) {
    for (const name of [...names])
      for (const dep of Object.keys(project.services[name]?.depends_on ?? {})) names.add(dep);
  }
  const refs = new Set<string>();
  for (const name of names) {
    const s = project.services[name];
    if (!s || s.provider !== undefined) continue;
    if (skipBuildable && s.build !== undefined) continue;
    if (s.image === undefined && s.build !== undefined) continue;
    refs.add(imageRefFor(project.name, name, s));
  }
  return [...refs].sort();
}

async function runPull(env: CommandEnv, services: string[], f: PullFlags): Promise<number> {
  const [{ withProjectSession }, { createStepRenderer }] = await Promise.all([
    import('./project-session.js'),
    import('./render/step-renderer.js'),
  ]);
  let failed = 0;
  await withProjectSession(env, { services }, async (session) => {
    const refs = await serviceImages(session, services, f.includeDeps === true, f.ignoreBuildable === true);
    const wanted: string[] = [];
    for (const ref of refs)
      if (f.policy !== 'missing' || !(await session.port.findImage(ref))) wanted.push(ref);
    const progress = await createStepRenderer(
      f.quiet ? 'quiet' : env.globals.progress,
      env.ctx.stderr,
      wanted.map((ref) => ({ id: `image:${ref}`, title: `Image ${ref}` })),
    );
    try {
      await Promise.all(
        wanted.map(async (ref) => {
          const sink = {
            emit: (e: Parameters<typeof progress.emit>[0]) =>
              e.parent === undefined && e.id.startsWith('image:')
                ? progress.emit({ ...e, id: `image:${ref}` })
                : progress.emit({ ...e, parent: `image:${ref}` }),
          };
          try {
            await session.port.pullImage(ref, { signal: env.ctx.signal, progress: sink });
          } catch (err) {
            progress.emit({ id: `image:${ref}`, status: 'error', text: 'Error' });
            if (!f.ignorePullFailures) throw err;
            failed += 1;
            env.ctx.stderr.write(`warning: ${(err as Error).message}\n`);
          }
        }),
      );
    } finally {
      await progress.done();
    }
  });
  if (failed > 0)
    env.ctx.stderr.write(`${failed} image(s) could not be pulled (ignored: --ignore-pull-failures)\n`);
  return 0;
}

async function runPush(env: CommandEnv, services: string[], f: PushFlags): Promise<number> {
  const [{ withProjectSession }, { createStepRenderer }] = await Promise.all([
    import('./project-session.js'),
    import('./render/step-renderer.js'),
  ]);
  await withProjectSession(env, { services }, async (session) => {
    const refs = await serviceImages(session, services, f.includeDeps === true, false);
    const progress = await createStepRenderer(
      f.quiet ? 'quiet' : env.globals.progress,
      env.ctx.stderr,
      refs.map((ref) => ({ id: `image:${ref}`, title: `Image ${ref}` })),
    );
    try {
      for (const ref of refs) {
        const sink = {
          emit: (e: Parameters<typeof progress.emit>[0]) =>
            e.parent === undefined && e.id.startsWith('image:')
              ? progress.emit({ ...e, id: `image:${ref}` })
              : progress.emit({ ...e, parent: `image:${ref}` }),
        };
        try {
          await session.port.pushImage(ref, { signal: env.ctx.signal, progress: sink });
        } catch (err) {
          progress.emit({ id: `image:${ref}`, status: 'error', text: 'Error' });
          if (!f.ignorePushFailures) throw err;
          env.ctx.stderr.write(`warning: ${(err as Error).message}\n`);
        }
      }
    } finally {
      await progress.done();
    }
  });
  return 0;
}
