import type { ProgressSink, ProgressStatus } from '../../common/progress.js';
import { shortDigest } from './digest.js';

/**
 * Progress of one layer as `layer:<12 hex>` events under the image's id. Byte updates are thinned
 * to about one per percent (and 256 KiB): a 200 MB download is a few hundred events, not 3000.
 */
export class LayerProgress {
  readonly id: string;
  private lastBytes = -1;

  constructor(
    private readonly sink: ProgressSink,
    digest: string,
    private readonly parent: string,
    private readonly total: number,
  ) {
    this.id = `layer:${shortDigest(digest)}`;
  }

  status(status: ProgressStatus, text: string, current?: number): void {
    this.sink.emit({
      id: this.id,
      parent: this.parent,
      status,
      text,
      ...(current !== undefined ? { current, total: this.total } : {}),
    });
  }

  bytes(text: string, current: number): void {
    const step = Math.max(256 * 1024, this.total / 100);
    if (current !== this.total && current - this.lastBytes < step) return;
    this.lastBytes = current;
    this.status('working', text, current);
  }
}
