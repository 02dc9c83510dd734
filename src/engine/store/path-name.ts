import { EngineError } from '../errors.js';

/**
 * Names that become path components under the engine root (container ids, volume and network
 * names, snapshot numbers) must match this before any path is built from them: no `/`, no `..`,
 * no leading dot or dash, bounded length. Docker's own name rule is the same shape.
 */
const SAFE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export function isSafePathName(name: string): boolean {
  return SAFE_NAME.test(name) && name !== '.' && name !== '..';
}

/** Throws `ENGINE_NAME_INVALID` naming `what` unless `name` is safe as one path component. */
export function assertSafePathName(name: string, what: string): string {
  if (!isSafePathName(name)) {
    throw new EngineError(
      'ENGINE_NAME_INVALID',
      `${what} "${name}": invalid name`,
      'use 1-128 characters from [a-zA-Z0-9_.-], starting with a letter or digit',
    );
  }
  return name;
}
