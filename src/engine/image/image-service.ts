import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../errors.js';
import type { EngineLock } from '../store/engine-lock.js';
import type { RwLock } from '../store/rw-lock.js';
import type {
  HistoryItem,
  ImageInfo,
  ImageService,
  ImageSummary,
  ImportSpec,
  LoadInfo,
  LoadSpec,
  LoginSpec,
  OpOptions,
  PruneInfo,
  PruneSpec,
  PullInfo,
  PullSpec,
  PushInfo,
  RemoveInfo,
  RemoveSpec,
  SaveSpec,
} from '../types.js';
import { importRootfs } from './archive/import.js';
import { DirSink, TarSink } from './archive/layout-sink.js';
import { loadArchive } from './archive/load.js';
import { saveImages } from './archive/save.js';
import type { ImageDeps } from './image-deps.js';
import { toHistory, toImageInfo, toSummaries } from './image-info.js';
import { ensureSnapshots } from './image-unpacker.js';
import { readImageConfig, requireImage } from './image-view.js';
import { pruneImages } from './prune.js';
import { pullImage } from './pull.js';
import { pushImage } from './push.js';
import { parseReference } from './reference.js';
import { authKeyHost } from './registry/credentials.js';
import { removeImages } from './remove.js';

/**
 * The image subsystem behind `ImageService`. Mutations hold the engine lock (other processes)
 * and a shared in-process lock; `prune` holds it exclusively, so no pull of this process writes
 * blobs while unreferenced ones are swept. Reads take no lock: every state file is replaced
 * atomically.
 */
export class LocalImageService implements ImageService {
  constructor(
    private readonly deps: ImageDeps,
    private readonly engineLock: EngineLock,
    private readonly rw: RwLock,
  ) {}

  private async locked<T>(
    signal: AbortSignal | undefined,
    exclusive: boolean,
    fn: () => Promise<T>,
  ): Promise<T> {
    const release = await this.engineLock.acquire({ signal });
    try {
      return await (exclusive ? this.rw.exclusive(fn) : this.rw.shared(fn));
    } finally {
      await release();
    }
  }

  pull(reference: string, spec: PullSpec = {}): Promise<PullInfo> {
    return this.locked(spec.signal, false, async () => {
      const r = await pullImage(this.deps, reference, spec);
      return {
        reference: r.reference,
        digest: r.digest,
        id: r.id,
        repoDigest: r.repoDigest,
        status: r.status,
      };
    });
  }

  push(reference: string, o: OpOptions = {}): Promise<PushInfo> {
    return this.locked(o.signal, false, () => pushImage(this.deps, reference, o));
  }

  async list(): Promise<ImageSummary[]> {
    return toSummaries(await this.deps.images.list());
  }

  async find(refOrId: string): Promise<ImageInfo | undefined> {
    const stored = await this.deps.images.find(refOrId);
    if (!stored) return undefined;
    return toImageInfo(stored, await readImageConfig(this.deps, stored.record));
  }

  async inspect(refOrId: string): Promise<ImageInfo> {
    const stored = await requireImage(this.deps, refOrId);
    return toImageInfo(stored, await readImageConfig(this.deps, stored.record));
  }

  tag(source: string, target: string): Promise<void> {
    return this.locked(undefined, false, async () => {
      const stored = await requireImage(this.deps, source);
      const ref = parseReference(target);
      if (ref.digest !== undefined) {
        throw new EngineError('IMAGE_REFERENCE_INVALID', `tag ${target}: a tag cannot contain a digest`);
      }
      await this.deps.images.tag(stored.record.digest, ref);
    });
  }

  remove(refsOrIds: readonly string[], spec: RemoveSpec = {}): Promise<RemoveInfo> {
    return this.locked(undefined, false, () => removeImages(this.deps, refsOrIds, spec));
  }

  async history(refOrId: string): Promise<HistoryItem[]> {
    const stored = await requireImage(this.deps, refOrId);
    return toHistory(stored.record, await readImageConfig(this.deps, stored.record));
  }

  save(
    refsOrIds: readonly string[],
    out: Writable | { directory: string },
    spec: SaveSpec = {},
  ): Promise<void> {
    return this.locked(spec.signal, false, () => {
      const sink =
        'directory' in out && typeof out.directory === 'string'
          ? new DirSink(out.directory)
          : new TarSink(out as Writable);
      return saveImages(this.deps, refsOrIds, sink, { format: spec.format ?? 'docker', signal: spec.signal });
    });
  }

  load(input: Readable, spec: LoadSpec = {}): Promise<LoadInfo> {
    return this.locked(spec.signal, false, async () => {
      const loaded = await loadArchive(this.deps, input, spec);
      if (spec.unpack ?? true) {
        for (const l of loaded) await ensureSnapshots(this.deps, l.record, spec);
      }
      return { images: loaded.map((l) => ({ id: l.id, digest: l.digest, references: l.refs })) };
    });
  }

  import(input: Readable, spec: ImportSpec = {}): Promise<ImageInfo> {
    return this.locked(spec.signal, false, async () => {
      const { record } = await importRootfs(this.deps, input, spec);
      if (spec.unpack ?? true) await ensureSnapshots(this.deps, record, spec);
      const stored = (await this.deps.images.get(record.digest))!;
      return toImageInfo(stored, await readImageConfig(this.deps, record));
    });
  }

  prune(spec: PruneSpec = {}): Promise<PruneInfo> {
    return this.locked(spec.signal, true, () => pruneImages(this.deps, spec.all ?? false));
  }

  prepareRootfs(refOrId: string, o: OpOptions = {}): Promise<string | null> {
    return this.locked(o.signal, false, async () => {
      const stored = await requireImage(this.deps, refOrId);
      const snaps = await ensureSnapshots(this.deps, stored.record, o);
      return snaps.length > 0 ? snaps[snaps.length - 1]!.chainId : null;
    });
  }

  async login(server: string, spec: LoginSpec): Promise<void> {
    await this.deps.registry.login(
      authKeyHost(server),
      { username: spec.username, password: spec.password },
      spec.signal,
    );
  }
}
