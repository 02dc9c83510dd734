import { EngineError } from '../errors.js';
import { isSha256Digest } from './digest.js';

/** The runtime defaults of an image (image-spec `config.md` `config`, Docker's field names). */
export interface ContainerConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly ArgsEscaped?: boolean;
  readonly Shell?: readonly string[];
  readonly OnBuild?: readonly string[] | null;
  /** Docker extension: the image's HEALTHCHECK (durations in nanoseconds). */
  readonly Healthcheck?: {
    readonly Test?: readonly string[];
    readonly Interval?: number;
    readonly Timeout?: number;
    readonly StartPeriod?: number;
    readonly StartInterval?: number;
    readonly Retries?: number;
  };
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** An image configuration blob. Unknown fields are kept when it is re-serialized. */
export interface ImageConfig {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly config?: ContainerConfig;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history?: readonly HistoryEntry[];
  readonly [extra: string]: unknown;
}

function bad(where: string, what: string): EngineError {
  return new EngineError('IMAGE_CONFIG_INVALID', `${where}: ${what}`);
}

/**
 * Parses a config blob and checks what the engine relies on: os/architecture, and
 * `rootfs.diff_ids` (sha256 digests) — one per layer of the manifest when `layerCount` is given
 * (Docker's load checks the same, `len(Layers) == len(diff_ids)`).
 */
export function parseImageConfig(bytes: Uint8Array, where: string, layerCount?: number): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw bad(where, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw bad(where, 'expected a JSON object');
  const c = doc as Record<string, unknown>;
  if (typeof c['os'] !== 'string' || typeof c['architecture'] !== 'string') {
    throw bad(where, 'os and architecture are required');
  }
  const rootfs = c['rootfs'] as Record<string, unknown> | undefined;
  if (!rootfs || rootfs['type'] !== 'layers' || !Array.isArray(rootfs['diff_ids'])) {
    throw bad(where, 'rootfs must be {type: "layers", diff_ids: [...]}');
  }
  const diffIds = rootfs['diff_ids'] as unknown[];
  diffIds.forEach((d, i) => {
    if (typeof d !== 'string' || !isSha256Digest(d))
      throw bad(where, `rootfs.diff_ids[${i}]: bad digest ${JSON.stringify(d)}`);
  });
  if (layerCount !== undefined && diffIds.length !== layerCount) {
    throw bad(where, `${diffIds.length} diff_ids for ${layerCount} layers`);
  }
  const inner = c['config'];
  if (inner !== undefined && inner !== null && (typeof inner !== 'object' || Array.isArray(inner))) {
    throw bad(where, 'config must be an object');
  }
  if (c['history'] !== undefined && !Array.isArray(c['history']))
    throw bad(where, 'history must be an array');
  return doc as ImageConfig;
}
