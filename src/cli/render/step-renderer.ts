import type { Writable } from 'node:stream';
import type { ProgressEvent, ProgressSink } from '../../common/progress.js';
import type { ProgressMode } from '../global-options.js';
import type { Step } from './plan-steps.js';
import { displayId, formatBytes } from './progress-state.js';

type Stream = Writable & { isTTY?: boolean; columns?: number };

/**
 * Per-resource progress of a plan being applied: one step per network, volume, image and
 * container (`Container p-web-1  Started`). listr2 on a terminal, one plain line per change
 * otherwise, JSON lines with `--progress json`, nothing with `quiet`. Events of resources that are
 * not steps (a pull's layers) are shown under their parent step on a terminal and as lines
 * otherwise. `done()` settles what is left and stops drawing.
 */
export interface StepRenderer extends ProgressSink {
  done(): Promise<void>;
}

/** `Container p-web-1  Started`, or `p-web-1: Started` for an event outside the steps. */
class PlainStepRenderer implements StepRenderer {
  private readonly last = new Map<string, string>();
  private readonly titles: Map<string, string>;
  constructor(
    private readonly out: Stream,
    steps: readonly Step[],
  ) {
    this.titles = new Map(steps.map((s) => [s.id, s.title]));
  }
  emit(e: ProgressEvent): void {
    const key = `${e.status} ${e.text}`;
    if (this.last.get(e.id) === key) return;
    this.last.set(e.id, key);
    const title = this.titles.get(e.id);
    this.out.write(title !== undefined ? ` ${title}  ${e.text}\n` : `${displayId(e.id)}: ${e.text}\n`);
  }
  done(): Promise<void> {
    return Promise.resolve();
  }
}

class JsonStepRenderer implements StepRenderer {
  constructor(private readonly out: Stream) {}
  emit(e: ProgressEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }
  done(): Promise<void> {
    return Promise.resolve();
  }
}

const quiet: StepRenderer = { emit: () => undefined, done: () => Promise.resolve() };

/** The renderer for `--progress` (auto: listr2 on a terminal, plain lines otherwise). */
export async function createStepRenderer(
  mode: ProgressMode,
  out: Stream,
  steps: readonly Step[],
): Promise<StepRenderer> {
  switch (mode) {
    case 'quiet':
      return quiet;
    case 'json':
      return new JsonStepRenderer(out);
    case 'plain':
      return new PlainStepRenderer(out, steps);
    case 'tty':
      return steps.length > 0 ? listrRenderer(out, steps) : new PlainStepRenderer(out, steps);
    case 'auto':
      return out.isTTY && steps.length > 0 ? listrRenderer(out, steps) : new PlainStepRenderer(out, steps);
  }
}

interface StepState {
  readonly step: Step;
  text: string;
  finished: boolean;
  failed: boolean;
  detail?: string;
  wrapper?: { title: string; output: string; skip(message?: string): void };
  resolve?: () => void;
  reject?: (err: Error) => void;
}

/**
 * listr2 with one concurrent task per step; each task is a promise settled by the step's events
 * (events may arrive before listr2 starts the task: the state is kept and applied when it does).
 * listr2 is loaded only here, when a terminal shows progress (CLI start-up time counts).
 */
async function listrRenderer(out: Stream, steps: readonly Step[]): Promise<StepRenderer> {
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  const states = new Map<string, StepState>();
  for (const step of steps) states.set(step.id, { step, text: 'Waiting', finished: false, failed: false });
  const title = (s: StepState): string => `${s.step.title}  ${s.text}`;
  const settle = (s: StepState): void => {
    if (!s.finished || !s.resolve || !s.reject) return;
    if (s.failed) s.reject(new Error(title(s)));
    else s.resolve();
  };
  const stream = out as unknown as NodeJS.WriteStream;
  // Both renderers (the default one, and the simple fallback listr2 picks for a stream that is
  // not a terminal) write through our stream, never to process.stdout.
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
  const listr = new Listr(
    steps.map((step) => ({
      title: step.title,
      task: (_ctx: unknown, wrapper: StepState['wrapper'] & object) =>
        new Promise<void>((resolve, reject) => {
          const s = states.get(step.id) as StepState;
          s.wrapper = wrapper;
          s.resolve = resolve;
          s.reject = reject;
          wrapper.title = title(s);
          if (s.detail !== undefined) wrapper.output = s.detail;
          settle(s);
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { logger, collapseErrors: false, showErrorMessage: false },
      fallbackRendererOptions: { logger },
    },
  );
  const running = listr.run().catch(() => undefined);
  return {
    emit(e: ProgressEvent): void {
      const s = states.get(e.id) ?? (e.parent !== undefined ? states.get(e.parent) : undefined);
      if (!s) return;
      if (s.step.id !== e.id) {
        // A sub-resource (a layer of a pull): shown as the step's output line.
        const bytes =
          e.current !== undefined && e.total !== undefined && e.total > 0
            ? ` ${formatBytes(e.current)}/${formatBytes(e.total)}`
            : '';
        s.detail = `${displayId(e.id)} ${e.text}${bytes}`;
        if (s.wrapper) s.wrapper.output = s.detail;
        return;
      }
      s.text = e.text;
      if (s.wrapper) s.wrapper.title = title(s);
      if (e.status === 'done' || e.status === 'error' || (e.status === 'warning' && e.text === 'Canceled')) {
        s.finished = true;
        s.failed = e.status === 'error';
        settle(s);
      }
    },
    async done(): Promise<void> {
      for (const s of states.values()) {
        if (!s.finished) {
          // Never reached (an earlier failure, or nothing to do for it): shown as skipped.
          s.finished = true;
          s.wrapper?.skip(title(s));
          settle(s);
        }
      }
      await running;
    },
  };
}
