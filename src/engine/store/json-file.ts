import { readFile } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** Reads a JSON state file; `undefined` when it does not exist. A damaged file is an error. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new EngineError(
      'ENGINE_STATE_CORRUPT',
      `${path}: not valid JSON (${(err as Error).message})`,
      'the engine state file is damaged; restore it from a backup or remove the engine root',
      { cause: err },
    );
  }
}

/** Writes a JSON state file atomically (temp + fsync + rename). */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
