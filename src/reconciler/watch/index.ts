export {
  ConvergeLoop,
  type ConvergeLoopEvents,
  type ConvergeLoopOptions,
  type LoopTrigger,
} from './converge-loop.js';
export { chokidarWatcher, type FileWatcher, type FileWatcherFactory } from './file-watcher.js';
export { stackFiles } from './stack-files.js';
export { startDevelopWatch, type DevelopWatchEvents, type DevelopWatchOptions } from './develop-watch.js';
export { globMatcher, DEFAULT_WATCH_IGNORES } from './glob-match.js';
