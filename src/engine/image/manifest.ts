import { EngineError } from '../errors.js';
import { isDigest } from './digest.js';
import { MediaType, isSchema1, manifestKind } from './media-types.js';
import type { Platform } from './platform.js';

/** A content descriptor (image-spec `descriptor.md`). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

/** An image manifest: OCI or Docker schema2 (the same shape). */
export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly subject?: Descriptor;
  readonly artifactType?: string;
}

/** An image index or Docker manifest list. */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export type ParsedManifest =
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly manifest: ImageManifest }
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex };

/** containerd's MaxManifestSize; registries must accept at least this much (distribution-spec). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Image configs carry history and env; 8 MiB is far beyond any real one. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

function bad(where: string, what: string): EngineError {
  return new EngineError('IMAGE_MANIFEST_INVALID', `${where}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkStringMap(v: unknown, where: string): void {
  if (v === undefined) return;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw bad(where, 'expected an object of strings');
  }
}

export function validateDescriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v)) throw bad(where, 'expected a descriptor object');
  if (typeof v['mediaType'] !== 'string' || v['mediaType'] === '') throw bad(where, 'mediaType missing');
  if (typeof v['digest'] !== 'string' || !isDigest(v['digest'])) {
    throw bad(where, `bad digest ${JSON.stringify(v['digest'])}`);
  }
  const size = v['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw bad(where, `bad size ${JSON.stringify(size)}`);
  }
  if (
    v['urls'] !== undefined &&
    (!Array.isArray(v['urls']) || v['urls'].some((u) => typeof u !== 'string'))
  ) {
    throw bad(`${where}.urls`, 'expected an array of strings');
  }
  checkStringMap(v['annotations'], `${where}.annotations`);
  if (v['platform'] !== undefined) {
    const p = v['platform'];
    if (!isObject(p) || typeof p['os'] !== 'string' || typeof p['architecture'] !== 'string') {
      throw bad(`${where}.platform`, 'expected {os, architecture}');
    }
    if (p['variant'] !== undefined && typeof p['variant'] !== 'string') {
      throw bad(`${where}.platform.variant`, 'expected a string');
    }
  }
  return v as unknown as Descriptor;
}

/**
 * Detects and validates a manifest or index from its bytes. `contentType` is what the registry
 * sent (or what an archive declared): when the document has a `mediaType` the two must agree
 * (distribution-spec: clients SHOULD reject otherwise); without one, the content type decides,
 * and a generic type falls back to the document's shape. Schema1 is refused with its own error.
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | undefined,
  where: string,
): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw bad(where, `not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(doc)) throw bad(where, 'expected a JSON object');
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  const sent = contentType?.split(';')[0]?.trim().toLowerCase();
  if (
    doc['schemaVersion'] === 1 ||
    (declared && isSchema1(declared)) ||
    (sent && sent !== 'application/json' && isSchema1(sent))
  ) {
    throw new EngineError(
      'IMAGE_MANIFEST_UNSUPPORTED',
      `${where}: Docker image manifest schema 1 is not supported`,
      'the image is too old for today’s engines; rebuild or re-push it with a current tool',
    );
  }
  if (doc['schemaVersion'] !== 2)
    throw bad(where, `schemaVersion ${JSON.stringify(doc['schemaVersion'])}, expected 2`);
  const genericSent =
    sent === undefined ||
    sent === '' ||
    sent === 'application/json' ||
    sent === 'application/octet-stream' ||
    sent === 'text/plain';
  if (declared && !genericSent && declared !== sent) {
    throw bad(where, `mediaType "${declared}" does not match the Content-Type "${sent}"`);
  }
  let mediaType = declared ?? (genericSent ? undefined : sent);
  let kind = mediaType ? manifestKind(mediaType) : undefined;
  if (!mediaType) {
    kind = Array.isArray(doc['manifests']) ? 'index' : 'manifest';
    mediaType = kind === 'index' ? MediaType.ociIndex : MediaType.ociManifest;
  }
  if (!kind) {
    throw new EngineError('IMAGE_MANIFEST_UNSUPPORTED', `${where}: unsupported manifest type "${mediaType}"`);
  }
  checkStringMap(doc['annotations'], `${where}.annotations`);
  if (kind === 'index') {
    if (!Array.isArray(doc['manifests'])) throw bad(where, 'manifests missing');
    doc['manifests'].forEach((m, i) => validateDescriptor(m, `${where}.manifests[${i}]`));
    return { kind, mediaType, index: doc as unknown as ImageIndex };
  }
  validateDescriptor(doc['config'], `${where}.config`);
  if (!Array.isArray(doc['layers'])) throw bad(where, 'layers missing');
  doc['layers'].forEach((l, i) => validateDescriptor(l, `${where}.layers[${i}]`));
  return { kind, mediaType, manifest: doc as unknown as ImageManifest };
}
