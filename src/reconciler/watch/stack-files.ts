import { join } from 'node:path';
import type { Project } from '../../spec/types.js';

/**
 * Every file whose content shapes the project (issue 6 item 5; compose#11003 is Compose not doing
 * this): the stack files and overrides, `.env` (even before it exists) and `--env-file`s, every
 * service's `env_file`s and `label_file`s (profile-disabled services too: enabling a profile later
 * uses them), and the files behind configs and secrets.
 */
export function stackFiles(project: Project): string[] {
  const out = new Set<string>();
  for (const f of project.files) if (f !== '-') out.add(f);
  for (const f of project.envFiles) out.add(f);
  out.add(join(project.workingDir, '.env'));
  for (const s of [...Object.values(project.services), ...Object.values(project.disabledServices)]) {
    for (const e of s.env_file ?? []) out.add(e.path);
    for (const l of s.label_file ?? []) out.add(l);
  }
  for (const c of Object.values(project.configs)) if (c.file !== undefined) out.add(c.file);
  for (const c of Object.values(project.secrets)) if (c.file !== undefined) out.add(c.file);
  return [...out].sort();
}
