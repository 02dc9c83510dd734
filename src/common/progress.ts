/**
 * Progress of long work, as typed events. The engine and the reconciler emit them to an injected
 * sink; only `src/cli/render/` turns them into listr2 tasks, plain lines or JSON (house rule 11).
 */
export type ProgressStatus = 'waiting' | 'working' | 'done' | 'warning' | 'error';

export interface ProgressEvent {
  /** Resource id: `image:docker.io/library/redis:7`, `layer:sha256:ab12…`, `service:web:1`. */
  readonly id: string;
  /** Parent resource id, for nesting (a layer under its image). */
  readonly parent?: string;
  readonly status: ProgressStatus;
  /** Short verb phrase: "Pulling", "Downloading", "Extracting", "Created", "Started". */
  readonly text: string;
  /** Bytes (or steps) done and expected, when known. */
  readonly current?: number;
  readonly total?: number;
}

export interface ProgressSink {
  emit(event: ProgressEvent): void;
}

/** A sink that drops everything: for callers that do not show progress. */
export const discardProgress: ProgressSink = { emit: () => undefined };
