import type { FileReferenceConfig, NetworkConfig, ServiceConfig, VolumeConfig } from '../spec/types.js';
import { canonicalJson, sha256Hex, toCanonical, type JsonObject } from './canonical-json.js';

/**
 * Bumped when what the hash covers changes. It is part of the hashed record, so a new version
 * recreates every container once, and the plan says why (`config hash changed: hash_version`).
 */
export const HASH_VERSION = 1;

/** A field left out of a service's config hash, and why changing it must not recreate containers. */
export interface IgnoredField {
  /** Path in the service (`deploy.replicas`), or `x-*` for extension fields. */
  readonly field: string;
  readonly why: string;
}

/**
 * What a service's config hash leaves out. Everything else of the normalized service is hashed,
 * so any other change recreates its containers. Compose's own list (pkg/compose/hash.go) is the
 * first six; the rest are tscompose's, each for the reason given.
 */
export const HASH_IGNORED_SERVICE_FIELDS: readonly IgnoredField[] = [
  {
    field: 'build',
    why: 'how the image is made, not what runs: a rebuilt image shows as a new image id ("image updated")',
  },
  { field: 'pull_policy', why: 'when to fetch the image: a newer image shows as a new image id' },
  { field: 'scale', why: 'the replica count is reconciled by adding or removing containers ("scale 3→1")' },
  { field: 'deploy.replicas', why: 'same as scale' },
  {
    field: 'depends_on',
    why: 'start order and waiting; a recreated dependency restarts dependents only with restart: true',
  },
  { field: 'profiles', why: 'which services are active, not how their containers are made' },
  {
    field: 'deploy.update_config',
    why: 'how an update is rolled out, not the container',
  },
  { field: 'deploy.rollback_config', why: 'how a failed update is rolled back, not the container' },
  { field: 'develop', why: 'watch rules for `up --watch`; the container does not carry them' },
  {
    field: 'env_file',
    why: 'its values are already merged into `environment`, which is hashed: moving a variable between files or renaming a file changes nothing',
  },
  { field: 'label_file', why: 'its values are already merged into `labels`, which is hashed' },
  { field: 'attach', why: "only whether attached `up` streams the service's logs" },
  { field: 'x-*', why: 'extension fields are data for other tools; the engine never reads them' },
];

/**
 * What a service's hash adds to the service's own fields, so that changes Docker Compose misses
 * recreate the containers that see them (compose#11900, compose#13045).
 */
export const HASH_ADDED_FIELDS: readonly IgnoredField[] = [
  {
    field: 'configs.<target>.digest, secrets.<target>.digest',
    why: 'the content of each config and secret (file, inline, environment): new content reaches only the services that use it',
  },
  {
    field: 'networks.<key>.name, volumes.<target>.name',
    why: 'the engine names of networks and volumes: renaming one with `name:` moves the containers onto it',
  },
  { field: 'hash_version', why: 'see HASH_VERSION' },
];

/** Facts a service's hash needs from the rest of the project. */
export interface ServiceHashContext {
  /** Engine name by network key. */
  readonly networkNames: Readonly<Record<string, string>>;
  /** Engine name by volume key. */
  readonly volumeNames: Readonly<Record<string, string>>;
  /** Content digest by config key. */
  readonly configDigests: Readonly<Record<string, string>>;
  /** Content digest by secret key. */
  readonly secretDigests: Readonly<Record<string, string>>;
}

/** A hash and the canonical JSON it was computed from. */
export interface HashedRecord {
  /** 64 lower-case hex digits (sha256 of `record`). */
  readonly hash: string;
  readonly record: string;
}

/**
 * The canonical object a service's hash is computed from: the normalized service without the
 * ignored fields, with list attributes whose order carries no meaning turned into maps keyed by
 * their unique key (`volumes`, `configs`, `secrets` by target), and the added fields. Key order and
 * empty mappings do not matter (canonical-json.ts); list order does where it has meaning.
 */
export function serviceHashInput(service: ServiceConfig, ctx: ServiceHashContext): JsonObject {
  const s: Record<string, unknown> = stripExtensions(service);
  for (const field of ['build', 'pull_policy', 'scale', 'depends_on', 'profiles', 'develop', 'env_file']) {
    delete s[field];
  }
  delete s['label_file'];
  delete s['attach'];
  if (isRecord(s['deploy'])) {
    const deploy = { ...s['deploy'] };
    delete deploy['replicas'];
    delete deploy['update_config'];
    delete deploy['rollback_config'];
    s['deploy'] = deploy;
  }
  if (service.networks) {
    const networks: Record<string, unknown> = {};
    for (const [key, cfg] of Object.entries(service.networks)) {
      networks[key] = { ...stripExtensions(cfg ?? {}), name: ctx.networkNames[key] ?? key };
    }
    s['networks'] = networks;
  }
  if (service.volumes) {
    const volumes: Record<string, unknown> = {};
    for (const v of service.volumes) {
      const entry: Record<string, unknown> = stripExtensions(v);
      delete entry['target'];
      if (v.type === 'volume' && v.source !== undefined)
        entry['name'] = ctx.volumeNames[v.source] ?? v.source;
      volumes[v.target ?? ''] = entry;
    }
    s['volumes'] = volumes;
  }
  if (service.configs) s['configs'] = fileRefs(service.configs, 'config', ctx.configDigests);
  if (service.secrets) s['secrets'] = fileRefs(service.secrets, 'secret', ctx.secretDigests);
  s['hash_version'] = HASH_VERSION;
  return (toCanonical(s) ?? {}) as JsonObject;
}

/** The config hash of a service's containers (see serviceHashInput). */
export function serviceConfigHash(service: ServiceConfig, ctx: ServiceHashContext): HashedRecord {
  return hashRecord(serviceHashInput(service, ctx));
}

/**
 * A network's hashed definition: everything but `name` (a new name is a new network), `external`
 * and extension fields; an absent driver is `bridge`. Compose hashes the whole resource too; a
 * changed hash recreates the network (containers are detached and reattached, not recreated).
 */
export function networkHashInput(network: NetworkConfig): JsonObject {
  const n: Record<string, unknown> = stripExtensions(network);
  delete n['name'];
  delete n['external'];
  if (n['driver'] === undefined || n['driver'] === '') n['driver'] = 'bridge';
  if (isRecord(n['ipam'])) n['ipam'] = stripExtensions(n['ipam']);
  return (toCanonical(n) ?? {}) as JsonObject;
}

/**
 * A volume's hashed definition: driver (empty or absent hashed as `local`, as Compose does, so
 * writing `driver: local` changes nothing), driver_opts and labels.
 */
export function volumeHashInput(volume: VolumeConfig): JsonObject {
  const v: Record<string, unknown> = stripExtensions(volume);
  delete v['name'];
  delete v['external'];
  if (v['driver'] === undefined || v['driver'] === '') v['driver'] = 'local';
  return (toCanonical(v) ?? {}) as JsonObject;
}

export function networkConfigHash(network: NetworkConfig): HashedRecord {
  return hashRecord(networkHashInput(network));
}

export function volumeConfigHash(volume: VolumeConfig): HashedRecord {
  return hashRecord(volumeHashInput(volume));
}

/** sha256 of the canonical JSON of `input`, with that JSON. */
export function hashRecord(input: unknown): HashedRecord {
  const record = canonicalJson(input);
  return { hash: sha256Hex(record), record };
}

/** Where a config or secret lands when its reference gives no (or a relative) target. */
export function fileTarget(ref: FileReferenceConfig, kind: 'config' | 'secret'): string {
  const base = kind === 'secret' ? '/run/secrets' : '';
  const target = ref.target ?? ref.source;
  return target.startsWith('/') ? target : `${base}/${target}`;
}

function fileRefs(
  refs: readonly FileReferenceConfig[],
  kind: 'config' | 'secret',
  digests: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const ref of refs) {
    const entry: Record<string, unknown> = stripExtensions(ref);
    delete entry['target'];
    entry['digest'] = digests[ref.source] ?? null;
    out[fileTarget(ref, kind)] = entry;
  }
  return out;
}

/** Extension keys that may appear on these structures (user-data maps are never descended). */
const USER_DATA_KEYS = new Set([
  'environment',
  'labels',
  'annotations',
  'sysctls',
  'driver_opts',
  'storage_opt',
  'options',
  'ulimits',
  'aux_addresses',
]);

/** A copy without `x-*` keys, descending into nested objects and lists except user-data maps. */
function stripExtensions(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('x-')) continue;
    out[key] = USER_DATA_KEYS.has(key) ? v : stripNested(v);
  }
  return out;
}

function stripNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNested);
  if (isRecord(value)) return stripExtensions(value);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
