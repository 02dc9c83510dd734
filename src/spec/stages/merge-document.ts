import { MergeConflictError, mergeMappings } from '../merge/merge-yaml.js';
import { describeValue } from '../errors.js';
import type { YamlValue } from '../document/yaml-value.js';
import type { FileStage } from './file-stage.js';

/**
 * Stage 5 — merge the document onto the model of the files before it (13-merge.md; rules in
 * merge/merge-rules.ts). The first document merges onto an empty model.
 */
export const mergeStage: FileStage = {
  name: 'merge',
  modes: ['project', 'include', 'extends'],
  run(state, ctx) {
    try {
      const model = mergeMappings(state.model, state.doc.value, [], { sourceMap: ctx.sourceMap });
      return { ...state, model };
    } catch (err) {
      if (!(err instanceof MergeConflictError)) throw err;
      let found: unknown = state.doc.value;
      for (const seg of err.path) found = (found as Record<string | number, unknown> | undefined)?.[seg];
      return ctx.fail(
        'SPEC_INVALID',
        `cannot merge ${describeValue(found as YamlValue)} onto the value of an earlier file (a mapping merges only with a mapping, a list only with a list)`,
        { root: state.doc.value, path: err.path },
      );
    }
  },
};
