import { join } from 'node:path';
import { createLogger } from '../common/logger.js';
import { DEFAULT_ENGINE_ROOT, DockerConfigCredentials, Engine, type EngineOptions } from '../engine/index.js';
import type { CommandEnv } from './command-runner.js';

/**
 * Docker's client config, where credentials live: `$DOCKER_CONFIG/config.json`, else
 * `$HOME/.docker/config.json` (read here: nothing below src/cli reads the environment).
 */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env['DOCKER_CONFIG'];
  if (dir !== undefined && dir !== '') return join(dir, 'config.json');
  return join(env['HOME'] || '/root', '.docker', 'config.json');
}

/**
 * Opens the engine for a command: the root from `--root`/TSCOMPOSE_ROOT (default
 * /var/lib/tscompose), TSCOMPOSE_NATIVE to use another native binary, Docker's credentials, debug
 * logs on stderr with `--debug`, and a note on stderr when another process holds the engine lock.
 */
export async function openEngine(env: CommandEnv, extra: Partial<EngineOptions> = {}): Promise<Engine> {
  const { ctx, globals } = env;
  const native = ctx.env['TSCOMPOSE_NATIVE'];
  return Engine.open({
    root: globals.root ?? DEFAULT_ENGINE_ROOT,
    ...(native ? { nativeBinary: native } : {}),
    logger: createLogger('engine', globals.debug ? ctx.stderr : undefined),
    credentials: new DockerConfigCredentials(dockerConfigPath(ctx.env)),
    onLockWait: (holder) =>
      ctx.stderr.write(
        `waiting for the engine lock${holder ? ` (held by pid ${holder.pid} since ${holder.since})` : ''}...\n`,
      ),
    ...extra,
  });
}

/** Runs `fn` with an engine and closes it afterwards, whatever happens. */
export async function withEngine<T>(env: CommandEnv, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(env);
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}
