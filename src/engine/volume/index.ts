export type { VolumeInfo, VolumeSpec } from './types.js';
export {
  ANONYMOUS_LABEL,
  VolumeService,
  matchLabels,
  volumeNotFound,
  type VolumePruneInfo,
  type VolumePruneSpec,
  type VolumeServiceDeps,
} from './volume-service.js';
export { assertVolumeName } from './volume-store.js';
