import { describe, expect, it } from 'vitest';
import { parseImageConfig } from '../../../../src/engine/image/image-config.js';
import { parseManifest } from '../../../../src/engine/image/manifest.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

const manifest = (extra: object = {}) => ({
  schemaVersion: 2,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D1, size: 10 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D2, size: 20 }],
  ...extra,
});
const index = (extra: object = {}) => ({
  schemaVersion: 2,
  manifests: [
    { mediaType: OCI_MANIFEST, digest: D1, size: 5, platform: { os: 'linux', architecture: 'amd64' } },
  ],
  ...extra,
});
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('parseManifest', () => {
  it.each([
    [
      'OCI manifest with mediaType',
      manifest({ mediaType: OCI_MANIFEST }),
      OCI_MANIFEST,
      'manifest',
      OCI_MANIFEST,
    ],
    [
      'Docker schema2',
      manifest({ mediaType: DOCKER_MANIFEST }),
      DOCKER_MANIFEST,
      'manifest',
      DOCKER_MANIFEST,
    ],
    [
      'content type with parameters',
      manifest({ mediaType: OCI_MANIFEST }),
      `${OCI_MANIFEST}; charset=utf-8`,
      'manifest',
      OCI_MANIFEST,
    ],
    ['no mediaType: Content-Type decides', manifest(), OCI_MANIFEST, 'manifest', OCI_MANIFEST],
    [
      'no mediaType, generic type: shape decides (manifest)',
      manifest(),
      'application/json',
      'manifest',
      OCI_MANIFEST,
    ],
    [
      'no mediaType, generic type: shape decides (index)',
      index(),
      'application/octet-stream',
      'index',
      OCI_INDEX,
    ],
    ['OCI index', index({ mediaType: OCI_INDEX }), OCI_INDEX, 'index', OCI_INDEX],
    ['Docker manifest list', index({ mediaType: DOCKER_LIST }), DOCKER_LIST, 'index', DOCKER_LIST],
    ['no content type at all', manifest({ mediaType: OCI_MANIFEST }), undefined, 'manifest', OCI_MANIFEST],
  ])('accepts %s', (_name, doc, contentType, kind, mediaType) => {
    const parsed = parseManifest(bytes(doc), contentType, 'test');
    expect(parsed.kind).toBe(kind);
    expect(parsed.mediaType).toBe(mediaType);
  });

  it.each([
    [
      'mediaType differs from Content-Type',
      manifest({ mediaType: OCI_MANIFEST }),
      DOCKER_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /does not match the Content-Type/,
    ],
    [
      'schema 1',
      { schemaVersion: 1, name: 'x', fsLayers: [] },
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'IMAGE_MANIFEST_UNSUPPORTED',
      /schema 1/,
    ],
    [
      'schema 1 by type',
      manifest({ mediaType: 'application/vnd.docker.distribution.manifest.v1+json' }),
      undefined,
      'IMAGE_MANIFEST_UNSUPPORTED',
      /schema 1/,
    ],
    ['not JSON', '{', OCI_MANIFEST, 'IMAGE_MANIFEST_INVALID', /not valid JSON/],
    ['an array', [], OCI_MANIFEST, 'IMAGE_MANIFEST_INVALID', /JSON object/],
    [
      'schemaVersion 3',
      manifest({ schemaVersion: 3 }),
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /schemaVersion/,
    ],
    [
      'unknown manifest type',
      manifest({ mediaType: 'application/x-custom' }),
      'application/x-custom',
      'IMAGE_MANIFEST_UNSUPPORTED',
      /unsupported manifest type/,
    ],
    [
      'missing config',
      { schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] },
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /config/,
    ],
    [
      'layers not an array',
      manifest({ mediaType: OCI_MANIFEST, layers: {} }),
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /layers missing/,
    ],
    [
      'bad layer digest',
      manifest({ mediaType: OCI_MANIFEST, layers: [{ mediaType: 'x', digest: 'nope', size: 1 }] }),
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /layers\[0\]: bad digest/,
    ],
    [
      'negative size',
      manifest({ mediaType: OCI_MANIFEST, layers: [{ mediaType: 'x', digest: D2, size: -1 }] }),
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /bad size/,
    ],
    [
      'fractional size',
      manifest({ mediaType: OCI_MANIFEST, layers: [{ mediaType: 'x', digest: D2, size: 1.5 }] }),
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /bad size/,
    ],
    [
      'index without manifests',
      { schemaVersion: 2, mediaType: OCI_INDEX },
      OCI_INDEX,
      'IMAGE_MANIFEST_INVALID',
      /manifests missing/,
    ],
    [
      'index entry with bad platform',
      index({
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: D1, size: 1, platform: { os: 'linux' } }],
      }),
      OCI_INDEX,
      'IMAGE_MANIFEST_INVALID',
      /platform/,
    ],
    [
      'annotations not strings',
      manifest({ mediaType: OCI_MANIFEST, annotations: { a: 1 } }),
      OCI_MANIFEST,
      'IMAGE_MANIFEST_INVALID',
      /annotations/,
    ],
  ])('refuses %s', (_name, doc, contentType, code, message) => {
    const data = typeof doc === 'string' ? Buffer.from(doc) : bytes(doc);
    expect(() => parseManifest(data, contentType, 'where')).toThrow(message);
    try {
      parseManifest(data, contentType, 'where');
    } catch (err) {
      expect((err as { code: string }).code).toBe(code);
      expect((err as Error).message.startsWith('where')).toBe(true);
    }
  });
});

describe('parseImageConfig', () => {
  const config = (extra: object = {}) => ({
    os: 'linux',
    architecture: 'amd64',
    rootfs: { type: 'layers', diff_ids: [D1, D2] },
    ...extra,
  });
  it('accepts a config whose diff_ids match the layer count', () => {
    expect(parseImageConfig(bytes(config()), 'c', 2).rootfs.diff_ids).toEqual([D1, D2]);
  });
  it.each([
    ['layer count differs', config(), 3, /2 diff_ids for 3 layers/],
    [
      'missing os',
      { architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } },
      undefined,
      /os and architecture/,
    ],
    ['wrong rootfs type', config({ rootfs: { type: 'other', diff_ids: [] } }), undefined, /rootfs/],
    [
      'bad diff id',
      config({ rootfs: { type: 'layers', diff_ids: ['sha256:zz'] } }),
      undefined,
      /diff_ids\[0\]/,
    ],
    [
      'sha512 diff id',
      config({ rootfs: { type: 'layers', diff_ids: [`sha512:${'a'.repeat(128)}`] } }),
      undefined,
      /diff_ids\[0\]/,
    ],
    ['history not an array', config({ history: {} }), undefined, /history/],
  ])('refuses %s', (_name, doc, layers, message) => {
    expect(() => parseImageConfig(bytes(doc), 'c', layers)).toThrow(message);
  });
});
