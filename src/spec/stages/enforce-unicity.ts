import { UnicityError, enforceUnicity } from '../merge/unicity.js';
import type { FileStage } from './file-stage.js';
import { touchedBy } from './touched-by.js';

/**
 * Stages 6 and 10 — unicity: in lists whose entries have a unique key (ports, volumes, secrets,
 * configs, environment, labels, ...), a later entry replaces an earlier one with the same key. Run
 * after the merge and again after the canonical form (a port range can reveal duplicates).
 */
export const enforceUnicityStage: FileStage = {
  name: 'enforce-unicity',
  modes: ['project', 'include', 'extends'],
  run(state, ctx) {
    try {
      enforceUnicity(state.model, ctx.sourceMap, touchedBy(state.model, state.doc.value));
    } catch (err) {
      if (!(err instanceof UnicityError)) throw err;
      ctx.fail('SPEC_INVALID', err.detail, { root: state.model, path: err.path });
    }
    return state;
  },
};
