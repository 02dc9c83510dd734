import { resolveRelativePaths } from '../paths/resolve-paths.js';
import type { ModelStage } from './model-stage.js';

/** Model stage — relative host paths become absolute against the project directory; `~` expands. */
export const resolvePathsStage: ModelStage = {
  name: 'resolve-paths',
  run(model, ctx, scope) {
    if (!scope.resolvePaths) return model;
    resolveRelativePaths(model, {
      base: scope.workingDir,
      home: scope.home,
      onMissingBindSource: (path) =>
        ctx.fail('SPEC_INVALID', 'invalid mount config for type "bind": field source must not be empty', {
          root: model,
          path,
        }),
    });
    return model;
  },
};
