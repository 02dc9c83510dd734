export { writeFileAtomic, fsyncDir } from './atomic-write.js';
export { EngineLock, type LockHolder, type LockRelease } from './engine-lock.js';
export { enginePaths, DEFAULT_ENGINE_ROOT, DEFAULT_RUN_DIR, type EnginePaths } from './engine-paths.js';
export { ensureEngineRoot } from './engine-root.js';
export { readJsonFile, writeJsonFile } from './json-file.js';
export { assertSafePathName, isSafePathName } from './path-name.js';
export { Mutex, RwLock } from './rw-lock.js';
