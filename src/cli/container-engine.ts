import type { Engine } from '../engine/index.js';
import type { CommandEnv } from './command-runner.js';
import { openEngine } from './engine-factory.js';

/**
 * The engine for container and volume commands: warnings to stderr, and — tests only —
 * TSCOMPOSE_TEST_FAILPOINT naming a step (`container-create:rootfs`, `container-remove:network`,
 * a network step …) at which the process kills itself with SIGKILL, so a test can check that the
 * next command repairs what an interrupted one left.
 */
export async function openContainerEngine(env: CommandEnv): Promise<Engine> {
  const engine = await openEngine(env);
  const failpoint = env.ctx.env['TSCOMPOSE_TEST_FAILPOINT'];
  engine.configureContainers({
    onWarning: (message) => env.ctx.stderr.write(`warning: ${message}\n`),
    ...(failpoint
      ? {
          onStep: (step: string) => {
            if (step === failpoint) process.kill(process.pid, 'SIGKILL');
          },
        }
      : {}),
  });
  return engine;
}

/** Runs `fn` with the container engine and closes it afterwards. */
export async function withContainerEngine<T>(
  env: CommandEnv,
  fn: (engine: Engine) => Promise<T>,
): Promise<T> {
  const engine = await openContainerEngine(env);
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

/** Docker's network for containers run without `--network`: made on first use. */
export const DEFAULT_NETWORK = 'bridge';

export async function ensureDefaultNetwork(engine: Engine, signal: AbortSignal): Promise<void> {
  const net = await engine.networks();
  if ((await net.list()).some((n) => n.name === DEFAULT_NETWORK)) return;
  try {
    await net.create(
      { name: DEFAULT_NETWORK, labels: { 'io.tscompose.default-network': 'true' } },
      { signal },
    );
  } catch (err) {
    // Another command made it meanwhile.
    if (!(await net.list()).some((n) => n.name === DEFAULT_NETWORK)) throw err;
  }
}
