import { findSchemaViolation } from '../schema/validate-schema.js';
import type { FileStage } from './file-stage.js';
import { touchedBy } from './touched-by.js';

/**
 * Stage 7 — validation of the merged model against the Compose Specification (zod, see
 * schema/compose-schema.ts). It runs after interpolation, so typed values written as variables
 * validate, and before the canonical form, which relies on valid shapes. `version` is dropped here
 * with a warning, as Compose does.
 */
export const validateStage: FileStage = {
  name: 'validate',
  modes: ['project', 'include'],
  run(state, ctx) {
    if (!ctx.switches.validate) return state;
    const violation = findSchemaViolation(touchedBy(state.model, state.doc.value));
    if (violation) {
      ctx.fail('SPEC_INVALID', violation.detail, {
        path: violation.displayPath,
        position: ctx.locate(state.model, violation.path, violation.atKey ? 'key' : 'value'),
        ...(violation.hint ? { hint: violation.hint } : {}),
      });
    }
    if (Object.hasOwn(state.model, 'version')) {
      ctx.warn(
        `${state.doc.file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`,
      );
      delete state.model['version'];
    }
    return state;
  },
};
