import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.js';

/** Where `npm install` builds the native program, relative to this package. */
const BUILT_BINARY = fileURLToPath(new URL('../../native/build/tscompose-native', import.meta.url));

/**
 * Finds `tscompose-native` without configuration: the copy built inside this package. `override`
 * (from `--native-binary` or TSCOMPOSE_NATIVE, read by the CLI) wins when given.
 */
export function findNativeBinary(override?: string): string {
  const path = override ?? BUILT_BINARY;
  if (!existsSync(path)) {
    throw new EngineError(
      'ENGINE_NATIVE_MISSING',
      `the native program was not found at ${path}`,
      'build it with `npm run build:native` (it needs gcc and make: apt-get install -y gcc make libc6-dev)',
    );
  }
  return path;
}
