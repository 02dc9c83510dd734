import { readFile } from 'node:fs/promises';
import { SpecError } from './errors.js';

/**
 * How the loader reads the files a stack names (stack files, `.env`, env_file, label_file,
 * extends/include targets). The loader reads nothing else: it never lists directories, never
 * follows other paths and never reads the process environment.
 */
export interface SpecFileReader {
  /** The file's text, or `undefined` when it does not exist. Other failures throw. */
  readText(path: string, signal?: AbortSignal): Promise<string | undefined>;
}

/** Reads from the local filesystem (UTF-8). A directory where a file is expected is an error. */
export const nodeFileReader: SpecFileReader = {
  async readText(path, signal) {
    try {
      return await readFile(path, { encoding: 'utf8', signal });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'EISDIR') {
        throw new SpecError({
          code: 'SPEC_FILE',
          detail: `${path} is a directory, expected a file`,
          cause: err,
        });
      }
      if (signal?.aborted) throw err;
      throw new SpecError({
        code: 'SPEC_FILE',
        detail: `cannot read ${path}: ${(err as Error).message}`,
        cause: err,
      });
    }
  },
};
