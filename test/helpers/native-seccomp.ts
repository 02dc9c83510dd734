import { spawnSync } from 'node:child_process';
import { findNativeBinary } from '../../src/engine/native-binary.js';

/**
 * Whether this build of tscompose-native enforces seccomp: native/Makefile links libseccomp when
 * libseccomp-dev is installed (.ci/run installs it). Without it the runtime accepts a filter
 * without enforcing it, and the tests of filters skip.
 */
export const NATIVE_SECCOMP: boolean = (() => {
  const r = spawnSync(findNativeBinary(), ['features'], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  const features = JSON.parse(r.stdout) as { linux?: { seccomp?: { enabled?: boolean } } };
  return features.linux?.seccomp?.enabled === true;
})();
