import { UsageError } from '../common/usage-error.js';
import type { CommandEnv } from './command-runner.js';

/**
 * `config --hash "web,api"` / `--hash "*"`: each service's config hash (`web <hash>`), the value
 * its containers carry in `io.tscompose.config-hash` — what decides a recreate
 * (docs/planner.md). Configs' and secrets' files are read (their content is hashed).
 */
export async function runConfigHash(env: CommandEnv, selection: string): Promise<number> {
  const [{ loadCliProject }, { buildDesiredState }, { fileDigest }, { planInputs }] = await Promise.all([
    import('./project-loader.js'),
    import('../planner/desired-state.js'),
    import('../reconciler/desired-inputs.js'),
    import('../planner/plan-inputs.js'),
  ]);
  const project = await loadCliProject(env.globals, env.ctx);
  const configs: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const f of planInputs(project).files) {
    (f.kind === 'config' ? configs : secrets)[f.key] = await fileDigest(f.path, env.ctx.signal);
  }
  const desired = buildDesiredState(project, { contentDigests: { configs, secrets } });
  const names =
    selection.trim() === '*'
      ? Object.keys(desired.services).sort()
      : selection
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  for (const name of names) {
    if (!desired.services[name]) throw new UsageError(`--hash: no such service: ${name}`);
  }
  env.ctx.stdout.write(names.map((n) => `${n} ${desired.services[n]?.configHash}\n`).join(''));
  return 0;
}
