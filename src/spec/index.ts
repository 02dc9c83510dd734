/**
 * The stack-file loader: Compose files in, the normalized Project out. Pure: it reads only the
 * stack, env and label files it is given (through a SpecFileReader) and the environment passed in.
 * See docs/spec.md for the stages and their order.
 */
export { loadProject, loadComposeModel, PROJECT_STAGES } from './load.js';
export type { LoadOptions, LoadedModel, StackFileInput } from './load.js';
export { FILE_STAGES, MODEL_STAGES } from './load-model.js';
export type { LoadSwitches, SpecWarning } from './load-context.js';
export type { SpecFileReader } from './spec-file-reader.js';
export { nodeFileReader } from './spec-file-reader.js';
export { SpecError, type SpecErrorCode, type SourcePosition } from './errors.js';
export { readProjectEnvFiles, mergeEnvironment, type Environment } from './env/project-environment.js';
export { parseEnvFile } from './env/env-file-parser.js';
export {
  discoverStackFiles,
  STACK_FILE_NAMES,
  OVERRIDE_FILE_NAMES,
  type DiscoveredStack,
} from './discovery.js';
export { normalizeProjectName, isValidProjectName, assertValidProjectName } from './project-name.js';
export { applyProfiles, enableServices, selectServices, isServiceActive } from './profiles.js';
export { servicesInDependencyOrder } from './service-order.js';
export { projectToJson, projectToYamlObject } from './project-json.js';
export { parseDuration, formatDuration } from './values/duration.js';
export { parseByteSize } from './values/byte-size.js';
export { extractVariables, substitute, type TemplateVariable } from './interpolation/template.js';
export type * from './types.js';
export { EXTENSIONS } from './types.js';
