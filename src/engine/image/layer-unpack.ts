import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { createDecompressor, sniffCompression } from './decompress.js';
import { ChildSink } from './child-sink.js';
import { DigestStream } from './digest-stream.js';
import type { SnapshotInfo, LocalSnapshotStore } from './snapshot-store.js';

export interface LayerUnpackSpec {
  /** The layer as stored or downloaded (compressed or not: detected from its first bytes). */
  readonly source: Readable;
  readonly mediaType: string;
  readonly chainId: string;
  readonly parent: string | null;
  /** `rootfs.diff_ids[i]` of the image config: the uncompressed stream must hash to it. */
  readonly diffId: string;
  /** Names the layer in errors: `layer sha256:… of docker.io/library/redis:7`. */
  readonly what: string;
  readonly signal?: AbortSignal;
  /** Called with the count of uncompressed bytes applied so far. */
  readonly onBytes?: (uncompressed: number) => void;
  /**
   * Awaited after the stream ended and before the snapshot is committed: the caller's other
   * checks of the same bytes (the compressed blob's digest). A rejection discards the draft.
   */
  readonly beforeCommit?: () => Promise<unknown>;
}

/**
 * Decompresses a layer into `tscompose-native unpack` while hashing the uncompressed stream, and
 * commits the snapshot only when the hash equals the config's diffID (a mismatch removes the
 * draft: engine-anchors §3.4).
 */
export async function unpackLayer(
  spec: LayerUnpackSpec,
  snapshots: LocalSnapshotStore,
  runtime: Runtime,
): Promise<SnapshotInfo> {
  const draft = await snapshots.draft();
  try {
    const { compression, stream } = await sniffCompression(spec.source);
    const decompress = createDecompressor(compression, spec.mediaType, spec.what);
    const hasher = new DigestStream(spec.onBytes);
    const child = runtime.unpack(draft.path, { signal: spec.signal });
    // Judged below, after the stream; handled now so an early exit is not an unhandled rejection.
    const outcome = child.result.then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    let streamError: unknown;
    await pipeline(stream, decompress, hasher, new ChildSink(child.stdin), {
      signal: spec.signal,
    }).catch((err: unknown) => {
      streamError = err;
    });
    if (streamError !== undefined) {
      // Whatever broke the stream (a cut download, bad gzip) is the story; the child only saw EOF.
      await outcome;
      throw streamError;
    }
    const done = await outcome;
    const diffId = hasher.digest();
    // A stream that is not what the config says explains an unpacker failure; check it first.
    if (diffId !== spec.diffId) {
      throw new EngineError(
        'LAYER_DIFFID_MISMATCH',
        `${spec.what}: uncompressed content hashes to ${diffId}, but the image config says ${spec.diffId}`,
        'the image is corrupt (its config does not describe its layers); nothing was kept',
      );
    }
    if (!done.ok) throw done.e;
    const result = done.r;
    if (result.size > hasher.bytes) {
      throw new EngineError(
        'LAYER_UNPACK_FAILED',
        `${spec.what}: the unpacker reports ${result.size} bytes read, more than the ${hasher.bytes} sent`,
      );
    }
    await spec.beforeCommit?.();
    return await snapshots.commit(draft, spec.chainId, { parent: spec.parent, diffId, size: hasher.bytes });
  } catch (err) {
    await snapshots.discard(draft);
    throw err;
  }
}
