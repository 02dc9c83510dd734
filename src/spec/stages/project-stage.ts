import type { YamlMap } from '../document/yaml-value.js';
import type { LoaderContext } from '../load-context.js';
import type { Project } from '../types.js';

/** A step on the bound Project (see PROJECT_STAGES in load.ts). */
export interface ProjectStage {
  readonly name: string;
  /** `model` is the canonical document the project was bound from (for error positions). */
  run(project: Project, ctx: LoaderContext, model: YamlMap): Project | Promise<Project>;
}
