import {
  loadComposeModel,
  loadProject,
  SpecError,
  type LoadOptions,
  type Project,
  type SpecWarning,
} from '../../../src/spec/index.js';
import type { SpecFileReader } from '../../../src/spec/spec-file-reader.js';

/** An in-memory filesystem for the loader: absolute path → text. */
export function memoryReader(files: Record<string, string>): SpecFileReader {
  return {
    readText: (path) => Promise.resolve(Object.hasOwn(files, path) ? files[path] : undefined),
  };
}

export interface StackCase {
  /** Files under /p (keys relative to /p); the first listed in `main` (default compose.yaml) loads. */
  readonly files: Record<string, string>;
  readonly main?: readonly string[];
  readonly env?: Record<string, string>;
  readonly options?: Partial<LoadOptions>;
}

export const PROJECT_DIR = '/p';

function optionsFor(c: StackCase, warnings: SpecWarning[]): LoadOptions {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(c.files))
    files[name.startsWith('/') ? name : `${PROJECT_DIR}/${name}`] = text;
  return {
    files: (c.main ?? ['compose.yaml']).map((f) => ({ path: f.startsWith('/') ? f : `${PROJECT_DIR}/${f}` })),
    workingDir: PROJECT_DIR,
    environment: { HOME: '/home/u', ...c.env },
    reader: memoryReader(files),
    onWarning: (w) => warnings.push(w),
    ...c.options,
  };
}

/** Loads a stack from memory; returns the project and the warnings. */
export async function load(c: StackCase): Promise<{ project: Project; warnings: SpecWarning[] }> {
  const warnings: SpecWarning[] = [];
  const project = await loadProject(optionsFor(c, warnings));
  return { project, warnings };
}

/** Loads one compose.yaml given as text. */
export async function loadText(
  text: string,
  env: Record<string, string> = {},
  options: Partial<LoadOptions> = {},
): Promise<Project> {
  return (await load({ files: { 'compose.yaml': text }, env, options })).project;
}

/** The canonical model (before binding), for stages that act on the document. */
export async function loadModelText(
  text: string,
  env: Record<string, string> = {},
  options: Partial<LoadOptions> = {},
): Promise<Record<string, unknown>> {
  const warnings: SpecWarning[] = [];
  const loaded = await loadComposeModel(
    optionsFor({ files: { 'compose.yaml': text }, env, options }, warnings),
  );
  return loaded.model;
}

/** The SpecError a stack fails with (fails the test when it loads). */
export async function loadError(c: StackCase): Promise<SpecError> {
  try {
    await load(c);
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error('expected the stack to be rejected, but it loaded');
}
