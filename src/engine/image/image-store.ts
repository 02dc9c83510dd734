import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { readJsonFile, writeJsonFile } from '../store/json-file.js';
import { Mutex } from '../store/rw-lock.js';
import type { Descriptor } from './manifest.js';
import type { Platform } from './platform.js';
import { formatReference, parseReference, repositoryName, type ImageReference } from './reference.js';

/** One layer of a stored image: its blob, its uncompressed identity and its snapshot key. */
export interface LayerRecord {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly diffId: string;
  readonly chainId: string;
  /** Bytes of the uncompressed tar, once known (after unpack). */
  readonly uncompressedSize?: number;
}

/**
 * A stored image: one platform-specific manifest and what it points to. Its id (as Docker shows
 * it) is the config digest; its key here is the manifest digest.
 */
export interface ImageRecord {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly config: Descriptor;
  readonly layers: readonly LayerRecord[];
  readonly platform: Platform;
  /** `created` of the config. */
  readonly created?: string;
  /** `repo@digest` for each repository the image was pulled from or pushed to (the digest the tag pointed at). */
  readonly repoDigests: readonly string[];
  /** Repositories that hold the blobs (`host/path`): candidates for cross-repository mounts on push. */
  readonly sources: readonly string[];
  readonly lastUpdated: string;
}

interface ImageIndexFile {
  version: 1;
  images: Record<string, ImageRecord>;
  /** Canonical reference (`docker.io/library/redis:7`, `host/app@sha256:…`) → manifest digest. */
  refs: Record<string, string>;
}

/** An image with the references that name it. */
export interface StoredImage {
  readonly record: ImageRecord;
  readonly refs: readonly string[];
}

const HEX_PREFIX = /^(?:sha256:)?[a-f0-9]{1,64}$/;

/**
 * References and image records, in one file (`images/index.json`) written atomically, so every
 * reader sees a consistent set. Mutations assume the engine lock; the mutex orders this process.
 */
export class LocalImageStore {
  private readonly indexPath: string;
  private readonly mutex = new Mutex();

  constructor(dir: string) {
    this.indexPath = join(dir, 'index.json');
  }

  private async read(): Promise<ImageIndexFile> {
    return (await readJsonFile<ImageIndexFile>(this.indexPath)) ?? { version: 1, images: {}, refs: {} };
  }

  private update<T>(fn: (index: ImageIndexFile) => T): Promise<T> {
    return this.mutex.run(async () => {
      const index = await this.read();
      const result = fn(index);
      await writeJsonFile(this.indexPath, index);
      return result;
    });
  }

  async list(): Promise<StoredImage[]> {
    const index = await this.read();
    const refsOf = new Map<string, string[]>();
    for (const [ref, digest] of Object.entries(index.refs)) {
      const list = refsOf.get(digest) ?? [];
      list.push(ref);
      refsOf.set(digest, list);
    }
    return Object.values(index.images).map((record) => ({
      record,
      refs: (refsOf.get(record.digest) ?? []).sort(),
    }));
  }

  async get(manifestDigest: string): Promise<StoredImage | undefined> {
    return (await this.list()).find((i) => i.record.digest === manifestDigest);
  }

  /** The manifest digest a canonical reference points at. */
  async resolveRef(ref: ImageReference): Promise<string | undefined> {
    return (await this.read()).refs[formatReference(ref)];
  }

  /**
   * Finds an image as Docker's `GetImage` does: by reference first (`redis`, `redis:7`,
   * `redis@sha256:…`, also a repo digest recorded at pull), then by id prefix (the config digest,
   * `sha256:` optional). An ambiguous prefix is an error.
   */
  async find(refOrId: string): Promise<StoredImage | undefined> {
    const images = await this.list();
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(refOrId);
    } catch {
      ref = undefined;
    }
    if (ref) {
      const canonical = formatReference(ref);
      const byRef = images.find((i) => i.refs.includes(canonical));
      if (byRef) return byRef;
      if (ref.digest) {
        const repo = repositoryName(ref);
        const byDigest = images.find(
          (i) =>
            i.record.repoDigests.includes(`${repo}@${ref.digest}`) ||
            (i.record.digest === ref.digest &&
              i.refs.some((r) => r.startsWith(`${repo}:`) || r.startsWith(`${repo}@`))),
        );
        if (byDigest) return byDigest;
      }
    }
    if (!HEX_PREFIX.test(refOrId)) return undefined;
    const prefix = refOrId.startsWith('sha256:') ? refOrId : `sha256:${refOrId}`;
    const matches = images.filter(
      (i) => i.record.config.digest.startsWith(prefix) || i.record.digest === prefix,
    );
    const ids = new Set(matches.map((m) => m.record.config.digest));
    if (ids.size > 1) {
      throw new EngineError(
        'IMAGE_ID_AMBIGUOUS',
        `image id prefix "${refOrId}" matches ${ids.size} images`,
        'give more digits of the id',
      );
    }
    return matches[0];
  }

  /** Stores (or refreshes) a record and points `refs` at it. Returns the digests those refs left. */
  async put(record: ImageRecord, refs: readonly ImageReference[]): Promise<string[]> {
    return this.update((index) => {
      const old = index.images[record.digest];
      index.images[record.digest] = old
        ? {
            ...record,
            repoDigests: union(old.repoDigests, record.repoDigests),
            sources: union(old.sources, record.sources),
            layers: record.layers.map((l, i) => ({ ...old.layers[i], ...l })),
          }
        : record;
      const left: string[] = [];
      for (const ref of refs) {
        const key = formatReference(ref);
        const previous = index.refs[key];
        if (previous !== undefined && previous !== record.digest) left.push(previous);
        index.refs[key] = record.digest;
      }
      return left;
    });
  }

  /** Adds repo digests / sources / layer sizes learnt later (after a push, after an unpack). */
  async amend(
    manifestDigest: string,
    change: {
      repoDigests?: readonly string[];
      sources?: readonly string[];
      uncompressedSizes?: readonly (number | undefined)[];
    },
  ): Promise<void> {
    await this.update((index) => {
      const r = index.images[manifestDigest];
      if (!r) return;
      index.images[manifestDigest] = {
        ...r,
        repoDigests: union(r.repoDigests, change.repoDigests ?? []),
        sources: union(r.sources, change.sources ?? []),
        layers: r.layers.map((l, i) => {
          const size = change.uncompressedSizes?.[i];
          return size === undefined ? l : { ...l, uncompressedSize: size };
        }),
        lastUpdated: new Date().toISOString(),
      };
    });
  }

  async tag(manifestDigest: string, ref: ImageReference): Promise<string | undefined> {
    return this.update((index) => {
      if (!index.images[manifestDigest])
        throw new EngineError('IMAGE_NOT_FOUND', `image ${manifestDigest} not found`);
      const key = formatReference(ref);
      const previous = index.refs[key];
      index.refs[key] = manifestDigest;
      return previous !== manifestDigest ? previous : undefined;
    });
  }

  /** Removes one reference; returns the digest it pointed at. */
  async untag(ref: string): Promise<string | undefined> {
    return this.update((index) => {
      const digest = index.refs[ref];
      delete index.refs[ref];
      return digest;
    });
  }

  /** Removes an image record and every reference to it; returns the references removed. */
  async delete(manifestDigest: string): Promise<string[]> {
    return this.update((index) => {
      const removed = Object.keys(index.refs).filter((r) => index.refs[r] === manifestDigest);
      for (const r of removed) delete index.refs[r];
      delete index.images[manifestDigest];
      return removed;
    });
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
