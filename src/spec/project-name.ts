import { SpecError } from './errors.js';

/**
 * Compose's project-name normalization, used for names taken from `name:` or the directory:
 * lower-case, keep only `a-z 0-9 _ -`, drop leading `_` and `-`. `My App!` → `myapp`.
 */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/** A name is valid when normalization leaves it unchanged and it is not empty. */
export function isValidProjectName(name: string): boolean {
  return name !== '' && normalizeProjectName(name) === name;
}

/**
 * Names set explicitly (`-p`, COMPOSE_PROJECT_NAME) are validated, not rewritten, as Compose does:
 * `-p MyApp` is an error rather than silently becoming `myapp`.
 */
export function assertValidProjectName(name: string, source: string): void {
  if (isValidProjectName(name)) return;
  throw new SpecError({
    code: 'SPEC_PROJECT_NAME',
    detail:
      name === ''
        ? `${source}: project name must not be empty`
        : `${source}: invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    hint: name === '' ? undefined : `try "${normalizeProjectName(name) || 'myproject'}"`,
  });
}
