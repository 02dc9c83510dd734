/**
 * Media types of manifests, configs and layers (image-spec `media-types.md`, Docker's schema2).
 * The registry client sends all manifest types in `Accept` (engine-anchors §4).
 */
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Manifest types we can read, in our order of preference for `Accept`. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
  '*/*',
];

export type ManifestKind = 'index' | 'manifest';

export function manifestKind(mediaType: string): ManifestKind | undefined {
  switch (mediaType) {
    case MediaType.ociIndex:
    case MediaType.dockerManifestList:
      return 'index';
    case MediaType.ociManifest:
    case MediaType.dockerManifest:
      return 'manifest';
    default:
      return undefined;
  }
}

export function isSchema1(mediaType: string): boolean {
  return (
    mediaType === MediaType.dockerSchema1 ||
    mediaType === MediaType.dockerSchema1Signed ||
    mediaType === 'application/json' // schema1 registries answered with this before schema2 existed
  );
}

export type LayerCompression = 'none' | 'gzip' | 'zstd';

/** The compression a layer media type declares; undefined for a type that is not a layer. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  switch (mediaType) {
    case MediaType.ociLayer:
    case MediaType.ociLayerNondistributable:
    case MediaType.dockerLayer:
      return 'none';
    case MediaType.ociLayerGzip:
    case MediaType.ociLayerNondistributableGzip:
    case MediaType.dockerLayerGzip:
    case MediaType.dockerLayerForeignGzip:
      return 'gzip';
    case MediaType.ociLayerZstd:
    case MediaType.ociLayerNondistributableZstd:
      return 'zstd';
    default:
      return undefined;
  }
}

/** Layers that registries must not serve and clients fetch from `urls` (Windows base layers). */
export function isForeignLayer(mediaType: string): boolean {
  return mediaType === MediaType.dockerLayerForeignGzip || mediaType.includes('.nondistributable.');
}

/** The layer media type matching a manifest type, for manifests we write ourselves. */
export function layerMediaTypeFor(manifestType: string, compression: LayerCompression): string {
  const docker = manifestType === MediaType.dockerManifest;
  switch (compression) {
    case 'none':
      return docker ? MediaType.dockerLayer : MediaType.ociLayer;
    case 'gzip':
      return docker ? MediaType.dockerLayerGzip : MediaType.ociLayerGzip;
    case 'zstd':
      return MediaType.ociLayerZstd;
  }
}

export function configMediaTypeFor(manifestType: string): string {
  return manifestType === MediaType.dockerManifest ? MediaType.dockerConfig : MediaType.ociConfig;
}
