import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { ProgressSink } from '../../../common/progress.js';
import { EngineError } from '../../errors.js';
import { createDecompressor, sniffCompression, detectCompression } from '../decompress.js';
import { chainIds, isSha256Digest } from '../digest.js';
import { parseImageConfig } from '../image-config.js';
import type { ImageDeps } from '../image-deps.js';
import type { ImageRecord } from '../image-store.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseManifest, type ImageManifest } from '../manifest.js';
import { MediaType, configMediaTypeFor, layerMediaTypeFor } from '../media-types.js';
import { hostPlatform, normalizePlatform, selectPlatform } from '../platform.js';
import { formatReference, parseReference, type ImageReference } from '../reference.js';
import { readTar } from './tar-reader.js';

export interface LoadOptions {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}

export interface LoadedImage {
  readonly id: string;
  readonly digest: string;
  /** Canonical references now pointing at it (empty: loaded untagged). */
  readonly refs: readonly string[];
  readonly record: ImageRecord;
}

/** Archive members kept in memory: the small files that describe the rest. */
const METADATA = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories']);
/** Legacy per-layer metadata of old `docker save` output: not needed, not stored. */
const LEGACY_LAYER_META = /^[^/]+\/(json|VERSION)$/;

interface ArchiveIndex {
  /** Archive path → content digest of the member stored in the content store. */
  readonly files: Map<string, string>;
  /** Symlinks and hardlinks: archive path → archive path they point at. */
  readonly links: Map<string, string>;
  readonly metadata: Map<string, Buffer>;
}

/** Normalizes a member name; refuses absolute paths and `..` (nothing is written by name anyway). */
function memberPath(name: string): string | undefined {
  const n = posix.normalize(name.replace(/^\.\//, ''));
  if (n === '.' || n.startsWith('..') || posix.isAbsolute(n)) return undefined;
  return n.replace(/\/$/, '');
}

/**
 * Reads an archive (tar, optionally gzip/zstd-compressed): every regular member goes straight into
 * the content store (members named `blobs/sha256/<hex>` are verified against that digest; others
 * are stored under the digest they hash to), so nothing is extracted to disk by name and the
 * archive is read once, in any member order.
 */
async function readArchive(deps: ImageDeps, input: Readable, signal?: AbortSignal): Promise<ArchiveIndex> {
  const { compression, stream } = await sniffCompression(input);
  const tarStream =
    compression === 'none' ? stream : stream.pipe(createDecompressor(compression, 'archive', 'archive'));
  if (tarStream !== stream) stream.on('error', (err) => tarStream.destroy(err));
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  const metadata = new Map<string, Buffer>();
  for await (const entry of readTar(tarStream)) {
    signal?.throwIfAborted();
    const path = memberPath(entry.name);
    if (path === undefined) continue;
    if (entry.type === 'symlink') {
      const target = entry.linkname.startsWith('/')
        ? entry.linkname.slice(1)
        : posix.join(posix.dirname(path), entry.linkname);
      const t = memberPath(target);
      if (t !== undefined) links.set(path, t);
      continue;
    }
    if (entry.type === 'hardlink') {
      const t = memberPath(entry.linkname);
      if (t !== undefined) links.set(path, t);
      continue;
    }
    if (entry.type !== 'file') continue;
    if (METADATA.has(path)) {
      if (entry.size > MAX_MANIFEST_BYTES)
        throw new EngineError('ARCHIVE_INVALID', `archive: ${path} is too large`);
      const chunks: Buffer[] = [];
      for await (const c of entry.body) chunks.push(c as Buffer);
      metadata.set(path, Buffer.concat(chunks));
      continue;
    }
    if (LEGACY_LAYER_META.test(path)) continue;
    const named = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
    const expected = named ? { digest: `sha256:${named[1]}`, size: entry.size } : { size: entry.size };
    const info = await deps.content.ingest(entry.body, expected, `archive member ${path}`, signal);
    files.set(path, info.digest);
  }
  return { files, links, metadata };
}

function resolveMember(index: ArchiveIndex, path: string, what: string): string {
  let p = memberPath(path);
  for (let hops = 0; p !== undefined && hops < 16; hops++) {
    const digest = index.files.get(p);
    if (digest) return digest;
    p = index.links.get(p);
  }
  throw new EngineError('ARCHIVE_INVALID', `archive: ${what} "${path}" is not in the archive`);
}

function json<T>(buf: Buffer, what: string): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw new EngineError(
      'ARCHIVE_INVALID',
      `archive: ${what} is not valid JSON (${(err as Error).message})`,
    );
  }
}

interface Candidate {
  manifest: ImageManifest;
  bytes: Buffer;
  digest: string;
  mediaType: string;
  refs: ImageReference[];
}

/** A reference from an archive's naming, or undefined for a bare tag such as `latest` (no repository). */
function nameToReference(name: string | undefined): ImageReference | undefined {
  if (!name || (!name.includes(':') && !name.includes('/'))) return undefined;
  try {
    const ref = parseReference(name);
    return ref.digest === undefined ? ref : undefined;
  } catch {
    return undefined;
  }
}

/** Walks index.json (and nested indexes) to image manifests, choosing this host's platform in multi-platform indexes. */
async function ociCandidates(deps: ImageDeps, index: ArchiveIndex): Promise<Candidate[]> {
  const raw = index.metadata.get('index.json');
  if (!raw) return [];
  const top = parseManifest(raw, MediaType.ociIndex, 'archive index.json');
  if (top.kind !== 'index')
    throw new EngineError('ARCHIVE_INVALID', 'archive: index.json is not an image index');
  const out: Candidate[] = [];
  const visit = async (digest: string, name: ImageReference | undefined, depth: number): Promise<void> => {
    if (depth > 3 || !(await deps.content.has(digest))) return;
    const bytes = await deps.content.readBytes(digest, MAX_MANIFEST_BYTES);
    const parsed = parseManifest(bytes, undefined, `archive manifest ${digest}`);
    if (parsed.kind === 'index') {
      const available = [];
      for (const m of parsed.index.manifests) if (await deps.content.has(m.digest)) available.push(m);
      const chosen = available.length === 1 ? available[0] : selectPlatform(available, hostPlatform());
      if (chosen) await visit(chosen.digest, name, depth + 1);
      return;
    }
    const existing = out.find((c) => c.digest === digest);
    if (existing) {
      if (name && !existing.refs.some((r) => formatReference(r) === formatReference(name)))
        existing.refs.push(name);
      return;
    }
    out.push({
      manifest: parsed.manifest,
      bytes,
      digest,
      mediaType: parsed.mediaType,
      refs: name ? [name] : [],
    });
  };
  for (const desc of top.index.manifests) {
    const a = desc.annotations ?? {};
    const name =
      nameToReference(a['io.containerd.image.name']) ??
      nameToReference(a['org.opencontainers.image.ref.name']);
    await visit(desc.digest, name, 0);
  }
  return out;
}

/** Docker-archive entries (`manifest.json`), matched to an OCI manifest of the same archive when there is one. */
async function dockerCandidates(
  deps: ImageDeps,
  index: ArchiveIndex,
  oci: Candidate[],
): Promise<Candidate[]> {
  const raw = index.metadata.get('manifest.json');
  if (!raw) return [];
  const entries = json<{ Config?: string; RepoTags?: string[] | null; Layers?: string[] }[]>(
    raw,
    'manifest.json',
  );
  if (!Array.isArray(entries))
    throw new EngineError('ARCHIVE_INVALID', 'archive: manifest.json is not a list');
  const out: Candidate[] = [];
  for (const [i, e] of entries.entries()) {
    if (typeof e.Config !== 'string' || !Array.isArray(e.Layers)) {
      throw new EngineError('ARCHIVE_INVALID', `archive: manifest.json[${i}] needs Config and Layers`);
    }
    const configDigest = resolveMember(index, e.Config, 'config');
    const layerDigests = e.Layers.map((l) => resolveMember(index, l, 'layer'));
    const refs = (e.RepoTags ?? []).map((t) => parseReference(t));
    const same = oci.find(
      (c) =>
        c.manifest.config.digest === configDigest &&
        c.manifest.layers.map((l) => l.digest).join() === layerDigests.join(),
    );
    if (same) {
      out.push({
        ...same,
        refs: [
          ...refs,
          ...same.refs.filter((r) => !refs.some((x) => formatReference(x) === formatReference(r))),
        ],
      });
      continue;
    }
    // Synthesize a manifest (Docker schema2) for the archive's config and layer files.
    const config = await deps.content.info(configDigest);
    let manifestType: string = MediaType.dockerManifest;
    const layers = [];
    for (const digest of layerDigests) {
      const head = await readHead(deps, digest);
      const compression = detectCompression(head);
      if (compression === 'zstd') manifestType = MediaType.ociManifest;
      layers.push({ digest, size: (await deps.content.info(digest))!.size, compression });
    }
    const manifest = {
      schemaVersion: 2 as const,
      mediaType: manifestType,
      config: { mediaType: configMediaTypeFor(manifestType), digest: configDigest, size: config!.size },
      layers: layers.map((l) => ({
        mediaType: layerMediaTypeFor(manifestType, l.compression),
        digest: l.digest,
        size: l.size,
      })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const stored = await deps.content.putBytes(bytes, undefined, 'synthesized manifest');
    out.push({ manifest, bytes, digest: stored.digest, mediaType: manifestType, refs });
  }
  return out;
}

async function readHead(deps: ImageDeps, digest: string): Promise<Buffer> {
  const stream = await deps.content.openRead(digest, 0, 7);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Loads images from an archive: Docker's `save` output (current: OCI layout + manifest.json;
 * legacy: `<id>/layer.tar` with symlinked duplicates), skopeo's and podman's `docker-archive`
 * (`<hex>.tar` layers, `<hex>.json` config) and OCI layouts (`oci-archive`). Where both
 * manifest.json and index.json exist the image keeps its OCI manifest (and digest) and takes its
 * names from manifest.json's RepoTags. Layers are verified against the configs' diffIDs when
 * unpacked (by the caller).
 */
export async function loadArchive(
  deps: ImageDeps,
  input: Readable,
  o: LoadOptions = {},
): Promise<LoadedImage[]> {
  const index = await readArchive(deps, input, o.signal);
  if (!index.metadata.has('manifest.json') && !index.metadata.has('index.json')) {
    throw new EngineError(
      'ARCHIVE_INVALID',
      'archive: neither manifest.json (docker-archive) nor index.json (OCI layout) found',
      'load reads what `docker save`, `podman save` and `skopeo copy … docker-archive:|oci-archive:` write',
    );
  }
  const oci = await ociCandidates(deps, index);
  const docker = await dockerCandidates(deps, index, oci);
  const candidates = index.metadata.has('manifest.json') ? docker : oci;
  const loaded: LoadedImage[] = [];
  for (const c of candidates) {
    if (!isSha256Digest(c.manifest.config.digest))
      throw new EngineError('ARCHIVE_INVALID', `archive: bad config digest ${c.manifest.config.digest}`);
    const configBytes = await deps.content.readBytes(c.manifest.config.digest, MAX_CONFIG_BYTES);
    const config = parseImageConfig(
      configBytes,
      `archive config ${c.manifest.config.digest}`,
      c.manifest.layers.length,
    );
    for (const l of c.manifest.layers) {
      if (!(await deps.content.has(l.digest)))
        throw new EngineError('ARCHIVE_INVALID', `archive: layer ${l.digest} is missing`);
    }
    const chains = chainIds(config.rootfs.diff_ids);
    const record: ImageRecord = {
      digest: c.digest,
      mediaType: c.mediaType,
      size: c.bytes.length,
      config: c.manifest.config,
      layers: c.manifest.layers.map((l, i) => ({
        digest: l.digest,
        mediaType: l.mediaType,
        size: l.size,
        diffId: config.rootfs.diff_ids[i]!,
        chainId: chains[i]!,
      })),
      platform: normalizePlatform({
        os: config.os,
        architecture: config.architecture,
        ...(config.variant ? { variant: config.variant } : {}),
      }),
      ...(config.created ? { created: config.created } : {}),
      repoDigests: [],
      sources: [],
      lastUpdated: new Date().toISOString(),
    };
    await deps.images.put(record, c.refs);
    loaded.push({
      id: record.config.digest,
      digest: record.digest,
      refs: c.refs.map(formatReference),
      record,
    });
  }
  return loaded;
}
