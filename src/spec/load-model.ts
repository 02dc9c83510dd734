import { parseYamlDocuments, type ParsedDocument } from './document/parse-yaml.js';
import type { YamlMap } from './document/yaml-value.js';
import type { LoaderContext } from './load-context.js';
import { applyResetsStage } from './stages/apply-resets.js';
import { canonicalizeStage } from './stages/canonicalize.js';
import { checkDuplicatesStage } from './stages/check-duplicates.js';
import { checkAttributesStage } from './stages/check-attributes.js';
import { enforceUnicityStage } from './stages/enforce-unicity.js';
import { extendsStage } from './stages/extends.js';
import type { FileScope, FileStage, FileState } from './stages/file-stage.js';
import { includeStage } from './stages/include.js';
import { interpolateStage } from './stages/interpolate.js';
import { mergeStage } from './stages/merge-document.js';
import type { ModelScope, ModelStage } from './stages/model-stage.js';
import { omitEmptyStage } from './stages/omit-empty.js';
import { resolveEnvironmentReferencesStage } from './stages/resolve-environment-references.js';
import { resolvePathsStage } from './stages/resolve-paths.js';
import { setDefaultsStage } from './stages/set-defaults.js';
import { validateStage } from './stages/validate.js';

/**
 * The stages each YAML document goes through, in compose-go's order (loader.go, parsing.md). Why
 * this order:
 * 1. interpolate first, per file: values of one file must not be substituted twice after merging,
 *    and validation needs the final types (`replicas: ${N}` is a number); then duplicates within
 *    the file's unique lists are rejected, before merging and unicity collapse them;
 * 2. include before extends, so a service may extend one an included file defines;
 * 3. resets before merging: `!reset`/`!override` clear what earlier files set;
 * 4. extends before merge: a service is complete within its file before other files override it;
 * 5–6. merge onto the earlier files, then drop duplicates of unique-keyed lists;
 * 7. validate the merged model (a file alone may be partial, an override file typically is);
 * 8–10. rewrite short syntax to long syntax, drop empty dns entries, unicity again (a port range
 *    written short can duplicate one written long).
 */
export const FILE_STAGES: readonly FileStage[] = [
  interpolateStage,
  checkDuplicatesStage,
  includeStage,
  applyResetsStage,
  extendsStage,
  mergeStage,
  enforceUnicityStage,
  validateStage,
  canonicalizeStage,
  omitEmptyStage,
  enforceUnicityStage,
];

/**
 * The stages of a whole model once its files are merged: defaults the specification states,
 * cross-attribute rules, absolute paths, values read from the environment. Included projects go
 * through them too, with their own directory and environment, before being imported.
 */
export const MODEL_STAGES: readonly ModelStage[] = [
  setDefaultsStage,
  checkAttributesStage,
  resolvePathsStage,
  resolveEnvironmentReferencesStage,
];

/** A stack file to load: its path, and its text when it does not come from the filesystem (stdin). */
export interface StackFileInput {
  readonly path: string;
  readonly content?: string;
}

/** Reads and parses a stack file (all its YAML documents). */
export async function readStackFile(input: StackFileInput, ctx: LoaderContext): Promise<ParsedDocument[]> {
  const text = input.content ?? (await ctx.readText(input.path));
  if (text === undefined) {
    return ctx.fail('SPEC_FILE', `stack file not found: ${input.path}`, {
      hint: 'check the -f/--file path, COMPOSE_FILE, or the include/extends entry naming it',
    });
  }
  return parseYamlDocuments(text, input.path, ctx.sourceMap, ctx.displayBase);
}

/** Runs the file stages over the documents, in order, merging each onto the model. */
export async function loadDocuments(
  docs: readonly ParsedDocument[],
  scope: FileScope,
  ctx: LoaderContext,
): Promise<YamlMap> {
  let model: YamlMap = {};
  for (const doc of docs) {
    let state: FileState = { model, doc };
    for (const stage of FILE_STAGES) {
      if (!stage.modes.includes(scope.mode)) continue;
      ctx.signal?.throwIfAborted();
      state = await stage.run(state, ctx, scope);
    }
    model = state.model;
  }
  return model;
}

/** Runs the model stages (see MODEL_STAGES). */
export function runModelStages(model: YamlMap, ctx: LoaderContext, scope: ModelScope): YamlMap {
  let out = model;
  for (const stage of MODEL_STAGES) out = stage.run(out, ctx, scope);
  return out;
}

/** Loads files into one model: file stages, then model stages (an included project's whole load). */
export async function loadModelFiles(
  files: readonly StackFileInput[],
  scope: FileScope,
  modelScope: ModelScope,
  ctx: LoaderContext,
): Promise<YamlMap> {
  const docs: ParsedDocument[] = [];
  for (const file of files) docs.push(...(await readStackFile(file, ctx)));
  const model = await loadDocuments(docs, scope, ctx);
  return runModelStages(model, ctx, modelScope);
}
