/**
 * The reconciler (BLUEPRINT §2): applies plans through the engine's port with bounded
 * parallelism, waits on depends_on conditions, keeps a project converged while watching. See
 * docs/reconciler.md.
 */
export type * from './engine-port.js';
export { ReconcileError, type ReconcileErrorCode } from './errors.js';
export { executePlan, type ExecuteOptions, type ExecutionReport } from './executor.js';
export {
  converge,
  takeDown,
  type ConvergeOptions,
  type ConvergeResult,
  type TakeDownOptions,
} from './converge.js';
export { observeProject } from './observe.js';
export { resolveDesiredInputs, fileDigest, type InputOptions } from './desired-inputs.js';
export { waitForDependencies, serviceContainers, type DependencyWaitOptions } from './dependency-wait.js';
export { waitForStack, readinessTargets, type ReadinessTarget, type StackWaitOptions } from './stack-wait.js';
export {
  dependencyStatus,
  readinessStatus,
  combineStatuses,
  type ConditionStatus,
} from './container-conditions.js';
export {
  acquireProjectLock,
  withProjectLock,
  describeHolder,
  type ProjectLockHolder,
  type ProjectLockOptions,
} from './project-lock.js';
export { createEnginePort } from './engine-adapter.js';
