/**
 * The planner (BLUEPRINT §2): desired state from a stack, a plan from desired and observed state,
 * and the plan's rendering. Pure: no I/O, no clock, no environment. See docs/planner.md.
 */
export type * from './types.js';
export { PlanError, type PlanErrorCode } from './errors.js';
export { buildDesiredState, containerSpecFor, imageRefFor, withImage } from './desired-state.js';
export { planInputs, type FileDigestRequest, type PlanInputRequests } from './plan-inputs.js';
export {
  HASH_ADDED_FIELDS,
  HASH_IGNORED_SERVICE_FIELDS,
  HASH_VERSION,
  hashRecord,
  networkConfigHash,
  networkHashInput,
  serviceConfigHash,
  serviceHashInput,
  volumeConfigHash,
  volumeHashInput,
  type HashedRecord,
  type IgnoredField,
  type ServiceHashContext,
} from './config-hash.js';
export { plan, assertApplicable } from './plan.js';
export { planDown, DOWN_CAUSE } from './plan-down.js';
export { dependencyOrder, reverseDependencyOrder, withDependencies, findCycle } from './dependency-graph.js';
export {
  renderPlan,
  planToJson,
  actionSymbol,
  actionVerb,
  type ActionJson,
  type PlanJson,
} from './render-plan.js';
export {
  LABEL,
  COMPOSE_LABEL,
  containerNumberOf,
  parseDependsOnLabel,
  formatDependsOnLabel,
} from './labels.js';
export { containerName, containerResource, temporaryName } from './container-name.js';
export { CAUSE } from './causes.js';
export { diffPaths, summarizePaths } from './field-diff.js';
export { canonicalJson, type JsonValue } from './canonical-json.js';
