import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.js';

/** Docker's container name rule; also safe as a path component and a DNS label set. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const ID = /^[a-f0-9]{64}$/;

/** A new container id: 64 hex digits (32 random bytes), as Docker's. */
export function newContainerId(): string {
  for (;;) {
    const id = randomBytes(32).toString('hex');
    // An all-digit short id would read as a number in tables and could shadow a pid; Docker skips them too.
    if (!/^[0-9]{12}/.test(id)) return id;
  }
}

export function isContainerId(value: string): boolean {
  return ID.test(value);
}

export function isValidContainerName(name: string): boolean {
  return NAME.test(name);
}

/** Throws CONTAINER_NAME_INVALID unless `name` follows Docker's rule. */
export function assertContainerName(name: string): string {
  if (!isValidContainerName(name)) {
    throw new EngineError(
      'CONTAINER_NAME_INVALID',
      `container name "${name}" is invalid`,
      'use 1-128 characters from [a-zA-Z0-9_.-], starting with a letter or digit',
    );
  }
  return name;
}

/** A generated name for containers created without one (`<adjective>_<noun>` is Docker's; ours is plainer). */
export function generatedName(id: string): string {
  return `tsc_${id.slice(0, 12)}`;
}
