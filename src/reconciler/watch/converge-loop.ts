import type { Plan } from '../../planner/types.js';
import type { Project } from '../../spec/types.js';
import type { FileWatcher, FileWatcherFactory } from './file-watcher.js';
import { stackFiles } from './stack-files.js';

/** Why the loop converges: files of the stack changed, or the periodic drift check. */
export type LoopTrigger =
  { readonly kind: 'files'; readonly paths: readonly string[] } | { readonly kind: 'drift' };

export interface ConvergeLoopEvents {
  /** The files are being watched: a change made from now on is seen. */
  ready?(files: readonly string[]): void;
  /** A pass applied a non-empty plan. */
  applied?(trigger: LoopTrigger, plan: Plan): void;
  /** The edited stack does not load: nothing was changed, the previous stack stays in force. */
  invalid?(err: unknown, paths: readonly string[]): void;
  /** Applying failed (the next change or drift check tries again). */
  failed?(trigger: LoopTrigger, err: unknown): void;
  /** Files changed, the stack loaded and nothing needed to change. */
  unchanged?(paths: readonly string[]): void;
}

export interface ConvergeLoopOptions {
  readonly signal: AbortSignal;
  /** Loads the stack again (from the same command line); throws when the files are invalid. */
  load(): Promise<Project>;
  /**
   * Plans and applies (the caller takes the project lock); returns the plan applied, undefined
   * when it found nothing to do. Never called concurrently.
   */
  apply(project: Project, trigger: LoopTrigger): Promise<Plan | undefined>;
  readonly watch: FileWatcherFactory;
  /** Quiet period after the last file event before reloading (default 200 ms). */
  readonly debounceMs?: number;
  /** Drift check interval (default 1000 ms); doubled after each failed drift repair, up to 30 s. */
  readonly driftIntervalMs?: number;
  readonly events?: ConvergeLoopEvents;
  /** Files to watch for a project (default: stackFiles). */
  files?(project: Project): string[];
}

const MAX_DRIFT_BACKOFF_MS = 30_000;

/**
 * The watch loop of `up --watch` and `watch` (issue 6 item 5; BLUEPRINT §8): watches the stack's
 * files, and on a change — after a quiet period, so an editor's burst of writes is one change —
 * loads the stack again and applies only the difference. An edit that does not load changes
 * nothing and is reported with its location; the stack in force stays the last valid one, and
 * the next valid edit applies. Between changes it checks for drift every second (a container
 * removed, or stopped outside tscompose, comes back; a `tscompose stop` is intent and is kept:
 * the caller plans with trigger `watch`). Passes run one at a time, in order; changes arriving
 * during a pass are coalesced into the next one.
 */
export class ConvergeLoop {
  private current: Project;
  private watcher: FileWatcher | undefined;
  private pendingPaths = new Set<string>();
  private debounce: NodeJS.Timeout | undefined;
  private driftDue = false;
  private filesDue = false;
  private wake: (() => void) | undefined;
  private driftDelayMs: number;
  private driftTimer: NodeJS.Timeout | undefined;

  constructor(
    initial: Project,
    private readonly o: ConvergeLoopOptions,
  ) {
    this.current = initial;
    this.driftDelayMs = o.driftIntervalMs ?? 1000;
  }

  /** The stack in force: the last one that loaded. */
  get project(): Project {
    return this.current;
  }

  /** Runs until the signal aborts; resolves then (after closing the watcher). */
  async run(): Promise<void> {
    const files = this.o.files ?? stackFiles;
    this.watcher = await this.o.watch(
      files(this.current),
      (path) => this.onFileChange(path),
      (err) => this.o.events?.failed?.({ kind: 'files', paths: [] }, err),
    );
    this.o.events?.ready?.(files(this.current));
    const onAbort = (): void => this.wake?.();
    this.o.signal.addEventListener('abort', onAbort, { once: true });
    this.scheduleDrift();
    try {
      while (!this.o.signal.aborted) {
        if (!this.filesDue && !this.driftDue) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        if (this.filesDue) await this.filesPass(files);
        else await this.driftPass();
      }
    } finally {
      this.o.signal.removeEventListener('abort', onAbort);
      if (this.debounce) clearTimeout(this.debounce);
      if (this.driftTimer) clearTimeout(this.driftTimer);
      await this.watcher.close();
    }
  }

  private onFileChange(path: string): void {
    this.pendingPaths.add(path);
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.filesDue = true;
      this.wake?.();
    }, this.o.debounceMs ?? 200);
  }

  private scheduleDrift(): void {
    if (this.driftTimer) clearTimeout(this.driftTimer);
    this.driftTimer = setTimeout(() => {
      this.driftTimer = undefined;
      this.driftDue = true;
      this.wake?.();
    }, this.driftDelayMs);
    this.driftTimer.unref();
  }

  private async filesPass(files: (p: Project) => string[]): Promise<void> {
    this.filesDue = false;
    const paths = [...this.pendingPaths].sort();
    this.pendingPaths.clear();
    let project: Project;
    try {
      project = await this.o.load();
    } catch (err) {
      if (this.o.signal.aborted) return;
      this.o.events?.invalid?.(err, paths);
      return;
    }
    this.current = project;
    await this.watcher?.update(files(project));
    const trigger: LoopTrigger = { kind: 'files', paths };
    try {
      const plan = await this.o.apply(project, trigger);
      if (plan && plan.actions.length > 0) this.o.events?.applied?.(trigger, plan);
      else this.o.events?.unchanged?.(paths);
      this.driftDelayMs = this.o.driftIntervalMs ?? 1000;
    } catch (err) {
      if (!this.o.signal.aborted) this.o.events?.failed?.(trigger, err);
    }
  }

  private async driftPass(): Promise<void> {
    this.driftDue = false;
    const trigger: LoopTrigger = { kind: 'drift' };
    try {
      const plan = await this.o.apply(this.current, trigger);
      if (plan && plan.actions.length > 0) this.o.events?.applied?.(trigger, plan);
      this.driftDelayMs = this.o.driftIntervalMs ?? 1000;
    } catch (err) {
      if (this.o.signal.aborted) return;
      this.o.events?.failed?.(trigger, err);
      this.driftDelayMs = Math.min(MAX_DRIFT_BACKOFF_MS, this.driftDelayMs * 2);
    }
    if (!this.o.signal.aborted) this.scheduleDrift();
  }
}
