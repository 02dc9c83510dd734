import type { Writable } from 'node:stream';
import type { ProgressEvent, ProgressSink } from '../../common/progress.js';
import type { ProgressMode } from '../global-options.js';
import { ProgressState, displayId, renderLine } from './progress-state.js';

/** A progress sink bound to an output; `done()` draws the final state and stops timers. */
export interface ProgressRenderer extends ProgressSink {
  done(): void;
}

type Stream = Writable & { isTTY?: boolean; columns?: number };

/** Redraws a block of lines in place, at most every `intervalMs` (per-layer bars on a terminal). */
class TtyRenderer implements ProgressRenderer {
  private readonly state = new ProgressState();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly out: Stream,
    private readonly intervalMs = 100,
  ) {}

  emit(e: ProgressEvent): void {
    this.state.apply(e);
    this.dirty = true;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), this.intervalMs);
      this.timer.unref();
    }
  }

  private draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    // A pseudo-terminal without a size reports 0 columns.
    const width = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
    const lines = this.state.ordered().map(({ item, depth }) => renderLine(item, depth, width));
    // Up to the first line we drew, then rewrite every line (clearing the rest of each).
    let text = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    for (const l of lines) text += `\x1b[2K${l}\n`;
    this.out.write(text);
    this.drawn = lines.length;
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
  }
}

/** One line whenever a resource's status or text changes (`0123456789ab: Pull complete`). */
class PlainRenderer implements ProgressRenderer {
  private readonly state = new ProgressState();
  constructor(private readonly out: Stream) {}
  emit(e: ProgressEvent): void {
    if (this.state.apply(e)) this.out.write(`${displayId(e.id)}: ${e.text}\n`);
  }
  done(): void {}
}

/** Every event as one JSON object per line. */
class JsonRenderer implements ProgressRenderer {
  constructor(private readonly out: Stream) {}
  emit(e: ProgressEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }
  done(): void {}
}

const quiet: ProgressRenderer = { emit: () => undefined, done: () => undefined };

/** The renderer for `--progress` on `out` (stderr): auto = bars on a terminal, plain lines otherwise. */
export function createProgressRenderer(mode: ProgressMode, out: Stream): ProgressRenderer {
  switch (mode) {
    case 'quiet':
      return quiet;
    case 'json':
      return new JsonRenderer(out);
    case 'plain':
      return new PlainRenderer(out);
    case 'tty':
      return new TtyRenderer(out);
    case 'auto':
      return out.isTTY ? new TtyRenderer(out) : new PlainRenderer(out);
  }
}
