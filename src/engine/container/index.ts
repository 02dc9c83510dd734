export type * from './types.js';
export {
  ContainerService,
  type CommitSpec,
  type ContainerFilter,
  type ContainerHooks,
  type ContainerServiceDeps,
  type ContainerStats,
  type ExecRequest,
  type LogLine,
  type LogReadOptions,
  type ProcessList,
  type ProcessStdio,
} from './container-service.js';
export { ContainerStore } from './container-store.js';
export { RunFailedError, runExitCodeFor } from './container-errors.js';
export type { ContainerRepairReport } from './container-repair.js';
export { lineBytes } from './container-logs.js';
export { parseLogTimeBound } from './log-record.js';
