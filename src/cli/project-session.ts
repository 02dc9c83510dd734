import type { ContainerInfo } from '../engine/container/types.js';
import type { Engine } from '../engine/index.js';
import type { EnginePort } from '../reconciler/engine-port.js';
import type { ProjectLockHolder } from '../reconciler/project-lock.js';
import type { Project } from '../spec/types.js';
import type { CommandEnv } from './command-runner.js';
import type { ProjectLoadRequest } from './project-loader.js';

/**
 * What a project command works with: the loaded stack, the engine behind the reconciler's port,
 * and the project lock for mutating commands. Heavy modules (spec loader, engine, reconciler) are
 * imported here, lazily, so `tscompose --help` and light commands start fast.
 */
export interface ProjectSession {
  readonly project: Project;
  readonly engine: Engine;
  readonly port: EnginePort;
  /** Runs `fn` holding the project lock (one mutating command per project, issue 6 item 6). */
  mutate<T>(command: string, fn: () => Promise<T>): Promise<T>;
  /**
   * The services a command acts on: the ones named, else — when profiles were selected — only the
   * services of those profiles (compose#12648: `--profile debug down` takes down `debug`, not the
   * stack), else every service of the stack, profile-disabled ones included (what runs is what
   * `stop`, `ps`, `down` act on). Unknown names throw.
   */
  scope(named?: readonly string[]): string[];
  /** The project's containers of `services` (one-off `run` containers only with `oneoff`). */
  containers(services: readonly string[], o?: { oneoff?: boolean }): Promise<ContainerInfo[]>;
  close(): void;
}

export interface SessionRequest extends ProjectLoadRequest {
  /**
   * With `-p NAME` and no stack file found, work on the project's containers by name alone
   * (`tscompose -p web down` from anywhere), as Compose allows.
   */
  readonly allowMissingFile?: boolean;
}

export async function openProjectSession(
  env: CommandEnv,
  request: SessionRequest = {},
): Promise<ProjectSession> {
  const [{ openEngine }, { createEnginePort }, project] = await Promise.all([
    import('./engine-factory.js'),
    import('../reconciler/engine-adapter.js'),
    loadSessionProject(env, request),
  ]);
  const engine = await openEngine(env);
  const port = createEnginePort(engine);
  const { withProjectLock, describeHolder } = await import('../reconciler/project-lock.js');
  const { LABEL } = await import('../planner/labels.js');
  const { SpecError } = await import('../spec/errors.js');
  const all = [...Object.keys(project.services), ...Object.keys(project.disabledServices)].sort();
  return {
    project,
    engine,
    port,
    mutate: (command, fn) =>
      withProjectLock(
        engine.paths.root,
        project.name,
        {
          command,
          signal: env.ctx.signal,
          onWait: (holder: ProjectLockHolder | undefined) =>
            env.ctx.stderr.write(
              `waiting for ${describeHolder(holder)} to finish changing project ${project.name}...\n`,
            ),
        },
        fn,
      ),
    scope(named = []) {
      for (const name of named) {
        if (!all.includes(name))
          throw new SpecError({ code: 'SPEC_REFERENCE', detail: `no such service: ${name}` });
      }
      if (named.length > 0) return [...named];
      if (project.profiles.length === 0 || project.profiles.includes('*')) return all;
      const selected = new Set(project.profiles);
      return all.filter((name) => {
        const s = project.services[name] ?? project.disabledServices[name];
        return (s?.profiles ?? []).some((p) => selected.has(p));
      });
    },
    async containers(services, o = {}) {
      const wanted = new Set(services);
      const list = await port.listContainers({ project: project.name }, { signal: env.ctx.signal });
      return (
        list
          // A project known by name only (no stack file) has no service list: all its containers.
          .filter((c) => wanted.has(c.labels[LABEL.service] ?? '') || (all.length === 0 && wanted.size === 0))
          .filter((c) => o.oneoff === true || c.labels[LABEL.oneoff] !== 'true')
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      );
    },
    close: () => engine.close(),
  };
}

/** Runs `fn` with a session and closes the engine afterwards, whatever happens. */
export async function withProjectSession<T>(
  env: CommandEnv,
  request: SessionRequest,
  fn: (session: ProjectSession) => Promise<T>,
): Promise<T> {
  const session = await openProjectSession(env, request);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

async function loadSessionProject(env: CommandEnv, request: SessionRequest): Promise<Project> {
  const { loadCliProject } = await import('./project-loader.js');
  try {
    return await loadCliProject(env.globals, env.ctx, request);
  } catch (err) {
    const name = env.globals.projectName ?? env.ctx.env['COMPOSE_PROJECT_NAME'];
    const { SpecError } = await import('../spec/errors.js');
    if (request.allowMissingFile && name && err instanceof SpecError && err.code === 'SPEC_FILE') {
      return emptyProject(name, env.ctx.cwd);
    }
    throw err;
  }
}

/** A project known only by its name: its containers are found by label. */
function emptyProject(name: string, cwd: string): Project {
  return {
    name,
    services: {},
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
    models: {},
    extensions: {},
    workingDir: cwd,
    files: [],
    environment: {},
    envFiles: [],
    profiles: [],
    disabledServices: {},
  };
}
