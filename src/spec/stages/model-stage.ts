import type { YamlMap } from '../document/yaml-value.js';
import type { Environment } from '../env/project-environment.js';
import type { LoaderContext } from '../load-context.js';

/** What the whole-model stages of one (project or included) model are run with. */
export interface ModelScope {
  /** Base of relative paths: the project directory, or an included project's directory. */
  readonly workingDir: string;
  readonly environment: Environment;
  /** `~` in paths expands to this (the user's HOME). */
  readonly home: string | undefined;
  readonly resolvePaths: boolean;
  /** Set for the project's own model (not for included ones): names resources in normalize. */
  readonly projectName?: string;
}

/** A step applied to the model once all files are merged (see MODEL_STAGES in load-model.ts). */
export interface ModelStage {
  readonly name: string;
  run(model: YamlMap, ctx: LoaderContext, scope: ModelScope): YamlMap;
}
