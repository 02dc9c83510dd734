import { dirname, resolve } from 'node:path';

/** A set of files watched for changes (creation, modification, deletion, atomic replacement). */
export interface FileWatcher {
  /** Watches exactly `paths` from now on. */
  update(paths: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export type FileWatcherFactory = (
  paths: readonly string[],
  onChange: (path: string) => void,
  onError: (err: Error) => void,
) => Promise<FileWatcher>;

/**
 * Watches files through their directories (chokidar, depth 0) and reports only the files asked
 * for. Watching the directory rather than the file catches what editors do on save (write a temp
 * file and rename it over the original: the watched inode is gone), a file created later (`.env`
 * added to a project), and a file deleted and created again. Resolves once chokidar is ready, so a
 * change made right after is seen.
 */
export const chokidarWatcher: FileWatcherFactory = async (paths, onChange, onError) => {
  const { watch } = await import('chokidar');
  let files = new Set(paths.map((p) => resolve(p)));
  let dirs = new Set([...files].map((f) => dirname(f)));
  const watcher = watch([...dirs], { depth: 0, ignoreInitial: true, atomic: true, persistent: true });
  watcher.on('all', (_event, path) => {
    const full = resolve(path);
    if (files.has(full)) onChange(full);
  });
  watcher.on('error', (err) => onError(err instanceof Error ? err : new Error(String(err))));
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  return {
    async update(next) {
      files = new Set(next.map((p) => resolve(p)));
      const nextDirs = new Set([...files].map((f) => dirname(f)));
      const added = [...nextDirs].filter((d) => !dirs.has(d));
      const removed = [...dirs].filter((d) => !nextDirs.has(d));
      dirs = nextDirs;
      if (removed.length > 0) watcher.unwatch(removed);
      if (added.length > 0) {
        watcher.add(added);
        await new Promise<void>((ready) => {
          // chokidar emits `ready` only once; give the new directories a moment to be scanned.
          setTimeout(ready, 50);
        });
      }
    },
    close: () => watcher.close(),
  };
};
