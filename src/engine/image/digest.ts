import { createHash } from 'node:crypto';
import { EngineError } from '../errors.js';

/**
 * Content digests (image-spec `descriptor.md`): `algorithm:encoded`. Only sha256 is stored and
 * verified (the registry and every peer use it); sha512 is recognised so the error says so.
 */
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_HEX = /^[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

export function isSha256Digest(value: string): boolean {
  return value.startsWith('sha256:') && SHA256_HEX.test(value.slice(7));
}

/** The hex part of a sha256 digest, validated (it becomes a file name). */
export function digestHex(digest: string): string {
  if (!isSha256Digest(digest)) {
    throw new EngineError(
      'IMAGE_DIGEST_INVALID',
      `digest "${digest}": expected sha256:<64 lowercase hex digits>`,
      digest.startsWith('sha512:') ? 'only sha256 content is supported' : undefined,
    );
  }
  return digest.slice(7);
}

export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `sha256:abcdef…` cut to the 12 hex digits Docker shows as ids. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}

/**
 * ChainID (image-spec `config.md`): ChainID(L0) = DiffID(L0);
 * ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return out;
}
