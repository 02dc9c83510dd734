import type { ParsedDocument } from '../document/parse-yaml.js';
import type { YamlMap } from '../document/yaml-value.js';
import type { Environment } from '../env/project-environment.js';
import type { VariableLookup } from '../interpolation/template.js';
import type { LoaderContext } from '../load-context.js';

/**
 * Why a file is being loaded, which decides the stages it goes through (as compose-go's options
 * for included projects and extended files do):
 * - `project`: a stack file of the project, every stage;
 * - `include`: a file of an included project (its own working dir and `.env`), every stage;
 * - `extends`: a file named by `extends.file`: interpolated, merged and made canonical only;
 *   includes and extends inside it are not followed here (extends is resolved per service).
 */
export type FileMode = 'project' | 'include' | 'extends';

/** What a file is loaded within. */
export interface FileScope {
  readonly mode: FileMode;
  /** Base of relative paths written in this file (project dir, include's project dir, or file dir). */
  readonly workingDir: string;
  /** Variables for interpolation (OS environment merged with the relevant `.env`). */
  readonly environment: Environment;
  readonly lookup: VariableLookup;
  /** `~` in paths expands to this (the user's HOME). */
  readonly home: string | undefined;
  /** Files including this one, outermost first (include cycle detection). */
  readonly includeChain: readonly string[];
}

/** The state a file stage transforms: the model merged so far and the document being added. */
export interface FileState {
  readonly model: YamlMap;
  readonly doc: ParsedDocument;
}

/**
 * One step of loading a stack document, in compose-go's order (see FILE_STAGES in load-model.ts).
 * Stages only touch the state they are given and the context: no other I/O than `ctx.readText`.
 */
export interface FileStage {
  readonly name: string;
  /** Modes the stage runs in. */
  readonly modes: readonly FileMode[];
  run(state: FileState, ctx: LoaderContext, scope: FileScope): FileState | Promise<FileState>;
}
