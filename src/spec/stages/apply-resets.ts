import { isYamlMap, type YamlMap } from '../document/yaml-value.js';
import type { FieldPath } from '../field-path.js';
import type { FileStage } from './file-stage.js';

/**
 * Stage 3 — `!reset` / `!override`: the values those tags replace are removed from the model of
 * earlier files before the document is merged (so `!override` replaces instead of merging).
 */
export const applyResetsStage: FileStage = {
  name: 'apply-resets',
  modes: ['project', 'include', 'extends'],
  run(state) {
    removePaths(state.model, state.doc.resetPaths);
    return state;
  },
};

/** Deletes each path (mapping keys only; list entries cannot be reset, as in Compose). */
export function removePaths(model: YamlMap, paths: readonly FieldPath[]): void {
  for (const path of paths) {
    if (path.length === 0 || path.some((seg) => typeof seg === 'number')) continue;
    let node: unknown = model;
    for (const seg of path.slice(0, -1)) {
      node = isYamlMap(node) ? node[seg as string] : undefined;
    }
    if (isYamlMap(node)) delete node[path[path.length - 1] as string];
  }
}
